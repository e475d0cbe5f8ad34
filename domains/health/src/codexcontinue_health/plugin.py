"""The health pack's hook implementations."""

from pathlib import Path
from typing import Callable

from fastapi import APIRouter

from codexcontinue import ModelSpec, PackInfo, PageSpec, hookimpl

from . import INFO
from .routes import router

PAGES = Path(__file__).parent / "pages"


@hookimpl
def pack_info() -> PackInfo:
    """The health pack's identity."""
    return INFO


@hookimpl
def api_router() -> APIRouter:
    """Routes served under /api/v1/health/."""
    return router


@hookimpl
def register_pages(register: Callable[[PageSpec], None]) -> None:
    """The health pack's Streamlit pages."""
    register(PageSpec(path=PAGES / "overview.py", title="Overview", slug="overview"))


@hookimpl
def register_models(register: Callable[[ModelSpec], None]) -> None:
    """The health pack's LLM, created in Ollama by `codexcontinue models ensure`."""
    register(
        ModelSpec(
            name="health-clinician",
            base="llama3.2:3b",
            system=(
                "You structure de-identified clinical notes. Keep negations such as 'no chest pain' and never add findings that are not in the note."
            ),
            options={"temperature": 0, "seed": 42, "num_ctx": 8192},
        )
    )
