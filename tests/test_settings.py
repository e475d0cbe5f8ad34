"""Settings: environment, .env and secrets folder; masked secrets; errors that name the setting."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from distributions import VAULT_PLUGIN, install_pack

from codexcontinue.packs.registry import PackError, PackRegistry
from codexcontinue.packs.status import PackState
from codexcontinue.settings import SettingsError, load_core_settings

SECRET = "hunter2-do-not-print"



@pytest.fixture
def vault_site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    install_pack(site, "vault", plugin_source=VAULT_PLUGIN)
    monkeypatch.syspath_prepend(str(site))
    yield site
    sys.modules.pop("cc_test_codexcontinue_vault", None)


def test_core_settings_read_the_environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CODEXCONTINUE_PACKS", "legal, finance")
    monkeypatch.setenv("CODEXCONTINUE_OLLAMA_HOSTS", "http://gpu-1:11434,http://gpu-2:11434/")
    settings = load_core_settings()
    assert settings.packs == ["legal", "finance"]
    assert settings.ollama_hosts == ["http://gpu-1:11434", "http://gpu-2:11434"]
    assert settings.pack_enabled("legal") and not settings.pack_enabled("health")


def test_a_bad_core_setting_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CODEXCONTINUE_API_PORT", "eighty")
    with pytest.raises(SettingsError, match="CODEXCONTINUE_API_PORT: Input should be a valid integer"):
        load_core_settings()


def test_a_rate_limit_is_parsed_when_set_and_the_default_stands(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert load_core_settings().rate_limit == "600/minute"
    monkeypatch.setenv("CODEXCONTINUE_RATE_LIMIT", "10 per fortnight")
    with pytest.raises(SettingsError, match="CODEXCONTINUE_RATE_LIMIT: .* is not a rate like '600/minute'"):
        load_core_settings()


def test_pack_settings_come_from_env_dotenv_and_secrets_folder(vault_site, codexcontinue_settings, tmp_path, monkeypatch):
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "codexcontinue_vault__api_token").write_text(SECRET)
    monkeypatch.setenv("CODEXCONTINUE_SECRETS_DIR", str(secrets))
    (tmp_path / ".env").write_text("CODEXCONTINUE_VAULT__RETRIES=7\n")
    registry = PackRegistry(codexcontinue_settings).load()
    settings = registry.packs["vault"].settings
    assert settings.api_token.get_secret_value() == SECRET
    assert settings.retries == 7
    assert SECRET not in repr(settings) and SECRET not in str(settings)


def test_a_missing_pack_setting_quarantines_the_pack_and_names_it(vault_site, codexcontinue_settings):
    registry = PackRegistry(codexcontinue_settings).load()
    status = registry.statuses["vault"]
    assert status.state is PackState.FAILED
    assert "Invalid settings for pack 'vault'" in status.error
    assert "CODEXCONTINUE_VAULT__API_TOKEN: Field required" in status.error
    with pytest.raises(PackError, match="CODEXCONTINUE_VAULT__API_TOKEN"):
        PackRegistry(codexcontinue_settings, strict=True).load()


def test_a_bad_value_is_named_without_echoing_it(vault_site, codexcontinue_settings, monkeypatch):
    monkeypatch.setenv("CODEXCONTINUE_VAULT__API_TOKEN", SECRET)
    monkeypatch.setenv("CODEXCONTINUE_VAULT__RETRIES", "many")
    registry = PackRegistry(codexcontinue_settings).load()
    error = registry.statuses["vault"].error
    assert "CODEXCONTINUE_VAULT__RETRIES: Input should be a valid integer" in error
    assert SECRET not in error


def test_config_show_masks_every_secret(vault_site, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(vault_site), os.environ.get("PYTHONPATH", "")]),
        "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data"),
        "CODEXCONTINUE_VAULT__API_TOKEN": SECRET,
        "CODEXCONTINUE_REDIS_URL": f"redis://:{SECRET}@127.0.0.1:1/0",
    }
    for extra in ([], ["--json"]):
        result = subprocess.run(
            [sys.executable, "-m", "codexcontinue.cli", "config", "show", *extra],
            capture_output=True, text=True, env=env, cwd=tmp_path, check=True,
        )  # fmt: skip
        assert SECRET not in result.stdout + result.stderr
    shown = json.loads(result.stdout)
    assert shown["vault"] == {"api_token": "**********", "retries": 3}
    assert shown["core"]["redis_url"] == "**********"
