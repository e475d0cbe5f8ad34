"""The pack's commands as a user runs them: `codexcontinue developer analyze|docs|templates|scaffold`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def developer_cli(tmp_path):  # noqa: ANN001 - pytest's fixture
    """`developer_cli("analyze", path)` -> the finished `codexcontinue developer ...` process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEXCONTINUE_")}
    env.update(CODEXCONTINUE_DATA_DIR=str(tmp_path / "data"), CODEXCONTINUE_PACKS="developer")

    def run(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "codexcontinue.cli", "developer", *map(str, arguments)],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
        )  # fmt: skip

    return run


def test_analyze_a_package_folder_as_json(developer_cli, real_package):
    name, files = real_package
    done = developer_cli("analyze", files[0].parent, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert sorted(file["path"] for file in report["files"]) == sorted(f"{name}/{file.name}" for file in files)
    assert report["summary"]["most_complex"][0]["rank"] == "F"


def test_analyze_prints_the_worst_offenders(developer_cli, tmp_path):
    (tmp_path / "ops.py").write_text(
        "import subprocess\n\ndef run(c):\n    return subprocess.call(c, shell=True)\n"
    )
    done = developer_cli("analyze", tmp_path / "ops.py")
    assert done.returncode == 0, done.stderr
    assert "Most complex functions" in done.stdout and "B602" in done.stdout


def test_analyze_refuses_a_hostile_archive_with_the_reason(developer_cli, make_zip, tmp_path):
    (tmp_path / "evil.zip").write_bytes(make_zip({"../escaped.py": b"x = 1\n"}))
    done = developer_cli("analyze", tmp_path / "evil.zip")
    assert done.returncode == 2
    assert "points outside the archive's folder" in done.stderr
    assert not (tmp_path.parent / "escaped.py").exists()


def test_scaffold_a_library_with_answers(developer_cli, tmp_path):
    done = developer_cli(
        "scaffold", "python-library", tmp_path / "lib", "--answer", "name=text-tools", "-a", "license=MIT"
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "lib" / "src" / "text_tools" / "text.py").is_file()
    assert "Created python-library project" in done.stdout


def test_scaffold_lists_every_wrong_answer(developer_cli, tmp_path):
    done = developer_cli(
        "scaffold", "fastapi-service", tmp_path / "svc", "--answer", "name=Bad", "--answer", "port=1"
    )
    assert done.returncode == 2
    assert "name: Use lowercase letters" in done.stderr and "port: Give a port number" in done.stderr
    assert not (tmp_path / "svc").exists()


def test_scaffold_a_pack_and_list_the_templates(developer_cli, tmp_path):
    done = developer_cli("scaffold", "pack", tmp_path / "recipes", "--answer", "name=recipes")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "recipes" / "src" / "codexcontinue_recipes" / "plugin.py").is_file()
    listed = developer_cli("templates")
    assert "fastapi-service: FastAPI service" in listed.stdout and "python_version" in listed.stdout


def test_docs_writes_the_reference_and_prints_the_coverage(developer_cli, real_package, tmp_path):
    name, files = real_package
    done = developer_cli("docs", files[0].parent, "--out", tmp_path / "api.md")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "api.md").read_text().startswith(f"# API reference: {files[0].parent}\n\n## `{name}`")
    assert "Docstring coverage" in done.stderr
