"""What the `codexcontinue` commands share: settings and the pack registry, or a clean exit saying why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from .settings import CoreSettings, SettingsError, load_core_settings

if TYPE_CHECKING:
    from .packs.registry import PackRegistry

err = Console(stderr=True)


def settings_or_exit(**overrides: Any) -> CoreSettings:
    """The core settings with the given non-None overrides; invalid settings end the command (exit 2)."""
    try:
        return load_core_settings(**{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None


def registry_or_exit(settings: CoreSettings) -> PackRegistry:
    """The loaded pack registry; a pack error under strict mode, or bad pack settings, end the command (exit 3)."""
    from .packs.registry import PackError, PackRegistry

    try:
        return PackRegistry(settings).load()
    except (PackError, SettingsError) as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(3) from None
