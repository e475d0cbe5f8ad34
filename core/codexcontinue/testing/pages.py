"""Run a pack's Streamlit pages under AppTest, signed in, against the backend served over HTTP."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .live import LiveBackend, create_key

if TYPE_CHECKING:
    from fastapi import FastAPI
    from streamlit.testing.v1 import AppTest

SHELL = Path(__file__).resolve().parents[1] / "ui" / "shell.py"


class PageRunner:
    """`with PageRunner(app, "legal") as run: run("contract-review")` -> a finished AppTest.

    Inside the block the UI's settings point at `app` (served on a free port) with only the pack
    enabled, and the session carries a key with the pack's read and write scopes.
    """

    def __init__(self, app: FastAPI, pack: str) -> None:
        self.app = app
        self.pack = pack
        self.pages = {page.slug: page for page in app.state.registry.packs[pack].pages}
        self._backend = LiveBackend(app)
        self._saved: dict[str, str | None] = {}
        self._token = ""

    def __enter__(self) -> PageRunner:
        import streamlit as st

        self._token = create_key(self.app, f"{self.pack}:write", name="page-test")
        self._backend.__enter__()
        settings = self.app.state.settings
        self._set_env(
            CODEXCONTINUE_API_URL=self._backend.url,
            CODEXCONTINUE_PACKS=self.pack,
            CODEXCONTINUE_DATA_DIR=str(settings.data_dir),
        )
        if settings.plugins_dir is not None:
            self._set_env(CODEXCONTINUE_PLUGINS_DIR=str(settings.plugins_dir))
        st.cache_resource.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        import streamlit as st

        st.cache_resource.clear()
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._backend.__exit__(*exc)

    def _set_env(self, **values: str) -> None:
        for name, value in values.items():
            self._saved.setdefault(name, os.environ.get(name))
            os.environ[name] = value

    def __call__(self, slug: str) -> AppTest:
        """Run the page with this slug and return the AppTest after it ran."""
        from streamlit.testing.v1 import AppTest

        from ..ui.session import API_KEY, KEY_NAME

        if slug not in self.pages:
            raise KeyError(f"pack '{self.pack}' has no page '{slug}'; its pages: {', '.join(self.pages)}")
        app = AppTest.from_file(str(SHELL), default_timeout=30)
        app.session_state[API_KEY] = self._token
        app.session_state[KEY_NAME] = "page-test"
        app.run()
        return app.switch_page(str(self.pages[slug].path)).run()
