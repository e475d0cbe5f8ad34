"""The developer pack's hook implementations."""

import asyncio
from collections.abc import Callable
from pathlib import Path

import typer
from fastapi import APIRouter

from codexcontinue import ModelSpec, PackContext, PackInfo, PageSpec, hookimpl

from . import INFO
from .reviewer_model import reviewer_model_spec
from .routes import router
from .settings import DeveloperSettings

PAGES = Path(__file__).parent / "pages"


@hookimpl
def pack_info() -> PackInfo:
    """The developer pack's identity."""
    return INFO


@hookimpl
def pack_settings() -> type[DeveloperSettings]:
    """Upload and archive limits, lint rules, report sizes and the reviewer's base model."""
    return DeveloperSettings


@hookimpl
def api_router() -> APIRouter:
    """Routes served under /api/v1/developer/."""
    return router


@hookimpl
async def startup(context: PackContext) -> None:
    """Start the process that forks the code-analysis processes, so the first analysis does not wait for it."""
    if context.process == "api":
        from .isolation import start_forkserver

        await asyncio.to_thread(start_forkserver)


@hookimpl
def register_pages(register: Callable[[PageSpec], None]) -> None:
    """The developer pack's Streamlit pages."""
    register(PageSpec(path=PAGES / "overview.py", title="Overview", slug="overview"))
    register(
        PageSpec(path=PAGES / "analysis.py", title="Code analysis", slug="analysis", icon=":material/analytics:")
    )
    register(
        PageSpec(path=PAGES / "scaffold.py", title="Scaffold", slug="scaffold", icon=":material/construction:")
    )
    register(PageSpec(path=PAGES / "docs.py", title="Docs", slug="docs", icon=":material/description:"))


@hookimpl
def register_models(register: Callable[[ModelSpec], None], settings: DeveloperSettings) -> None:
    """'developer-reviewer': code explanation, review comments and docstring drafts."""
    register(reviewer_model_spec(settings.reviewer_base_model))


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    """`codexcontinue developer analyze|docs|templates|scaffold`."""
    from .commands import add_commands

    add_commands(cli)
