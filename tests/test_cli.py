"""The CLI: listing imports no pack; keys are shown once; logs can be JSON lines."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from distributions import install_pack

from codexcontinue.logs import configure_logging


def run_cli(*args: str, env: dict[str, str], cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", *args],
        capture_output=True, text=True, env=env, cwd=cwd, check=True,
    )  # fmt: skip


def test_listing_and_help_import_no_pack(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    marker = tmp_path / "imported"
    install_pack(site, "tattle", plugin_source=f"open({str(marker)!r}, 'w').write('imported')\n")
    env = {**os.environ, "PYTHONPATH": str(site), "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data")}
    assert "tattle" in run_cli("packs", "list", env=env, cwd=tmp_path).stdout
    assert "packs" in run_cli("--help", env=env, cwd=tmp_path).stdout
    assert not marker.exists()
    run_cli("packs", "info", "tattle", env=env, cwd=tmp_path)
    assert marker.exists()  # the same pack is importable: listing really did skip it


def test_keys_create_list_revoke(tmp_path):
    env = {**os.environ, "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data")}
    created = run_cli("keys", "create", "--name", "ci", "--scope", "legal:read", env=env, cwd=tmp_path)
    token = created.stdout.strip()
    assert token.startswith("cc_")
    listed = run_cli("keys", "list", "--json", env=env, cwd=tmp_path).stdout
    assert token.split("_", 2)[2] not in listed
    [key] = json.loads(listed)
    assert key["name"] == "ci" and key["scopes"] == ["legal:read"] and not key["revoked"]
    run_cli("keys", "revoke", key["prefix"], env=env, cwd=tmp_path)
    assert json.loads(run_cli("keys", "list", "--json", env=env, cwd=tmp_path).stdout)[0]["revoked"]


def test_a_bad_scope_is_refused_with_the_accepted_forms(tmp_path):
    env = {**os.environ, "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", "keys", "create", "--name", "x", "--scope", "everything"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "use 'admin', '<pack>:read' or '<pack>:write'" in result.stderr


def test_keys_create_names_the_owner_and_refuses_a_malformed_one(tmp_path):
    env = {**os.environ, "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data")}
    created = run_cli("keys", "create", "--name", "laptop", "--owner", "alice", "--scope", "legal:write", env=env, cwd=tmp_path)
    assert "for owner alice" in created.stderr
    run_cli("keys", "create", "--name", "solo", "--scope", "legal:read", env=env, cwd=tmp_path)
    keys = json.loads(run_cli("keys", "list", "--json", env=env, cwd=tmp_path).stdout)
    assert [key["owner"] for key in keys] == ["alice", keys[1]["prefix"]]
    assert "alice" in run_cli("keys", "list", env=env, cwd=tmp_path).stdout
    refused = subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", "keys", "create", "--name", "x", "--owner", "Team Legal", "--scope", "legal:read"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert refused.returncode == 2 and "must be 1 to 64 lowercase letters" in refused.stderr


@pytest.fixture
def restored_logging():
    """Put back the root logger's handlers and level: a handler on pytest's captured stream must not
    outlive the test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def test_libraries_write_no_info_lines_at_the_default_level(capsys, restored_logging):
    configure_logging("INFO")
    logging.getLogger("presidio-analyzer").info("Fetching all recognizers for language en")
    logging.getLogger("uvicorn.access").info('127.0.0.1:5000 - "GET /healthz HTTP/1.1" 200')
    logging.getLogger("presidio-analyzer").warning("recognizer failed")
    logging.getLogger("codexcontinue.api").info("pack legal quarantined")
    logging.getLogger("codexcontinue_health.routes").info("batch done")
    written = capsys.readouterr().err
    assert "Fetching all recognizers" not in written and "GET /healthz" not in written
    assert "recognizer failed" in written and "pack legal quarantined" in written and "batch done" in written


def test_debug_lets_library_lines_through(capsys, restored_logging):
    configure_logging("debug")
    logging.getLogger("presidio-analyzer").info("Fetching all recognizers for language en")
    assert "Fetching all recognizers" in capsys.readouterr().err


def test_an_unknown_log_level_is_refused_with_the_accepted_ones(restored_logging):
    with pytest.raises(ValueError, match="use DEBUG, INFO, WARNING or ERROR"):
        configure_logging("chatty")


def test_json_log_lines(capsys):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("INFO", json_lines=True)
    try:
        logging.getLogger("codexcontinue.test").warning("pack %s quarantined", "legal")
    finally:  # put back what was there: a handler on pytest's captured stream must not outlive the test
        root.handlers[:], root.level = handlers, level
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["message"] == "pack legal quarantined"
    assert line["levelname"] == "WARNING" and line["name"] == "codexcontinue.test"
