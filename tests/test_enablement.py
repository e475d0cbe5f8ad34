"""Compose profiles enable packs by announcing them in Redis; every process reads the same set."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import SecretStr

from codexcontinue.enablement import announce, announced_packs
from codexcontinue.packs.registry import PackRegistry
from codexcontinue.packs.status import PackState
from codexcontinue.settings import SettingsError


def test_announced_packs_are_exactly_the_enabled_ones(codexcontinue_settings, redis_url):
    settings = codexcontinue_settings.model_copy(update={"redis_url": SecretStr(redis_url), "packs": ["announced"]})
    assert PackRegistry(settings).load().active() == []  # nothing announced: no pack enabled
    announce(settings, ["finance", "legal"], ttl=5, rounds=1)
    assert announced_packs(settings) == ["finance", "legal"]
    registry = PackRegistry(settings).load()
    assert registry.active() == ["finance", "legal"]
    assert registry.statuses["health"].state is PackState.DISABLED


def test_announcements_expire_when_the_announcer_stops(codexcontinue_settings, redis_url):
    import time

    settings = codexcontinue_settings.model_copy(update={"redis_url": SecretStr(redis_url)})
    announce(settings, ["health"], ttl=0.3, rounds=1)
    assert announced_packs(settings) == ["health"]
    time.sleep(0.5)
    assert announced_packs(settings) == []


def test_announced_without_redis_says_what_is_missing(codexcontinue_settings):
    settings = codexcontinue_settings.model_copy(update={"packs": ["announced"]})
    with pytest.raises(SettingsError, match="needs CODEXCONTINUE_REDIS_URL"):
        PackRegistry(settings)


def test_cli_health_check_of_an_announcer(codexcontinue_settings, redis_url, tmp_path):
    settings = codexcontinue_settings.model_copy(update={"redis_url": SecretStr(redis_url)})
    announce(settings, ["legal"], ttl=30, rounds=1)
    env = {**os.environ, "CODEXCONTINUE_REDIS_URL": redis_url, "CODEXCONTINUE_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "codexcontinue.cli", "packs", "announced"]
    ok = subprocess.run([*command, "--require", "legal"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip() == "legal"
    missing = subprocess.run([*command, "--require", "finance"], env=env, capture_output=True, text=True)
    assert missing.returncode == 1
