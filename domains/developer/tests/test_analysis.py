"""Code analysis over HTTP: a real package's numbers agree with radon's and bandit's own CLI; pasted code; errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ANALYSIS = "/api/v1/developer/analysis"

SNIPPET = '''\
import os
import subprocess


def risky(command, retries):
    """Run `command` through the shell."""
    for attempt in range(retries):
        if attempt > 3 and command:
            break
        elif not command:
            return None
        elif attempt == 2:
            continue
    return subprocess.call(command, shell=True)


class Store:
    def get(self, key):
        if key:
            return key
        return None
'''


def cli(*command: str, cwd: Path) -> dict:
    """Run a tool's command line in a neutral folder; its JSON output."""
    done = subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True, cwd=cwd, check=False)
    assert done.stdout, done.stderr
    return json.loads(done.stdout)


def test_a_real_packages_numbers_agree_with_radon_and_bandit_cli(pack_client, real_package_zip, tmp_path):
    content, paths = real_package_zip
    response = pack_client.post(ANALYSIS, files={"file": ("dunamai.zip", content, "application/zip")})
    assert response.status_code == 200, response.text
    report = response.json()
    assert sorted(file["path"] for file in report["files"]) == sorted(paths)
    by_file = {str(file): archive_path for archive_path, file in paths.items()}
    files = [str(file) for file in paths.values()]

    radon_cc = cli("radon", "cc", "-j", *files, cwd=tmp_path)
    expected_blocks = sorted(
        (by_file[name], f"{block['classname']}.{block['name']}" if block.get("classname") else block["name"],
         block["type"], block["lineno"], block["endline"], block["complexity"], block["rank"])
        for name, blocks in radon_cc.items() for block in blocks
    )  # fmt: skip
    ours = sorted(
        (b["path"], b["name"], b["kind"], b["lineno"], b["endline"], b["complexity"], b["rank"])
        for b in report["blocks"]
    )
    assert ours == expected_blocks
    assert len(ours) > 50 and max(block[5] for block in ours) > 20  # a real package, with complex functions

    radon_mi = cli("radon", "mi", "-j", *files, cwd=tmp_path)
    radon_raw = cli("radon", "raw", "-j", *files, cwd=tmp_path)
    for file in report["files"]:
        name = str(paths[file["path"]])
        assert file["mi"] == pytest.approx(radon_mi[name]["mi"], abs=1e-9)
        assert file["mi_rank"] == radon_mi[name]["rank"]
        raw = radon_raw[name]
        assert {key: file[key] for key in raw} == raw

    bandit = cli("bandit", "-f", "json", "-q", *files, cwd=tmp_path)
    expected_issues = sorted(
        (by_file[str(Path(issue["filename"]).resolve())], issue["line_number"], issue["test_id"],
         issue["issue_severity"], issue["issue_confidence"], issue["issue_text"], issue["issue_cwe"].get("id"))
        for issue in bandit["results"]
    )  # fmt: skip
    ours_issues = sorted(
        (f["path"], f["line"], f["test_id"], f["severity"], f["confidence"], f["message"], f["cwe"])
        for f in report["security"]
    )
    assert ours_issues == expected_issues
    assert {issue[2] for issue in ours_issues} >= {"B602", "B404"}  # shell=True and the subprocess import

    summary = report["summary"]
    assert summary["files"] == len(paths)
    assert summary["most_complex"][0]["complexity"] == max(block[5] for block in ours)
    assert summary["security_by_severity"] == {
        severity: sum(1 for issue in ours_issues if issue[3] == severity) for severity in ("HIGH", "MEDIUM", "LOW")
    }


def test_pasted_code_gets_metrics_security_and_lint_findings(pack_client):
    response = pack_client.post(f"{ANALYSIS}/code", json={"filename": "tools.py", "code": SNIPPET})
    assert response.status_code == 200, response.text
    report = response.json()
    blocks = {block["name"]: block for block in report["blocks"]}
    assert (blocks["risky"]["complexity"], blocks["risky"]["rank"], blocks["risky"]["kind"]) == (
        6,
        "B",
        "function",
    )
    assert (blocks["Store.get"]["complexity"], blocks["Store.get"]["kind"]) == (2, "method")
    assert blocks["Store"]["kind"] == "class"
    [shell] = [f for f in report["security"] if f["test_id"] == "B602"]
    assert (shell["path"], shell["line"], shell["severity"]) == ("tools.py", 14, "HIGH")
    assert shell["more_info"].startswith("https://bandit.readthedocs.io/")
    [unused] = [f for f in report["lint"] if f["code"] == "F401"]
    assert (unused["line"], unused["fixable"]) == (1, True)
    assert "`os` imported but unused" in unused["message"]
    summary = report["summary"]
    assert summary["most_complex"][0]["name"] == "risky"
    assert summary["complexity_ranks"]["B"] == 1
    assert summary["lint_by_code"] == {"F401": 1}
    assert summary["most_findings"][0] == {"path": "tools.py", "security": 2, "lint": 1}


def test_a_file_that_does_not_parse_is_reported_and_the_others_analysed(pack_client, make_zip):
    archive = make_zip({"pkg/good.py": b"def f(x):\n    return x\n", "pkg/bad.py": b"def broken(:\n    pass\n"})
    report = pack_client.post(ANALYSIS, files={"file": ("pkg.zip", archive, "application/zip")}).json()
    files = {file["path"]: file for file in report["files"]}
    assert files["pkg/bad.py"]["error"].startswith("syntax error at line 1")
    assert files["pkg/good.py"]["error"] is None and files["pkg/good.py"]["mi"] == 100.0
    assert "bandit skipped 'pkg/bad.py': syntax error while parsing AST from file." in report["notes"]
    assert {(f["path"], f["code"]) for f in report["lint"]} == {("pkg/bad.py", "invalid-syntax")}
    assert report["summary"]["files_not_parsed"] == 1


def test_a_single_py_upload_and_other_files_in_an_archive(pack_client, make_zip):
    single = pack_client.post(ANALYSIS, files={"file": ("tools.py", SNIPPET.encode(), "text/x-python")}).json()
    assert [file["path"] for file in single["files"]] == ["tools.py"]
    archive = make_zip({"app/main.py": b"x = 1\n", "app/README.md": b"# app\n", "app/": b""})
    report = pack_client.post(ANALYSIS, files={"file": ("app.zip", archive, "application/zip")}).json()
    assert report["ignored_files"] == ["app/README.md"]


def test_a_key_that_may_only_read_can_analyse(pack_app):
    from fastapi.testclient import TestClient

    with TestClient(pack_app) as client:
        token, _ = client.portal.call(pack_app.state.keyring.create, "reader", ["developer:read"])
        reader = {"Authorization": f"Bearer {token}"}
        response = client.post(f"{ANALYSIS}/code", json={"code": "x = 1\n"}, headers=reader)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"code": ""}, 422, "Code must not be empty."),
        ({"code": "x = 1", "filename": "../evil.py"}, 422, "not a usable Python file name"),
        ({"code": "x = 1", "filename": "notes.txt"}, 422, "not a usable Python file name"),
        ({"code": "x = 1", "language": "python"}, 422, "'language' is not a field this request accepts"),
    ],
)
def test_pasted_code_that_cannot_be_analysed_says_why(pack_client, body, status, message):
    response = pack_client.post(f"{ANALYSIS}/code", json=body)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_loading_bandit_logs_no_error_about_its_unused_sarif_formatter():
    loaded = subprocess.run(
        [sys.executable, "-c", "import logging; logging.basicConfig(); import codexcontinue_developer.security"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert loaded.stderr == ""
