"""The developer pack's hook implementations."""

from pathlib import Path
from typing import Callable

from fastapi import APIRouter

from codexcontinue import ModelSpec, PackInfo, PageSpec, hookimpl

from . import INFO
from .routes import router

PAGES = Path(__file__).parent / "pages"


@hookimpl
def pack_info() -> PackInfo:
    """The developer pack's identity."""
    return INFO


@hookimpl
def api_router() -> APIRouter:
    """Routes served under /api/v1/developer/."""
    return router


@hookimpl
def register_pages(register: Callable[[PageSpec], None]) -> None:
    """The developer pack's Streamlit pages."""
    register(PageSpec(path=PAGES / "overview.py", title="Overview", slug="overview"))


@hookimpl
def register_models(register: Callable[[ModelSpec], None]) -> None:
    """The developer pack's LLM, created in Ollama by `codexcontinue models ensure`."""
    register(
        ModelSpec(
            name="developer-reviewer",
            base="qwen2.5-coder:1.5b",
            system=(
                "You explain code and write review comments. Ground every remark in the code and analysis results you are given."
            ),
            options={"temperature": 0.2, "seed": 42, "num_ctx": 16384},
        )
    )
