"""`codexcontinue models`: the enabled packs' model specs beside what Ollama has, and `ensure` to create them.

Imports only typer and rich at module level; the packs, the Ollama client and rich's progress
display load inside the commands.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, Optional, TypeVar

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from ..settings import CoreSettings
    from ..specs import ModelSpec
    from .models import ModelProgress
    from .ollama_backend import OllamaBackend

T = TypeVar("T")

models_app = typer.Typer(
    help="The packs' LLMs in Ollama: list them beside their specs, create or update them.", no_args_is_help=True
)

out = Console()
err = Console(stderr=True)

PackOption = Annotated[Optional[str], typer.Option("--pack", help="Only this pack's models.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@models_app.command("list")
def models_list(pack: PackOption = None, as_json: JsonOption = False) -> None:
    """Show each enabled pack's model specs beside what Ollama has: ready, changed, missing."""
    from .models import model_table

    settings, owners, specs = _pack_specs(pack)
    rows = _run(settings, lambda backend: model_table(backend, specs))
    if as_json:
        print(json.dumps([{"pack": owners[row.name], **row.as_dict()} for row in rows], indent=2))
        return
    table = Table("pack", "model", "base", "options", "system prompt", "in Ollama", "state")
    for row in rows:
        options = " ".join(f"{name}={value}" for name, value in (row.options or {}).items())
        system = row.system if len(row.system) <= 40 else row.system[:39] + "…"
        state = f"{row.state}: {row.detail}" if row.detail else row.state
        table.add_row(owners[row.name], row.name, row.base, options, system, row.digest[:12] or "-", state)
    out.print(table)


@models_app.command("ensure")
def models_ensure(pack: PackOption = None) -> None:
    """Pull missing base models and create or update the packs' models in Ollama; safe to repeat."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from .models import Action, ensure_models

    settings, _, specs = _pack_specs(pack)
    if not specs:
        out.print("No enabled pack registers models; nothing to do.")
        return
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        display = _ProgressDisplay(progress)
        actions = _run(settings, lambda backend: ensure_models(backend, specs, display.update))
    table = Table("model", "action", "detail")
    for action in actions:
        colour = {Action.FAILED: "red", Action.UNCHANGED: "dim"}.get(action.action, "green")
        table.add_row(action.model, f"[{colour}]{action.action}[/{colour}]", action.detail)
    out.print(table)
    if any(action.action is Action.FAILED for action in actions):
        raise typer.Exit(1)


class _ProgressDisplay:
    """Turns Ollama's pull and create progress into rich progress bars: one per layer being pulled."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[tuple[str, str], TaskID] = {}

    def update(self, event: ModelProgress) -> None:
        """Show one progress report."""
        layer = event.digest.removeprefix("sha256:")[:12] if event.digest else ""
        key = (event.model, layer)
        if key not in self.tasks:
            self.tasks[key] = self.progress.add_task("", total=None)
        task = self.tasks[key]
        label = f"{event.model} {layer}".strip() if layer else f"{event.model}: {event.status}"
        self.progress.update(task, description=label, total=event.total, completed=event.completed or 0)
        if event.status == "success":
            for (model, _), other in self.tasks.items():
                if model == event.model:
                    self.progress.update(other, total=1, completed=1)


def _pack_specs(pack: str | None) -> tuple[CoreSettings, dict[str, str], list[ModelSpec]]:
    """The settings, each model's owning pack, and the model specs of the enabled packs (or of `pack`)."""
    from ..cli_support import registry_or_exit, settings_or_exit

    settings = settings_or_exit()
    registry = registry_or_exit(settings)
    loaded = registry.loaded()
    if pack is not None:
        loaded = [each for each in loaded if each.source.name == pack]
        if not loaded:
            active = ", ".join(registry.active()) or "none"
            err.print(f"[red]No active pack named {pack!r} (active: {active}); see `codexcontinue packs list`.[/red]")
            raise typer.Exit(2)
    owners = {spec.name: each.source.name for each in loaded for spec in each.models}
    return settings, owners, [spec for each in loaded for spec in each.models]


def _run(settings: CoreSettings, work: Callable[[OllamaBackend], Awaitable[T]]) -> T:
    """Run `work` with an Ollama backend built from settings; an LLM error ends the command with its message."""
    from .errors import LLMError
    from .ollama_backend import OllamaBackend

    async def run() -> Any:
        async with OllamaBackend.from_settings(settings) as backend:
            return await work(backend)

    try:
        return asyncio.run(run())
    except LLMError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
