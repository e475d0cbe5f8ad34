"""Fixtures of the health pack's tests: a real redis-server, the synthetic corpus, a signed-in UI."""

from __future__ import annotations

import asyncio

import pytest
import streamlit as st
from pytest_redis import factories

redis_proc = factories.redis_proc(port=None)


@pytest.fixture
def redis_url(redis_proc) -> str:
    """A URL of a real redis-server started for this test session (database 0 flushed per test)."""
    import redis

    url = f"redis://{redis_proc.host}:{redis_proc.port}/0"
    redis.Redis.from_url(url).flushall()
    return url


@pytest.fixture
def ui_env(codexcontinue_settings, live_backend, monkeypatch):
    """The UI process's environment: same data folder as the backend, pointed at its URL."""
    monkeypatch.setenv("CODEXCONTINUE_API_URL", live_backend.url)
    monkeypatch.setenv("CODEXCONTINUE_DATA_DIR", str(codexcontinue_settings.data_dir))
    st.cache_resource.clear()
    yield live_backend
    st.cache_resource.clear()


@pytest.fixture
def admin_token(live_backend) -> str:
    """A fresh admin API key of the live backend."""
    token, _ = asyncio.run(live_backend.app.state.keyring.create("ui-test", ["admin"]))
    return token
