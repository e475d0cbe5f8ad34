"""The Streamlit entry script: sign-in sidebar plus navigation built from the enabled packs' pages.

`codexcontinue ui` runs it through `server.py` (which adds the session-cookie routes); `streamlit run`
on this file works too, without sign-in surviving a reload.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from codexcontinue.ui.llm_state import llm_status
from codexcontinue.ui.session import pack_registry, sign_in_sidebar, signed_in

FAVICON = Path(__file__).parent / "static" / "favicon.png"  # served by Streamlit itself, not a CDN


def _navigation() -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}
    for loaded in pack_registry().loaded():
        section = "CodexContinue" if loaded.source.builtin else loaded.info.title
        sections[section] = [
            st.Page(
                str(page.path),
                title=page.title,
                icon=page.icon or loaded.info.icon,
                url_path=loaded.page_url(page),
                default=loaded.source.builtin and page.slug == "home",
            )
            for page in loaded.pages
        ]
    return {title: pages for title, pages in sections.items() if pages}


st.set_page_config(
    page_title="CodexContinue", page_icon=str(FAVICON), layout="wide", initial_sidebar_state="expanded"
)
# Signed out, the navigation is hidden so that the sign-in form is the first thing in the sidebar.
is_signed_in = signed_in()
page = st.navigation(_navigation(), expanded=True, position="sidebar" if is_signed_in else "hidden")
sign_in_sidebar()
if is_signed_in:
    with st.sidebar:
        llm_status(compact=True)
page.run()
