"""Whether a pack's declared plugin-API range includes this core's, and what to do when it does not."""

from __future__ import annotations

import functools

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from . import PLUGIN_API_VERSION
from .sources import PackSource


def compatibility_error(source: PackSource) -> str | None:
    """Why this core cannot load the pack, or None when its plugin-API range includes ours."""
    if source.builtin:
        return None
    if not source.api_range:
        return (
            f"Pack '{source.name}' declares no plugin-API range; add plugin-api = \">=1,<2\" to its "
            f"codexcontinue-pack.toml (or PLUGIN_API = \">=1,<2\" in a plugin file)."
        )
    included = _range_includes_core(source.api_range)
    if included is None:
        return f"Pack '{source.name}' declares an unreadable plugin-API range {source.api_range!r}."
    if not included:
        return (
            f"Pack '{source.name}' needs plugin API {source.api_range}; this core provides "
            f"{PLUGIN_API_VERSION}. Upgrade codexcontinue, or install a release of the pack that "
            f"supports plugin API {PLUGIN_API_VERSION}."
        )
    return None


@functools.lru_cache(maxsize=64)
def _range_includes_core(api_range: str) -> bool | None:
    """Whether the range includes this core's plugin API; None when it cannot be read."""
    try:
        return Version(PLUGIN_API_VERSION) in SpecifierSet(api_range)
    except InvalidSpecifier:
        return None


def incompatibility_fix(source: PackSource) -> str:
    """How to resolve a pack whose plugin-API range excludes this core."""
    return (
        f"Upgrade codexcontinue, or install a release of {source.distribution} that declares plugin API "
        f"{PLUGIN_API_VERSION} (its codexcontinue-pack.toml: plugin-api = \">=1,<2\")."
    )
