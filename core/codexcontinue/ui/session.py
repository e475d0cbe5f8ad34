"""Streamlit helpers shared by the shell and every pack page: settings, sign-in, backend client."""

from __future__ import annotations

import streamlit as st

from ..settings import CoreSettings, load_core_settings
from .client import BackendClient, BackendError
from .text import literal

API_KEY = "codexcontinue_api_key"
KEY_NAME = "codexcontinue_key_name"


@st.cache_resource
def ui_settings() -> CoreSettings:
    """The core settings of the UI process (read once)."""
    return load_core_settings()


def backend() -> BackendClient:
    """A client for the signed-in key; stops the page with a hint when nobody is signed in."""
    key = st.session_state.get(API_KEY)
    if not key:
        st.info("Sign in with your API key in the sidebar to use this page.")
        st.stop()
    return BackendClient(ui_settings().backend_url, key)


def sign_in_sidebar() -> None:
    """The sidebar's API-key sign-in form, or who is signed in with a sign-out button."""
    with st.sidebar:
        if st.session_state.get(API_KEY):
            st.caption(f"Signed in with key **{literal(st.session_state.get(KEY_NAME, ''))}**")
            if st.button("Sign out"):
                st.session_state.pop(API_KEY, None)
                st.rerun()
            return
        with st.form("sign-in"):
            token = st.text_input("API key", type="password", placeholder="cc_…")
            submitted = st.form_submit_button("Sign in")
        if submitted:
            _sign_in(token.strip())


def _sign_in(token: str) -> None:
    if not token:
        st.error("Paste an API key first (`codexcontinue keys create` makes one).")
        return
    try:
        me = BackendClient(ui_settings().backend_url, token).get("/api/v1/keys/me")
    except BackendError as error:
        st.error(f"Sign-in failed: {literal(error.message)}")
        return
    st.session_state[API_KEY] = token
    st.session_state[KEY_NAME] = me["name"]
    st.rerun()


def show_error(error: BackendError) -> None:
    """Show a backend error the way every page does (as text: it may quote what the user sent)."""
    st.error(literal(error.message))
