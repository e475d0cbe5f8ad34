"""The Streamlit shell under AppTest: sign-in, the home page's pack table, every pack's page."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import codexcontinue.ui
from codexcontinue.ui.text import shown

SHELL = str(Path(codexcontinue.ui.__file__).parent / "shell.py")


@pytest.fixture
def ui_env(codexcontinue_settings, live_backend, monkeypatch):
    """The UI process's environment: same data folder as the backend, pointed at its URL."""
    monkeypatch.setenv("CODEXCONTINUE_API_URL", live_backend.url)
    monkeypatch.setenv("CODEXCONTINUE_DATA_DIR", str(codexcontinue_settings.data_dir))
    st.cache_resource.clear()
    yield live_backend
    st.cache_resource.clear()


@pytest.fixture
def admin_token(live_backend):
    token, _ = asyncio.run(live_backend.app.state.keyring.create("ui-test", ["admin"]))
    return token


def signed_in(token: str) -> AppTest:
    app = AppTest.from_file(SHELL, default_timeout=30).run()
    app.sidebar.text_input[0].input(token)
    app.sidebar.button[0].click().run()
    return app


def test_the_home_page_asks_for_a_key_first(ui_env):
    app = AppTest.from_file(SHELL, default_timeout=30).run()
    assert not app.exception
    assert "Sign in with your API key" in app.info[0].value
    assert app.sidebar.text_input[0].label == "API key"


def test_a_wrong_key_is_refused_with_the_reason(ui_env):
    app = signed_in("cc_000000000000_" + "x" * 43)
    assert "Sign-in failed: 401: Invalid, expired or revoked API key." in shown(app.sidebar.error[0].value)


def test_signing_in_shows_the_pack_table(ui_env, admin_token):
    app = signed_in(admin_token)
    assert not app.exception
    assert "Signed in with key **ui\\-test**" in app.sidebar.caption[0].value  # the name as text, in bold
    table = app.dataframe[0].value
    assert sorted(table["pack"]) == ["developer", "finance", "health", "legal"]
    assert set(table["state"]) == {"active"}


@pytest.mark.parametrize("pack", ["legal", "health", "finance", "developer"])
def test_each_pack_page_calls_the_backend(ui_env, admin_token, pack):
    import importlib

    module = importlib.import_module(f"codexcontinue_{pack}")
    page = str(Path(module.__file__).parent / "pages" / "overview.py")
    app = signed_in(admin_token)
    app.switch_page(page).run()
    assert not app.exception
    assert app.title[0].value == f"{module.INFO.title} 0.1.0"
    assert app.markdown[0].value == module.INFO.description
