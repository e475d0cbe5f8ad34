"""The health pack's hook implementations."""

from pathlib import Path
from typing import Callable

from fastapi import APIRouter

from codexcontinue import PackInfo, PageSpec, hookimpl

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
