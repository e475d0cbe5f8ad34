"""`codexcontinue packs doctor`: what is wrong with each pack, and how to fix it."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

import pytest
from distributions import VAULT_PLUGIN, install_pack

from codexcontinue.doctor import diagnose



@pytest.fixture
def site(tmp_path, monkeypatch):
    folder = tmp_path / "site"
    folder.mkdir()
    install_pack(folder, "broken", plugin_source="import not_installed_anywhere\n")
    install_pack(folder, "future", api_range=">=2,<3")
    install_pack(folder, "vault", plugin_source=VAULT_PLUGIN)
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    yield folder
    for name in [m for m in sys.modules if m.startswith("cc_test_")]:
        del sys.modules[name]


def by_pack(findings):
    return {finding.pack: finding for finding in findings}


def test_doctor_names_each_problem_with_its_fix(site, codexcontinue_settings, ollama_server):
    settings = codexcontinue_settings.model_copy(update={"ollama_hosts": [ollama_server.url]})
    found = by_pack(diagnose(settings))
    assert "not_installed_anywhere" in found["broken"].problem
    assert found["broken"].fix.startswith("Install what it imports, or reinstall it")
    assert "needs plugin API >=2,<3" in found["future"].problem
    assert found["future"].fix.startswith("Upgrade codexcontinue")
    assert "CODEXCONTINUE_VAULT__API_TOKEN: Field required" in found["vault"].problem
    assert "secrets folder" in found["vault"].fix
    assert "Model 'finance-analyst' is missing in Ollama" in found["finance"].problem
    assert found["finance"].fix == "codexcontinue models ensure --pack finance"
    assert "legal" in found  # its legal-analyst model is missing too


def test_doctor_says_when_ollama_cannot_be_reached(codexcontinue_settings):
    found = diagnose(codexcontinue_settings)
    [ollama] = [f for f in found if "Cannot check the packs' models" in f.problem]
    assert "start Ollama" in ollama.problem and ollama.fix == "Start Ollama, then run this again."


def test_doctor_names_an_enabled_pack_that_is_not_installed(codexcontinue_settings):
    found = by_pack(diagnose(codexcontinue_settings.model_copy(update={"packs": ["legal", "recipes"]})))
    assert found["recipes"].fix.startswith("pip install codexcontinue-recipes")


def test_cli_doctor_exits_1_with_json_findings(site, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(site), "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", "packs", "doctor", "--json"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert {"broken", "future", "vault"} <= {finding["pack"] for finding in json.loads(result.stdout)}
