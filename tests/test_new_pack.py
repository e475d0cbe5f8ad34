"""`codexcontinue new-pack`: the template renders a pack that installs, passes its tests and lists."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from codexcontinue.scaffold import ScaffoldError, render_pack

REPO = Path(__file__).resolve().parents[1]


def test_the_template_renders_a_complete_pack(tmp_path):
    target = render_pack("recipe-box", tmp_path / "pack", description="Recipes and meal plans.")
    files = {str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()}
    module = "src/codexcontinue_recipe_box"
    assert {
        "pyproject.toml", "codexcontinue-pack.toml", "README.md", ".github/workflows/ci.yml",
        ".copier-answers.yml", f"{module}/__init__.py", f"{module}/plugin.py", f"{module}/routes.py",
        f"{module}/settings.py", f"{module}/pages/greeting.py", "tests/conftest.py", "tests/test_pack.py",
    } <= files  # fmt: skip
    pyproject = (target / "pyproject.toml").read_text()
    assert 'recipe-box = "codexcontinue_recipe_box.plugin"' in pyproject
    assert 'plugin-api = ">=1,<2"' in (target / "codexcontinue-pack.toml").read_text()
    assert "class RecipeBoxSettings(PackSettings)" in (target / module / "settings.py").read_text()
    for path in target.rglob("*.py"):
        compile(path.read_text(), str(path), "exec")


@pytest.mark.parametrize(
    "name, message",
    [("Recipes", "lowercase letters"), ("9lives", "starting with a letter"), ("jobs", "reserved")],
)
def test_bad_names_are_refused_with_the_reason(tmp_path, name, message):
    with pytest.raises(ScaffoldError, match=message):
        render_pack(name, tmp_path / "pack")


@pytest.mark.parametrize("answer", ["description", "title", "author", "base_model"])
@pytest.mark.parametrize("character", ["\n", "\r", "\t", "\x00", "\x1b", "\u2028"])
def test_an_answer_with_a_control_character_is_refused_and_nothing_is_written(tmp_path, answer, character):
    with pytest.raises(ScaffoldError, match=rf"The answer '{answer}': it holds a control character .* at character 4; "):
        render_pack("recipes", tmp_path / "pack", **{answer: f"two{character}lines"})
    assert not (tmp_path / "pack").exists()


@pytest.mark.parametrize("answer", ["description", "title", "author", "base_model", "core_version", "plugin_api"])
def test_an_answer_that_would_break_a_generated_string_is_refused(tmp_path, answer):
    with pytest.raises(ScaffoldError, match=f"Validation error for question '{answer}': Leave out double quotes"):
        render_pack("recipes", tmp_path / "pack", **{answer: 'A "smart" pack'})


def test_the_cli_prints_a_refusal_with_brackets_in_it_as_text(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", "new-pack", "x[/red]", "--dir", str(tmp_path / "pack")],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "Pack name 'x[/red]'" in " ".join(done.stderr.split())


def test_a_non_empty_folder_is_never_overwritten(tmp_path):
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "notes.txt").write_text("mine")
    with pytest.raises(ScaffoldError, match="already exists and is not empty"):
        render_pack("recipes", tmp_path / "pack")
    assert (tmp_path / "pack" / "notes.txt").read_text() == "mine"


@pytest.mark.slow
def test_a_generated_pack_installs_in_a_fresh_venv_and_passes_its_own_tests(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", "new-pack", "recipes", "--dir", str(tmp_path / "recipes")],
        check=True, capture_output=True,
    )  # fmt: skip
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, str(REPO)], check=True)
    subprocess.run([*pip, "-e", f"{tmp_path / 'recipes'}[test]"], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEXCONTINUE_", "PYTHONPATH", "VIRTUAL_ENV"))}
    env["CODEXCONTINUE_DATA_DIR"] = str(tmp_path / "data")
    tests = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path / "recipes", env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert "10 passed" in tests.stdout  # 7 conformance checks + 3 of its own
    listed = subprocess.run(
        [str(env_dir / "bin" / "codexcontinue"), "packs", "list", "--json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert '"name": "recipes"' in listed.stdout
