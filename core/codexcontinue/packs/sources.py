"""Packs installed on this machine, found from metadata and local plugin files without importing them."""

from __future__ import annotations

import ast
import importlib.metadata
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..settings import CoreSettings, SettingsError

ENTRY_POINT_GROUP = "codexcontinue"
PACK_METADATA_FILE = "extra_metadata/codexcontinue-pack.toml"


@dataclass
class PackSource:
    """A pack found on this machine, before any import."""

    name: str
    module: str
    origin: str
    version: str = "0.0.0"
    description: str = ""
    api_range: str | None = None
    path: Path | None = None
    builtin: bool = False

    @property
    def distribution(self) -> str:
        """What to name when telling a person to reinstall or uninstall it: the distribution or the file."""
        return self.origin.removeprefix("distribution ").removeprefix("file ")


def discover(settings: CoreSettings) -> list[PackSource]:
    """Every pack installed as a distribution or dropped into the plugins folder, sorted by name; imports nothing.

    Two sources with one name are both returned: `status.refused_status` refuses them.
    """
    sources = [*_entry_point_sources(), *_plugin_file_sources(settings.plugins_dir)]
    return sorted(sources, key=lambda source: source.name)


def _entry_point_sources() -> list[PackSource]:
    sources = []
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        fields = _core_metadata(dist)
        sources.append(
            PackSource(
                name=entry_point.name,
                module=entry_point.value,
                origin=f"distribution {fields.get('Name', '?')}" if dist else "entry point",
                version=fields.get("Version", "0.0.0"),
                description=fields.get("Summary", ""),
                api_range=_read_pack_metadata(dist).get("plugin-api"),
            )
        )
    return sources


def _core_metadata(dist: importlib.metadata.Distribution | None) -> dict[str, str]:
    """Name, Version and Summary from the METADATA header, read once and without the email parser
    (which made listing 200 packs take half a second)."""
    text = dist.read_text("METADATA") if dist else None
    fields: dict[str, str] = {}
    for line in (text or "").splitlines():
        if not line:
            break  # the header ends at the first blank line; the description follows
        name, _, value = line.partition(": ")
        if name in ("Name", "Version", "Summary") and name not in fields:
            fields[name] = value.strip()
    return fields


def _read_pack_metadata(dist: importlib.metadata.Distribution | None) -> dict[str, Any]:
    text = dist.read_text(PACK_METADATA_FILE) if dist else None
    if not text:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return {"plugin-api": f"<unreadable {PACK_METADATA_FILE}: {error}>"}


def _plugin_file_sources(folder: Path | None) -> list[PackSource]:
    if folder is None:
        return []
    if not folder.is_dir():
        raise SettingsError(f"CODEXCONTINUE_PLUGINS_DIR: {folder} is not a folder")
    sources = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        constants = _module_constants(path)
        sources.append(
            PackSource(
                name=str(constants.get("PACK_NAME") or path.stem.replace("_", "-")),
                module=f"codexcontinue_plugins.{path.stem}",
                origin=f"file {path}",
                version=str(constants.get("__version__", "0.0.0")),
                description=str(constants.get("__doc__", "")).strip().splitlines()[0]
                if constants.get("__doc__")
                else "",
                api_range=constants.get("PLUGIN_API"),
                path=path,
            )
        )
    return sources


def _module_constants(path: Path) -> dict[str, Any]:
    """Module-level string constants and the docstring of a plugin file, read without running it."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return {}
    constants: dict[str, Any] = {"__doc__": ast.get_docstring(tree)}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = node.value.value
    return constants
