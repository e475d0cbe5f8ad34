"""The Streamlit entry script: sign-in sidebar plus navigation built from the enabled packs' pages.

Run with `codexcontinue ui` (or `streamlit run` on this file).
"""

from __future__ import annotations

import streamlit as st

from codexcontinue.packs import PackRegistry
from codexcontinue.ui.session import sign_in_sidebar, ui_settings


@st.cache_resource
def _registry() -> PackRegistry:
    return PackRegistry(ui_settings()).load()


def _navigation() -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}
    for loaded in _registry().loaded():
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


st.set_page_config(page_title="CodexContinue", page_icon=":material/hub:", layout="wide")
page = st.navigation(_navigation(), expanded=True)  # every pack's pages, not the first ten
sign_in_sidebar()
page.run()
