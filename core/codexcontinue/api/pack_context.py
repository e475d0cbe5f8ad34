"""The `PackContext` a pack's hooks get inside the backend app."""

from __future__ import annotations

from fastapi import FastAPI

from ..context import PackContext
from ..packs.registry import PackRegistry


def pack_context(app: FastAPI, pack: str) -> PackContext:
    """The `PackContext` a pack's hooks get inside this app."""
    registry: PackRegistry = app.state.registry
    loaded = registry.packs.get(pack)
    return PackContext(
        pack=pack,
        process="api",
        core_settings=app.state.settings,
        settings=loaded.settings if loaded else None,
        store=app.state.store,
    )
