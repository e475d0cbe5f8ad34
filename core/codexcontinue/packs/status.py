"""The pack status table, and the one place that decides which packs must not be imported."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..enablement import resolve_enabled
from ..settings import CoreSettings
from .compatibility import compatibility_error, incompatibility_fix
from .sources import PackSource, discover

# Names a pack cannot take: the core's plugin and the core's own /api/v1/<name> routes.
RESERVED_NAMES = frozenset({"core", "packs", "keys", "jobs"})


class PackState(StrEnum):
    """Where a pack stands: listed without import, or after loading."""

    ENABLED = "enabled"  # discovered and enabled, not loaded in this process
    DISABLED = "disabled"  # installed but not in the enabled set
    INCOMPATIBLE = "incompatible"  # its plugin-API range excludes this core; never imported
    ACTIVE = "active"  # loaded and serving
    FAILED = "failed"  # quarantined: see its error


@dataclass
class PackStatus:
    """One row of the status table served by `/api/v1/packs` and `codexcontinue packs list`."""

    name: str
    version: str
    state: PackState
    origin: str
    api_range: str | None = None
    error: str | None = None
    fix: str | None = None
    title: str = ""
    description: str = ""
    icon: str = ""
    routes: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data."""
        row = dict(self.__dict__)
        row["state"] = str(self.state)
        return row


def status_row(
    source: PackSource, state: PackState, error: str | None = None, fix: str | None = None
) -> PackStatus:
    """The status row of a pack known only from its source (nothing imported)."""
    return PackStatus(
        name=source.name,
        version=source.version,
        state=state,
        origin=source.origin,
        api_range=source.api_range,
        error=error,
        fix=fix,
        description=source.description,
    )


def refused_status(source: PackSource, sources: list[PackSource]) -> PackStatus | None:
    """The row of a pack that must not be imported, or None when it may be.

    Failed: its name is reserved for the core, or another source in `sources` has the same name (both
    are refused). Incompatible: its plugin-API range excludes this core.
    """
    if source.name in RESERVED_NAMES:
        return status_row(
            source,
            PackState.FAILED,
            f"The pack name '{source.name}' is reserved for the core.",
            f"Rename the pack (its entry point and PackInfo.name), or uninstall {source.distribution}.",
        )
    namesakes = [other for other in sources if other.name == source.name]
    if len(namesakes) > 1:
        origins = " and ".join(other.origin for other in namesakes)
        return status_row(
            source,
            PackState.FAILED,
            f"Two packs are named '{source.name}': {origins}.",
            "Uninstall one of them (pip uninstall ...) or remove the plugin file.",
        )
    error = compatibility_error(source)
    if error:
        return status_row(source, PackState.INCOMPATIBLE, error, incompatibility_fix(source))
    return None


def list_packs(settings: CoreSettings) -> list[PackStatus]:
    """The status table from metadata alone (no imports): enabled, disabled, incompatible or refused."""
    settings = resolve_enabled(settings)
    sources = discover(settings)
    rows = []
    for source in sources:
        refused = refused_status(source, sources)
        state = PackState.ENABLED if settings.pack_enabled(source.name) else PackState.DISABLED
        rows.append(refused or status_row(source, state))
    return rows
