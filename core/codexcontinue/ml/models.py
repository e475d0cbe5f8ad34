"""The packs' models in Ollama: compare each `ModelSpec` with what Ollama has, pull bases, (re)create models.

A model matches its spec when Ollama's `/api/show` reports the spec's system prompt and, as its
parameters, the base model's parameters overlaid with the spec's options, on the base model's weights
and template. That is exactly what `/api/create` with `from`, `system` and `parameters` produces, so
`ensure_models` leaves a matching model alone and recreates one whose spec changed.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..specs import ModelSpec
from .errors import LLMError, LLMUnavailable, ModelNotFound
from .ollama_backend import OllamaBackend

__all__ = ["Action", "ModelAction", "ModelProgress", "ModelRow", "ensure_models", "model_table", "normalize_name"]

_FROM_LINE = re.compile(r"^FROM\s+(.+?)\s*$", re.MULTILINE)


class Action(StrEnum):
    """What `ensure_models` did about one model."""

    PULLED_BASE = "pulled-base"  # a base model was missing and has been pulled
    CREATED = "created"
    RECREATED = "recreated"  # it existed but no longer matched its spec
    UNCHANGED = "unchanged"
    FAILED = "failed"  # see `detail`; the other models were still handled


@dataclass(frozen=True)
class ModelAction:
    """One step of `ensure_models`: the model (or base model) name, the action, and why."""

    model: str
    action: Action
    detail: str = ""


@dataclass(frozen=True)
class ModelProgress:
    """A progress report from Ollama while pulling a base model or creating a pack model.

    `completed` and `total` are bytes of the layer `digest` while pulling, None otherwise.
    """

    model: str
    status: str
    digest: str | None = None
    completed: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class ModelRow:
    """One line of `codexcontinue models list`: a spec beside what Ollama has."""

    name: str
    base: str
    state: str  # "ready", "changed" (see detail), "missing", or "unchecked" (its base is not pulled)
    digest: str = ""  # Ollama's digest of the model, when it has it
    detail: str = ""  # what differs from the spec, for "changed"
    options: Mapping[str, Any] | None = None
    system: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data."""
        return {**self.__dict__, "options": dict(self.options or {})}


ProgressCallback = Callable[[ModelProgress], None]


async def ensure_models(
    backend: OllamaBackend, specs: Iterable[ModelSpec], on_progress: ProgressCallback | None = None
) -> list[ModelAction]:
    """Make Ollama have every model in `specs`, as specified; idempotent.

    Pulls each missing base model once, creates missing models, recreates models whose system
    prompt, options or base differ from their spec, and leaves matching ones alone. `on_progress`
    receives Ollama's pull and create progress. A model that fails is reported as `FAILED` and the
    others are still handled; an unreachable Ollama raises `LLMUnavailable`.
    """
    specs = list(specs)
    actions: list[ModelAction] = []
    present = await _present(backend)
    failed_bases: dict[str, str] = {}
    for base in dict.fromkeys(spec.base for spec in specs):
        if normalize_name(base) in present:
            continue
        try:
            await _follow(base, await backend.pull(base), on_progress)
            actions.append(ModelAction(base, Action.PULLED_BASE))
        except LLMUnavailable:
            raise
        except LLMError as error:
            failed_bases[base] = f"pulling base model '{base}' failed: {error}"
            actions.append(ModelAction(base, Action.FAILED, failed_bases[base]))
    for spec in specs:
        if spec.base in failed_bases:
            actions.append(ModelAction(spec.name, Action.FAILED, failed_bases[spec.base]))
            continue
        try:
            actions.append(await _ensure_one(backend, spec, on_progress))
        except LLMUnavailable:
            raise
        except LLMError as error:
            actions.append(ModelAction(spec.name, Action.FAILED, str(error)))
    return actions


async def model_table(backend: OllamaBackend, specs: Iterable[ModelSpec]) -> list[ModelRow]:
    """Each spec beside what Ollama has: ready, changed (with what differs), missing, or unchecked."""
    present = await _present(backend)
    rows = []
    for spec in specs:
        state, detail = "ready", ""
        base_missing = normalize_name(spec.base) not in present
        if normalize_name(spec.name) not in present:
            state = "missing"
            detail = f"base model '{spec.base}' is not pulled either" if base_missing else ""
        elif base_missing:
            state, detail = "unchecked", f"base model '{spec.base}' is not pulled, so the spec cannot be compared"
        else:
            differences = await _differences(backend, spec)
            if differences:
                state, detail = "changed", "; ".join(differences)
        rows.append(
            ModelRow(
                name=spec.name,
                base=spec.base,
                state=state,
                digest=present.get(normalize_name(spec.name), ""),
                detail=detail,
                options=spec.options,
                system=spec.system,
            )
        )
    return rows


async def _ensure_one(backend: OllamaBackend, spec: ModelSpec, on_progress: ProgressCallback | None) -> ModelAction:
    try:
        differences = await _differences(backend, spec)
    except ModelNotFound as error:
        if normalize_name(error.model) != normalize_name(spec.name):
            raise
        await _create(backend, spec, on_progress)
        return ModelAction(spec.name, Action.CREATED)
    if not differences:
        return ModelAction(spec.name, Action.UNCHANGED)
    await _create(backend, spec, on_progress)
    return ModelAction(spec.name, Action.RECREATED, "; ".join(differences))


async def _create(backend: OllamaBackend, spec: ModelSpec, on_progress: ProgressCallback | None) -> None:
    steps = await backend.create(spec.name, spec.base, spec.system or None, dict(spec.options) or None)
    await _follow(spec.name, steps, on_progress)


async def _follow(model: str, progress: Any, on_progress: ProgressCallback | None) -> None:
    """Consume a pull or create progress stream, reporting each step."""
    async for step in progress:
        if on_progress is not None:
            status, digest = step.get("status", ""), step.get("digest")
            on_progress(ModelProgress(model, status, digest, step.get("completed"), step.get("total")))


async def _present(backend: OllamaBackend) -> dict[str, str]:
    """The models Ollama has: normalized name -> digest."""
    return {normalize_name(m["model"]): m.get("digest", "") for m in await backend.list_models()}


async def _differences(backend: OllamaBackend, spec: ModelSpec) -> list[str]:
    """How the model in Ollama differs from its spec; empty when it matches. Raises ModelNotFound."""
    model = await backend.show(spec.name)
    base = await backend.show(spec.base)
    differences = []
    if _from_line(model) != _from_line(base) or model.get("template") != base.get("template"):
        differences.append(f"it is not built on the current '{spec.base}'")
    expected_system = spec.system or base.get("system", "")
    if model.get("system", "") != expected_system:
        differences.append("system prompt changed")
    expected = {**parse_parameters(base.get("parameters", "")), **{k: _as_list(v) for k, v in spec.options.items()}}
    actual = parse_parameters(model.get("parameters", ""))
    for name in sorted(expected.keys() | actual.keys()):
        want, have = expected.get(name), actual.get(name)
        if not _same_values(want, have):
            differences.append(f"{name}: {_shown(have)} -> {_shown(want)}")
    return differences


def parse_parameters(text: str) -> dict[str, list[Any]]:
    """Ollama's `/api/show` `parameters` text (`name value` lines, Go `%#v` values) as name -> values."""
    parameters: dict[str, list[Any]] = {}
    for line in text.splitlines():
        name, _, raw = line.strip().partition(" ")
        if not name:
            continue
        raw = raw.strip()
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        parameters.setdefault(name, []).append(value)
    return parameters


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _same_values(want: list[Any] | None, have: list[Any] | None) -> bool:
    if want is None or have is None or len(want) != len(have):
        return want == have
    return all(_same_value(w, h) for w, h in zip(want, have))


def _same_value(want: Any, have: Any) -> bool:
    if _is_number(want) and _is_number(have):
        return math.isclose(want, have, rel_tol=1e-6, abs_tol=1e-9)  # Ollama keeps float32
    return want == have


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shown(values: list[Any] | None) -> str:
    if values is None:
        return "(unset)"
    return ", ".join(json.dumps(v) for v in values)


def _from_line(shown: Mapping[str, Any]) -> str | None:
    found = _FROM_LINE.search(shown.get("modelfile", ""))
    return found.group(1) if found else None


def normalize_name(model: str) -> str:
    """`llama3.2` -> `llama3.2:latest`, lowercased: the name Ollama resolves it to."""
    model = model.strip().lower()
    return model if ":" in model.rsplit("/", 1)[-1] else f"{model}:latest"
