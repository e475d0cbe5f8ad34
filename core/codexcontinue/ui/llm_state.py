"""The LLM's state, shown before anyone clicks an LLM feature, read from the API's `/readyz`.

`llm_status()` shows one line (ready, with Ollama's version; or not available, with how to fix it) and
returns whether the LLM answers, so a page can default its LLM option to it:

    use_llm = st.checkbox("Let the LLM place free text", value=llm_status())
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import streamlit as st

from ..invocation import command
from .session import ui_settings

READYZ_CACHE_S = 15  # one probe per UI process this often, however many pages ask
OLLAMA_DOWNLOAD = "https://ollama.com/download"


@dataclass(frozen=True)
class LLMState:
    """Whether the API's LLM backend answers, and what it said."""

    available: bool
    detail: str


@st.cache_data(ttl=READYZ_CACHE_S, show_spinner=False)
def llm_state(backend_url: str) -> LLMState:
    """The LLM check of the API's `/readyz` (a public route: no key needed)."""
    try:
        answer = httpx.get(f"{backend_url}/readyz", timeout=5).json()
        check = answer["checks"]["llm"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return LLMState(False, f"the API at {backend_url} does not answer")
    if check.get("ok"):
        return LLMState(True, f"Ollama {check.get('version') or ''}".strip())
    return LLMState(False, str(check.get("detail") or "the LLM backend does not answer"))


def llm_status(compact: bool = False) -> bool:
    """Show the LLM's state here; True when it answers. `compact` is the sidebar's one-liner."""
    state = llm_state(ui_settings().backend_url)
    if state.available:
        st.caption(f":material/check_circle: LLM ready ({state.detail})")
    elif compact:
        st.caption(":material/cloud_off: LLM not available: the LLM features are off; the Home page says how to start it.")
    else:
        st.warning(
            "**The LLM is not available**, so the LLM features are off; everything else works without it. "
            f"To turn them on: install Ollama ({OLLAMA_DOWNLOAD}), start it (`ollama serve`), then create the "
            f"packs' models with `{command('models ensure')}`.",
            icon=":material/cloud_off:",
        )
        st.caption(f"The API's check says: {state.detail}")
    return state.available
