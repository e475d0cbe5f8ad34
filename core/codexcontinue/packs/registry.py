"""The enabled packs of one process: imported, validated and registered with pluggy, each hook call quarantined.

Whatever fails (import, validation, a hook that raises, a name clash) marks that pack `failed` with
its error and unregisters it, unless strict mode turns it into a `PackError`.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pluggy

from .. import hookspecs
from ..enablement import resolve_enabled
from ..settings import CoreSettings, SettingsError, load_pack_settings
from ..specs import ModelSpec, PackInfo, PackSettings, PageSpec
from .sources import PackSource, discover
from .status import PackState, PackStatus, refused_status, status_row
from .tracing import trace_hook_calls

BUILTIN_MODULES = ("codexcontinue.builtin",)

log = logging.getLogger("codexcontinue.packs")


class PackError(Exception):
    """A pack could not be loaded (raised in strict mode; recorded as the pack's error otherwise)."""


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
            trace_hook_calls(self.plugin_manager)
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
            refused = refused_status(source, sources)
            enabled = self.settings.pack_enabled(source.name)
            if refused is not None and refused.state is PackState.FAILED:
                self._fail(source, refused.error or "", refused.fix)
            elif refused is not None:
                self.statuses[source.name] = refused
                if self.strict and enabled:
                    raise PackError(refused.error)
            elif not enabled:
                self.statuses[source.name] = status_row(source, PackState.DISABLED)
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
        status = status_row(source, PackState.ACTIVE)
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
        self.statuses[source.name] = status_row(source, PackState.FAILED, message, fix)

    def quarantine(self, pack: str, message: str, fix: str | None = None) -> None:
        """Mark an active pack failed with `message` and stop calling its hooks."""
        loaded = self.packs.pop(pack, None)
        if loaded is None:
            return
        self._fail(
            loaded.source,
            message,
            fix or f"Report it to the author of {loaded.source.distribution}; restart the process to retry it.",
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
        return f"Install what it imports, or reinstall it: pip install --force-reinstall {source.distribution}"
    if isinstance(error, PackError):
        return f"The pack breaks the plugin contract (docs/hooks.md); upgrade {source.distribution} or tell its author."
    return f"Run `codexcontinue --strict packs info {source.name}` for the traceback, and tell the pack's author."
