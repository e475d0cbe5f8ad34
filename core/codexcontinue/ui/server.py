"""The UI server that `codexcontinue ui` runs: Streamlit serving the shell, plus the session-cookie routes.

`streamlit run` on this file finds `app` (an `st.App`) and serves it with uvicorn. Before it answers,
the lifespan imports what the first page needs (the packs, pandas, altair, the UI's helpers), so the first page after
start is quick instead of paying for those imports while a person waits.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import streamlit as st

from codexcontinue.ui.browser_sessions import cookie_routes

SHELL = Path(__file__).with_name("shell.py")
PAGE_LIBRARIES = ("pandas", "altair", "codexcontinue.ui.llm_state", "codexcontinue.ui.uploads")


def warm_up() -> None:
    """Import every enabled pack (the shell's own load then takes milliseconds) and the pages' libraries
    and helpers."""
    from codexcontinue.packs.registry import PackRegistry
    from codexcontinue.settings import load_core_settings

    PackRegistry(load_core_settings()).load()
    for name in PAGE_LIBRARIES:
        importlib.import_module(name)


@asynccontextmanager
async def _lifespan(_app: Any) -> AsyncIterator[None]:
    await asyncio.to_thread(warm_up)
    yield


app = st.App(
    str(SHELL),
    routes=cookie_routes(st.get_option("server.baseUrlPath") or ""),
    lifespan=_lifespan,
)
