"""Streamlit helpers shared by the shell and every pack page: settings, sign-in, the backend client."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ..invocation import command
from ..packs.registry import PackRegistry
from ..settings import CoreSettings, load_core_settings
from .browser_sessions import COOKIE, ROUTE_PREFIX, SESSIONS
from .client import BackendClient, BackendError
from .text import literal

API_KEY = "codexcontinue_api_key"
KEY_NAME = "codexcontinue_key_name"
SESSION_ID = "codexcontinue_session_id"
TICKET = "codexcontinue_session_ticket"
SIGNED_OUT = "codexcontinue_signed_out"
SIGN_IN_HINT = "Sign in with your API key in the form at the top left."


@st.cache_resource
def ui_settings() -> CoreSettings:
    """The core settings of the UI process (read once)."""
    return load_core_settings()


@st.cache_resource
def pack_registry() -> PackRegistry:
    """The UI process's packs, loaded once (their pages, titles, and settings such as upload limits)."""
    return PackRegistry(ui_settings()).load()


class PageClient(BackendClient):
    """The backend client pages get from `backend()`: every call shows a spinner with the time it has
    taken (Streamlit shows it once a call passes half a second), and a key that stopped working
    (revoked, expired) signs the browser out with a sentence saying so."""

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request as `BackendClient.request` does, with a spinner while it runs."""
        activity = "Loading…" if method.upper() in ("GET", "HEAD") else "Working on it…"
        with st.spinner(activity, show_time=True):
            try:
                return super().request(method, path, **kwargs)
            except BackendError as error:
                if error.status == 401:
                    sign_out()
                    raise BackendError(401, f"{error.message} You are signed out; sign in again.") from None
                raise


def backend() -> PageClient:
    """A client for the signed-in key; stops the page with a hint when nobody is signed in."""
    key = st.session_state.get(API_KEY)
    if not key:
        st.info(SIGN_IN_HINT)
        st.caption(
            "`serve` printed an admin API key in a box when it first started. To make another key: "
            f"`{command('keys create --name me --scope admin')}`."
        )
        st.stop()
    return PageClient(ui_settings().backend_url, key)


def signed_in() -> bool:
    """Whether this browser session is signed in; a reload signs back in with the session cookie."""
    if st.session_state.get(API_KEY):
        return True
    session_id = _cookie_session_id()
    if session_id is None or st.session_state.get(SIGNED_OUT):
        return False
    found = SESSIONS.resume(session_id)
    if found is None:
        return False
    try:  # the key may have been revoked or may have expired since
        BackendClient(ui_settings().backend_url, found.token).get("/api/v1/keys/me")
    except BackendError as error:
        if error.status == 401:
            SESSIONS.close(session_id)
        return False
    st.session_state[API_KEY], st.session_state[KEY_NAME] = found.token, found.key_name
    st.session_state[SESSION_ID] = session_id
    return True


def sign_in_sidebar() -> None:
    """The sidebar's API-key sign-in form, or who is signed in with a sign-out button."""
    with st.sidebar:
        if st.session_state.get(API_KEY):
            st.caption(f"Signed in with key **{literal(st.session_state.get(KEY_NAME, ''))}**")
            ticket = st.session_state.get(TICKET)
            if ticket and SESSIONS.pending(ticket):  # the browser has not fetched its cookie yet
                st.html(f'<img src="{_route("start")}?ticket={ticket}" alt="" width="1" height="1" hidden>')
            if st.button("Sign out"):
                sign_out()
                st.rerun()
            return
        if st.session_state.get(SIGNED_OUT):  # whether or not this page saw the cookie, clear it
            st.html(f'<img src="{_route("end")}" alt="" width="1" height="1" hidden>')  # clears the cookie
        with st.form("sign-in"):
            st.markdown("**Sign in**")
            token = st.text_input("API key", type="password", placeholder="cc_…")
            submitted = st.form_submit_button("Sign in", type="primary")
        if submitted:
            _sign_in(token.strip())


def sign_out() -> None:
    """Forget the key in this session and in the session cookie's entry."""
    session_id = st.session_state.pop(SESSION_ID, None) or _cookie_session_id()
    if session_id:
        SESSIONS.close(session_id)
    for name in (API_KEY, KEY_NAME, TICKET):
        st.session_state.pop(name, None)
    st.session_state[SIGNED_OUT] = True


def _sign_in(token: str) -> None:
    if not token:
        st.error(f"Paste an API key first (`{command('keys create --name me --scope admin')}` makes one).")
        return
    try:
        me = BackendClient(ui_settings().backend_url, token).get("/api/v1/keys/me")
    except BackendError as error:
        st.error(f"Sign-in failed: {literal(error.message)}")
        return
    session_id, ticket = SESSIONS.open(token, me["name"])
    st.session_state.update({API_KEY: token, KEY_NAME: me["name"], SESSION_ID: session_id, TICKET: ticket})
    st.session_state.pop(SIGNED_OUT, None)
    st.rerun()


def _cookie_session_id() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser behind this run (a bare script, AppTest): no cookie
        return None
    return value if isinstance(value, str) and value else None


def _route(action: str) -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{'/' + base if base else ''}{ROUTE_PREFIX}/{action}"


def show_error(error: BackendError) -> None:
    """Show a backend error the way every page does (as text: it may quote what the user sent)."""
    st.error(literal(error.message))
