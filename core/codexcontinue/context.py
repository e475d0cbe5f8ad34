"""`PackContext`: what a pack's lifecycle hooks receive in the backend and in the worker."""

from __future__ import annotations

from dataclasses import dataclass

from .settings import CoreSettings
from .specs import PackSettings
from .store import Store


@dataclass
class PackContext:
    """One pack's view of the running process: its settings and the shared services."""

    pack: str
    process: str  # "api", "worker" or "ui"
    core_settings: CoreSettings
    settings: PackSettings | None
    store: Store
