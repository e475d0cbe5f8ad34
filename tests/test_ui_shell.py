"""The Streamlit shell under AppTest: sign-in, the home page's pack table and LLM state, every pack's page."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import streamlit as st
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

import codexcontinue.ui
from codexcontinue.api.app import create_app
from codexcontinue.testing.plugin import LiveBackend, create_key
from codexcontinue.ui.browser_sessions import COOKIE, BrowserSessions, SESSIONS, cookie_routes
from codexcontinue.ui.session import SESSION_ID
from codexcontinue.ui.text import shown

SHELL = str(Path(codexcontinue.ui.__file__).parent / "shell.py")


@pytest.fixture
def ui_env(codexcontinue_settings, live_backend, monkeypatch):
    """The UI process's environment: same data folder as the backend, pointed at its URL."""
    monkeypatch.setenv("CODEXCONTINUE_API_URL", live_backend.url)
    monkeypatch.setenv("CODEXCONTINUE_DATA_DIR", str(codexcontinue_settings.data_dir))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield live_backend
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def admin_token(live_backend):
    token, _ = asyncio.run(live_backend.app.state.keyring.create("ui-test", ["admin"]))
    return token


def signed_in(token: str) -> AppTest:
    app = AppTest.from_file(SHELL, default_timeout=30).run()
    app.sidebar.text_input[0].input(token)
    app.sidebar.button[0].click().run()
    return app


def test_signed_out_the_sign_in_form_is_the_first_thing_and_the_page_says_where(ui_env):
    app = AppTest.from_file(SHELL, default_timeout=30).run()
    assert not app.exception
    assert "Sign in with your API key in the form at the top left" in app.info[0].value
    assert app.sidebar.text_input[0].label == "API key"
    assert app.sidebar.markdown[0].value == "**Sign in**"  # nothing above it: the navigation is hidden
    assert "keys create --name me --scope admin" in app.caption[-1].value


def test_a_wrong_key_is_refused_with_a_sentence_and_no_status_code(ui_env):
    app = signed_in("cc_000000000000_" + "x" * 43)
    assert shown(app.sidebar.error[0].value) == "Sign-in failed: Invalid, expired or revoked API key."


def test_signing_in_shows_the_pack_table_and_the_llm_state(ui_env, admin_token):
    app = signed_in(admin_token)
    assert not app.exception
    assert "Signed in with key **ui\\-test**" in app.sidebar.caption[0].value  # the name as text, in bold
    table = app.dataframe[0].value
    assert sorted(table["pack"]) == ["developer", "finance", "health", "legal"]
    assert set(table["state"]) == {"active"}
    # No Ollama listens at the test settings' address: the home page says so, and how to fix it.
    warning = app.warning[0].value
    assert "The LLM is not available" in warning and "ollama serve" in warning
    assert "models ensure" in warning and "https://ollama.com/download" in warning
    assert any("LLM not available" in caption.value for caption in app.sidebar.caption)


def test_the_llm_state_says_ready_when_ollama_answers(codexcontinue_settings, ollama_server, monkeypatch):
    app = create_app(codexcontinue_settings.model_copy(update={"ollama_hosts": [ollama_server.url]}))
    with LiveBackend(app) as backend:
        monkeypatch.setenv("CODEXCONTINUE_API_URL", backend.url)
        monkeypatch.setenv("CODEXCONTINUE_DATA_DIR", str(codexcontinue_settings.data_dir))
        st.cache_resource.clear()
        st.cache_data.clear()
        ui = signed_in(create_key(app, "admin"))
        st.cache_data.clear()
    assert not ui.warning
    assert f"LLM ready (Ollama {ollama_server.version})" in [c.value.split(": ", 1)[-1] for c in ui.main.caption], [
        c.value for c in ui.main.caption
    ]


def test_signing_out_forgets_the_key_and_its_session(ui_env, admin_token):
    app = signed_in(admin_token)
    session_id = app.session_state[SESSION_ID]
    assert SESSIONS.resume(session_id) is not None
    app.sidebar.button[0].click().run()  # Sign out
    assert app.sidebar.text_input[0].label == "API key"
    assert SESSIONS.resume(session_id) is None


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


def test_a_ticket_sets_an_http_only_cookie_once_and_the_cookie_finds_the_key():
    sessions = BrowserSessions()
    session_id, ticket = sessions.open("cc_abc_secret", "laptop")
    assert sessions.pending(ticket)
    assert sessions.redeem(ticket) == session_id
    assert sessions.redeem(ticket) is None  # one use only
    found = sessions.resume(session_id)
    assert found is not None and (found.token, found.key_name) == ("cc_abc_secret", "laptop")
    sessions.close(session_id)
    assert sessions.resume(session_id) is None


def test_an_expired_session_signs_nobody_in():
    sessions = BrowserSessions(lifetime_s=-1)
    session_id, _ = sessions.open("cc_abc_secret", "laptop")
    assert sessions.resume(session_id) is None


def test_the_cookie_routes_set_and_clear_the_session_cookie():
    client = TestClient(Starlette(routes=cookie_routes()))
    session_id, ticket = SESSIONS.open("cc_abc_secret", "laptop")
    started = client.get("/_codexcontinue/session/start", params={"ticket": ticket})
    assert started.status_code == 200 and started.headers["content-type"] == "image/gif"
    cookie = started.headers["set-cookie"]
    assert f"{COOKIE}={session_id}" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "cc_abc_secret" not in cookie
    again = client.get("/_codexcontinue/session/start", params={"ticket": ticket})
    assert "set-cookie" not in again.headers  # a ticket works once

    ended = client.get("/_codexcontinue/session/end", cookies={COOKIE: session_id})
    assert f'{COOKIE}=""' in ended.headers["set-cookie"] and "Max-Age=0" in ended.headers["set-cookie"]
    assert SESSIONS.resume(session_id) is None


def test_an_uploader_states_the_smaller_of_the_api_limit_and_its_packs(codexcontinue_settings, monkeypatch):
    from codexcontinue.ui.uploads import size_text, upload_limit

    monkeypatch.setenv("CODEXCONTINUE_DATA_DIR", str(codexcontinue_settings.data_dir))
    monkeypatch.setenv("CODEXCONTINUE_MAX_BODY_BYTES", str(5 * 1024 * 1024))
    monkeypatch.setenv("CODEXCONTINUE_HEALTH__MAX_BODY_BYTES", "1000000")
    st.cache_resource.clear()
    try:
        assert upload_limit() == 5 * 1024 * 1024  # no pack: the API's own limit
        assert upload_limit("health") == 1_000_000  # the health routes' stricter body limit
        assert upload_limit("legal") == 5 * 1024 * 1024  # legal allows 10 MB, the API only 5
    finally:
        st.cache_resource.clear()
    assert (size_text(5 * 1024 * 1024), size_text(1_000_000), size_text(200 * 1024)) == ("5 MB", "977 KB", "200 KB")
