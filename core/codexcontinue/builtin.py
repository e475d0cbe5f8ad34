"""The core's own plugin: the UI's home page and the `core.*` tasks, through the same hooks as a pack."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import hookimpl
from .specs import PackInfo, PageSpec, TaskSpec

PAGES = Path(__file__).parent / "ui" / "core_pages"


@hookimpl
def pack_info() -> PackInfo:
    """The core's identity."""
    return PackInfo(name="core", title="CodexContinue", description="The platform itself.")


@hookimpl
def register_pages(register: Callable[[PageSpec], None]) -> None:
    """The home page: the pack status table."""
    register(PageSpec(path=PAGES / "home.py", title="Home", slug="home", icon=":material/home:"))


@hookimpl
def register_tasks(register: Callable[[TaskSpec], None]) -> None:
    """The core's background tasks: `core.generate` (LLM generation streamed as job events)."""
    from .ml.core_tasks import CORE_TASKS

    for task in CORE_TASKS:
        register(task)
