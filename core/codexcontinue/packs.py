"""Pack discovery, compatibility checks, loading with quarantine, and the status table.

Discovery reads installed distributions' metadata and local plugin files without importing
them, so `codexcontinue packs list` works even when a pack is broken. Loading imports each
enabled, compatible pack into one pluggy `PluginManager`; whatever fails (import, validation,
a hook that raises, a name clash) marks that pack `failed` with its error and unregisters it,
unless strict mode turns it into a `PackError`.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.metadata
import importlib.util
import inspect
import logging
import sys
import time
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from . import hookspecs
from .enablement import resolve_enabled
from .settings import CoreSettings, SettingsError, load_pack_settings
from .specs import ModelSpec, PackInfo, PackSettings, PageSpec

# The plugin API's own version: bump the minor for additions (a hook, an export, a field with a
# default), the major for removals or changes; docs/pack-authors.md "Compatibility promise".
# 1.1: PackInfo.always_audited.
PLUGIN_API_VERSION = "1.1"
ENTRY_POINT_GROUP = "codexcontinue"
PACK_METADATA_FILE = "extra_metadata/codexcontinue-pack.toml"
BUILTIN_MODULES = ("codexcontinue.builtin",)
# Names a pack cannot take: the core's plugin and the core's own /api/v1/<name> routes.
RESERVED_NAMES = frozenset({"core", "packs", "keys", "jobs"})

log = logging.getLogger(__name__)


class PackError(Exception):
    """A pack could not be loaded (raised in strict mode; recorded as the pack's error otherwise)."""


class PackState(StrEnum):
    """Where a pack stands: listed without import, or after loading."""

    ENABLED = "enabled"  # discovered and enabled, not loaded in this process
    DISABLED = "disabled"  # installed but not in the enabled set
    INCOMPATIBLE = "incompatible"  # its plugin-API range excludes this core; never imported
    ACTIVE = "active"  # loaded and serving
    FAILED = "failed"  # quarantined: see its error


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


def discover(settings: CoreSettings) -> list[PackSource]:
    """Every pack installed as a distribution or dropped into the plugins folder; imports nothing."""
    sources: dict[str, PackSource] = {}
    duplicates: list[tuple[PackSource, PackSource]] = []
    for source in [*_entry_point_sources(), *_plugin_file_sources(settings.plugins_dir)]:
        if source.name in sources:
            duplicates.append((sources[source.name], source))
        else:
            sources[source.name] = source
    for first, second in duplicates:
        log.error("Two packs are named '%s': %s and %s", first.name, first.origin, second.origin)
    return sorted(sources.values(), key=lambda s: s.name) + [s for _, s in duplicates]


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


def list_packs(settings: CoreSettings) -> list[PackStatus]:
    """The status table from metadata alone (no imports): enabled, disabled or incompatible."""
    settings = resolve_enabled(settings)
    rows = []
    for source in discover(settings):
        error = compatibility_error(source)
        if error:
            rows.append(_status_row(source, PackState.INCOMPATIBLE, error, incompatibility_fix(source)))
        else:
            state = PackState.ENABLED if settings.pack_enabled(source.name) else PackState.DISABLED
            rows.append(_status_row(source, state))
    return rows


def _status_row(
    source: PackSource, state: PackState, error: str | None = None, fix: str | None = None
) -> PackStatus:
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


def incompatibility_fix(source: PackSource) -> str:
    """How to resolve a pack whose plugin-API range excludes this core."""
    return (
        f"Upgrade codexcontinue, or install a release of {_distribution(source)} that declares plugin API "
        f"{PLUGIN_API_VERSION} (its codexcontinue-pack.toml: plugin-api = \">=1,<2\")."
    )


def _distribution(source: PackSource) -> str:
    return source.origin.removeprefix("distribution ").removeprefix("file ")


@dataclass
class LoadedPack:
    """An active pack: its module, identity, settings and what it contributed."""

    source: PackSource
    module: ModuleType
    info: PackInfo
    settings: PackSettings | None
    models: list[ModelSpec]
    pages: list[PageSpec]

    def page_url(self, page: PageSpec) -> str:
        """The URL path of one of this pack's pages: '<pack>-<slug>', or the slug for the core."""
        return page.slug if self.source.builtin else f"{self.source.name}-{page.slug}"


class PackRegistry:
    """The enabled packs of one process, loaded into a pluggy `PluginManager`.

    `load()` imports, validates and collects each pack; `call()` runs one pack's hook with
    quarantine. Backend, UI and worker each build one from the same settings, so they agree on
    the enabled set.
    """

    def __init__(self, settings: CoreSettings, *, strict: bool | None = None) -> None:
        self.settings = resolve_enabled(settings)
        self.strict = settings.strict if strict is None else strict
        self.plugin_manager = pluggy.PluginManager("codexcontinue")
        self.plugin_manager.add_hookspecs(hookspecs)
        if settings.trace_hooks:
            _trace_hook_calls(self.plugin_manager)
        self.statuses: dict[str, PackStatus] = {}
        self.packs: dict[str, LoadedPack] = {}
        self.builtins: dict[str, LoadedPack] = {}
        self._registered: dict[str, PackSource] = {}  # plugin-manager name -> the source it holds

    # loading -------------------------------------------------------------------------------

    def load(self) -> PackRegistry:
        """Discover and load every enabled pack plus the core's built-in plugins; returns self."""
        for module_name in BUILTIN_MODULES:
            source = PackSource(name="core", module=module_name, origin="builtin", builtin=True)
            self._load_one(source)
        sources = discover(self.settings)
        names = [s.name for s in sources]
        for source in sources:
            if source.name in RESERVED_NAMES:
                self._fail(
                    source,
                    f"The pack name '{source.name}' is reserved for the core.",
                    f"Rename the pack (its entry point and PackInfo.name), or uninstall {_distribution(source)}.",
                )
                continue
            if names.count(source.name) > 1:
                origins = " and ".join(s.origin for s in sources if s.name == source.name)
                self._fail(
                    source,
                    f"Two packs are named '{source.name}': {origins}.",
                    "Uninstall one of them (pip uninstall ...) or remove the plugin file.",
                )
                continue
            error = compatibility_error(source)
            if error:
                self.statuses[source.name] = _status_row(
                    source, PackState.INCOMPATIBLE, error, incompatibility_fix(source)
                )
                if self.strict and self.settings.pack_enabled(source.name):
                    raise PackError(error)
            elif not self.settings.pack_enabled(source.name):
                self.statuses[source.name] = _status_row(source, PackState.DISABLED)
            else:
                self._load_one(source)
        self._check_unknown_enabled(names)
        self._check_clashes()
        return self

    def _check_unknown_enabled(self, installed: list[str]) -> None:
        unknown = [n for n in self.settings.packs if n != "all" and n not in installed]
        if unknown:
            message = (
                f"CODEXCONTINUE_PACKS names {', '.join(unknown)}, which is not installed; "
                f"installed packs: {', '.join(installed) or 'none'}"
            )
            if self.strict:
                raise PackError(message)
            log.error(message)

    def _load_one(self, source: PackSource) -> None:
        try:
            module = _import_pack_module(source)
            self.plugin_manager.register(module, name=source.name)
            self._registered[source.name] = source
            info = self._required(source, "pack_info")
            if not isinstance(info, PackInfo):
                raise PackError(f"pack_info() must return a codexcontinue.PackInfo, got {info!r}")
            if not source.builtin and info.name != source.name:
                raise PackError(
                    f"pack_info() says its name is '{info.name}' but it is installed as "
                    f"'{source.name}'; make the entry-point name and PackInfo.name agree."
                )
            settings_model = self._hook(source.name, "pack_settings")
            settings = load_pack_settings(source.name, settings_model) if settings_model else None
            models = self._collect(source.name, "register_models", ModelSpec, settings=settings)
            for spec in models:
                if not source.builtin and not spec.name.startswith(f"{source.name}-"):
                    raise PackError(f"model '{spec.name}' must be named '{source.name}-...'")
            pages = self._collect(source.name, "register_pages", PageSpec)
        except Exception as error:  # noqa: BLE001 - any failure quarantines the pack
            self._fail(source, _describe_error(source, error), _fix_for(source, error))
            return
        loaded = LoadedPack(source, module, info, settings, models, pages)
        if source.builtin:
            self.builtins[source.module] = loaded
            return
        self.packs[source.name] = loaded
        status = _status_row(source, PackState.ACTIVE)
        status.version = info.version if source.version == "0.0.0" else source.version
        status.title, status.icon = info.title, info.icon
        status.description = info.description or source.description
        status.models = [m.name for m in models]
        status.pages = [loaded.page_url(p) for p in pages]
        self.statuses[source.name] = status

    def _required(self, source: PackSource, hook: str) -> Any:
        result = self._hook(source.name, hook)
        if result is None:
            raise PackError(f"the required hook {hook}() is not implemented or returned None")
        return result

    def _hook(self, pack: str, hook: str, **kwargs: Any) -> Any:
        plugin = self.plugin_manager.get_plugin(pack)
        if plugin is None:
            return None
        others = [p for p in self.plugin_manager.get_plugins() if p is not plugin]
        results = self.plugin_manager.subset_hook_caller(hook, others)(**kwargs)
        return results[0] if results else None

    def _collect(self, pack: str, hook: str, kind: type, **kwargs: Any) -> list[Any]:
        items: list[Any] = []

        def register(item: Any) -> None:
            if not isinstance(item, kind):
                raise PackError(f"{hook}: register() takes a {kind.__name__}, got {item!r}")
            items.append(item)

        self._hook(pack, hook, register=register, **kwargs)
        return items

    def _check_clashes(self) -> None:
        claims: dict[str, str] = {}
        for name, pack in sorted(self.packs.items()):
            claimed = [f"model '{m.name}'" for m in pack.models]
            claimed += [f"page '{pack.page_url(p)}'" for p in pack.pages]
            for what in claimed:
                owner = claims.setdefault(what, name)
                if owner != name:
                    self._clash(what, owner, name)

    def _clash(self, what: str, first: str, second: str) -> None:
        message = f"Packs '{first}' and '{second}' both claim {what}; rename it in one of them."
        fix = f"Enable only one of '{first}' and '{second}' (CODEXCONTINUE_PACKS), or ask an author to rename {what}."
        for name in (first, second):
            if name in self.packs:
                self.quarantine(name, message, fix)

    def _fail(self, source: PackSource, message: str, fix: str | None = None) -> None:
        if self.strict:
            raise PackError(message)
        log.error("Pack quarantined: %s", message)
        if self._registered.get(source.name) is source:
            self.plugin_manager.unregister(name=source.name)
            del self._registered[source.name]
        self.statuses[source.name] = _status_row(source, PackState.FAILED, message, fix)

    def quarantine(self, pack: str, message: str, fix: str | None = None) -> None:
        """Mark an active pack failed with `message` and stop calling its hooks."""
        loaded = self.packs.pop(pack, None)
        if loaded is None:
            return
        self._fail(
            loaded.source,
            message,
            fix or f"Report it to the author of {_distribution(loaded.source)}; restart the process to retry it.",
        )

    # calling -------------------------------------------------------------------------------

    def call(self, pack: str, hook: str, **kwargs: Any) -> Any:
        """Run one pack's hook; if it raises, quarantine the pack and return None."""
        try:
            return self._hook(pack, hook, **kwargs)
        except Exception as error:  # noqa: BLE001 - quarantine, whatever it was
            self.quarantine(pack, f"Pack '{pack}' raised in {hook}(): {error!r}")
            return None

    async def call_async(self, pack: str, hook: str, **kwargs: Any) -> Any:
        """Like `call`, awaiting the result when the hook is `async def`."""
        try:
            result = self._hook(pack, hook, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            return result
        except Exception as error:  # noqa: BLE001 - quarantine, whatever it was
            self.quarantine(pack, f"Pack '{pack}' raised in {hook}(): {error!r}")
            return None

    def collect(self, pack: str, hook: str, kind: type) -> list[Any]:
        """Run a `register_*` hook of one pack and return what it registered (quarantine on error)."""
        try:
            return self._collect(pack, hook, kind)
        except Exception as error:  # noqa: BLE001
            self.quarantine(pack, f"Pack '{pack}' raised in {hook}(): {error!r}")
            return []

    def loaded(self) -> list[LoadedPack]:
        """The built-in plugins, then the active packs sorted by name."""
        return [*self.builtins.values(), *(self.packs[name] for name in sorted(self.packs))]

    def active(self) -> list[str]:
        """Names of the packs that are loaded and not quarantined."""
        return sorted(self.packs)

    def status_table(self) -> list[PackStatus]:
        """Every known pack's row, sorted by name."""
        return [self.statuses[name] for name in sorted(self.statuses)]


def _import_pack_module(source: PackSource) -> ModuleType:
    if source.path is None:
        module_name, _, attribute = source.module.partition(":")
        module = importlib.import_module(module_name)
        return getattr(module, attribute) if attribute else module
    spec = importlib.util.spec_from_file_location(source.module, source.path)
    if spec is None or spec.loader is None:
        raise PackError(f"cannot load plugin file {source.path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[source.module] = module
    spec.loader.exec_module(module)
    return module


def _describe_error(source: PackSource, error: Exception) -> str:
    if isinstance(error, (PackError, SettingsError)):
        detail = str(error)
    else:
        detail = f"{type(error).__name__}: {error}"
    return f"Pack '{source.name}' ({source.origin}) failed to load: {detail}"


def _fix_for(source: PackSource, error: Exception) -> str:
    if isinstance(error, SettingsError):
        return (
            "Set the variable named above in the environment, the .env file or the secrets folder "
            "(/run/secrets); `codexcontinue config show` shows the settings in effect."
        )
    if isinstance(error, ImportError):
        return f"Install what it imports, or reinstall it: pip install --force-reinstall {_distribution(source)}"
    if isinstance(error, PackError):
        return f"The pack breaks the plugin contract (docs/hooks.md); upgrade {_distribution(source)} or tell its author."
    return f"Run `codexcontinue --strict packs info {source.name}` for the traceback, and tell the pack's author."


def _trace_hook_calls(plugin_manager: pluggy.PluginManager) -> None:
    started: dict[int, float] = {}

    def before(hook_name: str, hook_impls: list[Any], kwargs: dict[str, Any]) -> None:
        started[id(kwargs)] = time.perf_counter()
        names = ", ".join(impl.plugin_name for impl in hook_impls)
        print(f"[hook] {hook_name} -> {names}", file=sys.stderr)

    def after(outcome: Any, hook_name: str, hook_impls: list[Any], kwargs: dict[str, Any]) -> None:
        elapsed = (time.perf_counter() - started.pop(id(kwargs), time.perf_counter())) * 1000
        failed = " (raised)" if outcome.exception else ""
        print(f"[hook] {hook_name} done in {elapsed:.2f} ms{failed}", file=sys.stderr)

    plugin_manager.add_hookcall_monitoring(before, after)
