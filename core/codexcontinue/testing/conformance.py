"""The conformance suite: what every pack must satisfy, run from a pack's tests with one line.

    from codexcontinue.testing.conformance import conformance_test
    test_conformance = conformance_test("recipes")

Each check is a function of a `PackUnderTest` that raises `ConformanceError` saying what is wrong
and how to fix it; `CHECKS` lists them by name, and the test runs each as its own case.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import pytest
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version
from pydantic import SecretStr

from ..api.deps import READ_METHODS, SCOPE_EXTENSION
from ..packs import PLUGIN_API_VERSION
from ..packs.registry import LoadedPack, PackRegistry
from ..specs import PackSettings
from .plugin import create_key

if TYPE_CHECKING:
    from fastapi import FastAPI

SECRET_NAME = re.compile(r"(token|secret|password|passwd|api_?key|private_?key|credential)", re.IGNORECASE)
# Ollama's documented model options (Modelfile PARAMETER names and the API's `options`).
OLLAMA_OPTIONS = frozenset(
    {
        "num_ctx", "num_predict", "num_keep", "temperature", "top_k", "top_p", "min_p", "typical_p",
        "seed", "stop", "repeat_penalty", "repeat_last_n", "presence_penalty", "frequency_penalty",
        "penalize_newline", "mirostat", "mirostat_eta", "mirostat_tau", "num_batch", "num_gpu",
        "main_gpu", "num_thread", "use_mmap", "numa",
    }
)  # fmt: skip


class ConformanceError(AssertionError):
    """A pack breaks the contract; the message says where and how to fix it."""


@dataclass
class PackUnderTest:
    """One pack, loaded alone into a backend app, as the checks see it."""

    name: str
    app: FastAPI

    @property
    def registry(self) -> PackRegistry:
        """The app's pack registry."""
        return self.app.state.registry

    @property
    def loaded(self) -> LoadedPack:
        """The pack as loaded; raises `ConformanceError` when it did not load."""
        pack = self.registry.packs.get(self.name)
        if pack is None:
            status = self.registry.statuses.get(self.name)
            raise ConformanceError(
                f"pack '{self.name}' did not load: {status.error if status else 'it is not installed'}"
            )
        return pack


def _key_headers(app: FastAPI, *scopes: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_key(app, *scopes, name='conformance')}"}


def _pack_routes(subject: PackUnderTest) -> Iterator[tuple[str, str, bool]]:
    from fastapi.routing import iter_route_contexts

    prefix = f"/api/v1/{subject.name}/"
    for route in iter_route_contexts(subject.app.routes):
        if route.path and route.path.startswith(prefix):
            path = re.sub(r"\{[^}]+\}", "x", route.path)
            extra = getattr(route.original_route, "openapi_extra", None) or {}
            for method in sorted(getattr(route.original_route, "methods", None) or ()):
                if method != "HEAD":
                    yield method, path, extra.get(SCOPE_EXTENSION) == "read"


def check_loads(subject: PackUnderTest) -> None:
    """The pack loads alone: it imports, validates and registers without error."""
    subject.loaded  # noqa: B018 - raises when it did not load


def check_routes_require_scope(subject: PackUnderTest) -> None:
    """Every route answers 401 without a key and 403 with a key lacking the pack's scope."""
    from fastapi.testclient import TestClient

    subject.loaded  # noqa: B018
    other = _key_headers(subject.app, "conformance-other:write")
    reader = _key_headers(subject.app, f"{subject.name}:read")
    with TestClient(subject.app, raise_server_exceptions=False) as client:
        for method, path, marked_read in _pack_routes(subject):
            expectations = [(None, 401), (other, 403)]
            if method not in READ_METHODS and not marked_read:
                expectations.append((reader, 403))
            for headers, status in expectations:
                answer = client.request(method, path, headers=headers or {}).status_code
                if answer != status:
                    raise ConformanceError(
                        f"{method} {path} answered {answer} where {status} was due: every route must sit "
                        f"behind the '{subject.name}:read/write' scopes the core adds to api_router()"
                    )


def check_pages_render(subject: PackUnderTest) -> None:
    """Every page runs under AppTest, signed in, without an exception."""
    from .pages import PageRunner

    loaded = subject.loaded
    with PageRunner(subject.app, subject.name) as run:
        for page in loaded.pages:
            result = run(page.slug)
            if result.exception:
                messages = "; ".join(e.message for e in result.exception)
                raise ConformanceError(f"page '{page.slug}' ({page.path}) raised: {messages}")


def check_models_valid(subject: PackUnderTest) -> None:
    """Model specs are namespaced, name a base model, and use only Ollama's options."""
    for spec in subject.loaded.models:
        if not spec.name.startswith(f"{subject.name}-"):
            raise ConformanceError(f"model '{spec.name}' must be named '{subject.name}-...'")
        if not spec.base or any(c.isspace() for c in spec.base):
            raise ConformanceError(f"model '{spec.name}' has no usable base model ({spec.base!r})")
        unknown = sorted(set(spec.options) - OLLAMA_OPTIONS)
        if unknown:
            raise ConformanceError(
                f"model '{spec.name}' sets options Ollama does not know: {', '.join(unknown)}; "
                f"known options: {', '.join(sorted(OLLAMA_OPTIONS))}"
            )


def _is_secret(annotation: Any) -> bool:
    return annotation is SecretStr or SecretStr in get_args(annotation)


def check_settings_documented(subject: PackUnderTest) -> None:
    """Every setting has a description, and every secret-looking setting is a `SecretStr`."""
    subject.loaded  # noqa: B018
    model = subject.registry.call(subject.name, "pack_settings")
    if model is None:
        return
    if not (isinstance(model, type) and issubclass(model, PackSettings)):
        raise ConformanceError("pack_settings() must return a subclass of codexcontinue.PackSettings")
    for field, info in model.model_fields.items():
        if not (info.description or "").strip():
            raise ConformanceError(
                f"setting '{field}' of {model.__name__} has no description; add Field(description=...)"
            )
        if SECRET_NAME.search(field) and not _is_secret(info.annotation):
            raise ConformanceError(
                f"setting '{field}' of {model.__name__} looks secret but is {info.annotation!r}; "
                f"declare it as SecretStr so it is never printed"
            )


def check_api_range_matches(subject: PackUnderTest) -> None:
    """The declared plugin-API range includes this core's version and stops before the next major."""
    declared = subject.loaded.source.api_range
    try:
        spec = SpecifierSet(declared or "")
    except InvalidSpecifier:
        raise ConformanceError(f"the plugin-API range {declared!r} is not a version range") from None
    current = Version(PLUGIN_API_VERSION)
    if not declared or current not in spec:
        raise ConformanceError(f"the plugin-API range {declared!r} must include {PLUGIN_API_VERSION}")
    if Version(f"{current.major + 1}.0") in spec:
        raise ConformanceError(
            f"the plugin-API range {declared!r} accepts plugin API {current.major + 1}, which may break "
            f"packs; bound it: '>={current.major},<{current.major + 1}'"
        )


def _source_files(loaded: LoadedPack) -> list[Path]:
    if loaded.source.path is not None:
        return [loaded.source.path]
    top = loaded.source.module.split(":")[0].split(".")[0]
    spec = importlib.util.find_spec(top)
    if spec is None:
        return []
    if spec.submodule_search_locations:
        return sorted(p for folder in spec.submodule_search_locations for p in Path(folder).rglob("*.py"))
    return [Path(spec.origin)] if spec.origin else []


def _private_imports(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "codexcontinue" and any(p.startswith("_") and not p.startswith("__") for p in parts[1:]):
                yield name


def check_no_private_imports(subject: PackUnderTest) -> None:
    """The pack imports no private module of the core (`codexcontinue._*`)."""
    for path in _source_files(subject.loaded):
        for name in _private_imports(ast.parse(path.read_text(encoding="utf-8"))):
            raise ConformanceError(f"{path} imports {name}, a private part of the core; use the public API")


CHECKS: dict[str, Callable[[PackUnderTest], None]] = {
    "loads": check_loads,
    "routes_require_scope": check_routes_require_scope,
    "pages_render": check_pages_render,
    "models_valid": check_models_valid,
    "settings_documented": check_settings_documented,
    "api_range_matches": check_api_range_matches,
    "no_private_imports": check_no_private_imports,
}


def pack_under_test(name: str, settings: Any) -> PackUnderTest:
    """The pack called `name` loaded alone into a backend app built from `settings`."""
    from ..api.app import create_app

    return PackUnderTest(name, create_app(settings.model_copy(update={"packs": [name]})))


def conformance_test(pack: str) -> Callable[..., None]:
    """A pytest test running every conformance check on `pack`; assign it to a `test_*` name."""

    @pytest.mark.parametrize("check", list(CHECKS))
    def test_conformance(check: str, codexcontinue_settings: Any) -> None:
        CHECKS[check](pack_under_test(pack, codexcontinue_settings))

    return test_conformance
