"""The pack contract: every hook a pack may implement. `docs/hooks.md` documents each one.

A pack implements any subset of these with `@codexcontinue.hookimpl`. The core calls each hook
once per pack (never aggregated across packs), so a pack that raises is quarantined alone.
Hooks that may do I/O (`startup`, `shutdown`, `pack_health`) may be `async def`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import pluggy

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter

    from .context import PackContext
    from .specs import HealthReport, LLMCall, ModelSpec, PackInfo, PackSettings, PageSpec, TaskSpec

hookspec = pluggy.HookspecMarker("codexcontinue")


@hookspec
def pack_info() -> PackInfo:
    """Identify the pack: name, title, description, icon, version. Required; called at load."""


@hookspec
def pack_settings() -> type[PackSettings]:
    """Return the pack's settings class (a `PackSettings` subclass). Called at load; the core
    reads it from `CODEXCONTINUE_<PACK>__*`, `.env` and the secrets directory."""


@hookspec
def api_router() -> APIRouter:
    """Return a FastAPI `APIRouter`. The core mounts it under `/api/v1/<pack>/` behind the
    pack's API-key scopes. Called once when the app is built."""


@hookspec
def register_pages(register: Callable[[PageSpec], None]) -> None:
    """Call `register(PageSpec(...))` for each Streamlit page script. Called when the UI shell
    builds its navigation."""


@hookspec
def register_models(register: Callable[[ModelSpec], None], settings: PackSettings | None) -> None:
    """Call `register(ModelSpec(...))` for each LLM the pack needs. Called at load, after the
    pack's settings are read (`settings`, e.g. for a configurable base model); names must start
    with '<pack>-'."""


@hookspec
def register_tasks(register: Callable[[TaskSpec], None]) -> None:
    """Call `register(TaskSpec(...))` for each background task a job may run, as `<pack>.<name>`.
    Called when the backend and the worker start."""


@hookspec
def register_commands(cli: typer.Typer) -> None:
    """Add subcommands to `cli`, which the core mounts as `codexcontinue <pack> ...`. Called only
    when such a command is invoked, so `--help` and `packs list` stay import-free."""


@hookspec
def startup(context: PackContext) -> None:
    """Run once when the backend or the worker starts; `context` is the process's `PackContext`.
    May be async."""


@hookspec
def shutdown(context: PackContext) -> None:
    """Run once when the backend or the worker stops. May be async."""


@hookspec
def pack_health(context: PackContext) -> HealthReport:
    """Report the pack's own health for `/readyz` (e.g. a reachable dependency). May be async."""


@hookspec
def before_llm_call(call: LLMCall) -> LLMCall | None:
    """Inspect every LLM call before it is sent (any pack's, `call.pack` says whose). Return a
    changed `LLMCall` (to redact input or forbid caching) or None to leave it as is."""


@hookspec
def after_llm_call(call: LLMCall, text: str) -> str | None:
    """Post-process every LLM reply. Return the new text, or None to leave it as is."""
