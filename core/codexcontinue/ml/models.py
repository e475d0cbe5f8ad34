"""The packs' models in Ollama: compare each `ModelSpec` with what Ollama has, pull bases, (re)create models.

A model matches its spec when Ollama's `/api/show` reports the spec's system prompt and, as its
parameters, the base model's parameters overlaid with the spec's options, on the base model's weights
and template. That is exactly what `/api/create` with `from`, `system` and `parameters` produces, so
`ensure_models` leaves a matching model alone and recreates one whose spec changed.

A model that `/api/tags` lists but `/api/show` cannot open has no weights: Ollama 0.12.3 writes
one when a create from a base it cannot pull goes on after the error. Such a model is `broken`;
`create_model` removes the one its own failed create leaves, and `ensure_models` recreates one
found broken.
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
from .errors import LLMError, LLMStreamError, LLMUnavailable, ModelNotFound
from .ollama_backend import OllamaBackend

__all__ = [
    "Action",
    "ModelAction",
    "ModelProgress",
    "ModelRow",
    "create_model",
    "ensure_models",
    "model_table",
    "normalize_name",
    "parse_parameters",
]

_FROM_LINE = re.compile(r"^FROM\s+(.+?)\s*$", re.MULTILINE)
_DEFAULT_REGISTRY = "registry.ollama.ai"
_DEFAULT_NAMESPACE = "library"


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
    state: str  # "ready", "changed" / "broken" (see detail), "missing", or "unchecked" (its base is not usable)
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

    Pulls each base model that is missing (or listed without weights) once, creates missing
    models, recreates models whose system prompt, options or base differ from their spec or that
    have no weights, and leaves matching ones alone. `on_progress` receives Ollama's pull and
    create progress. A model that fails is reported as `FAILED` and the others are still handled;
    an unreachable Ollama raises `LLMUnavailable`.
    """
    specs = list(specs)
    actions: list[ModelAction] = []
    present = await _present(backend)
    failed_bases: dict[str, str] = {}
    for base in dict.fromkeys(spec.base for spec in specs):
        if normalize_name(base) in present and await _shown(backend, base) is not None:
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
            actions.append(await _ensure_one(backend, spec, present, on_progress))
        except LLMUnavailable:
            raise
        except LLMError as error:
            actions.append(ModelAction(spec.name, Action.FAILED, str(error)))
    return actions


async def model_table(backend: OllamaBackend, specs: Iterable[ModelSpec]) -> list[ModelRow]:
    """Each spec beside what Ollama has: ready, changed or broken (with why), missing, or unchecked."""
    present = await _present(backend)
    rows = []
    for spec in specs:
        name, base = normalize_name(spec.name), normalize_name(spec.base)
        state, detail = "ready", ""
        if name not in present:
            state = "missing"
            other = _other_case(name, present)
            if other is not None:
                detail = f"Ollama has it as '{other}', and chat needs the exact name"
            elif base not in present:
                detail = f"base model '{spec.base}' is not pulled either"
        elif (model := await _shown(backend, spec.name)) is None:
            state, detail = "broken", _NO_WEIGHTS
        elif base not in present:
            state, detail = "unchecked", f"base model '{spec.base}' is not pulled, so the spec cannot be compared"
        elif (shown_base := await _shown(backend, spec.base)) is None:
            state, detail = "unchecked", f"base model '{spec.base}' has no weights in Ollama; pull it again"
        else:
            differences = _differences(spec, model, shown_base)
            if differences:
                state, detail = "changed", "; ".join(differences)
        rows.append(
            ModelRow(
                name=spec.name,
                base=spec.base,
                state=state,
                digest=present.get(name, ""),
                detail=detail,
                options=spec.options,
                system=spec.system,
            )
        )
    return rows


async def create_model(backend: OllamaBackend, spec: ModelSpec, on_progress: ProgressCallback | None = None) -> None:
    """Create (or overwrite) `spec`'s model in Ollama from its base, with its system prompt and options.

    When Ollama reports an error, the model it may have written anyway (one without weights) is
    removed and `LLMError` says what failed and what to do; `LLMUnavailable` when Ollama is gone.
    """
    try:
        steps = await backend.create(spec.name, spec.base, spec.system or None, dict(spec.options) or None)
        await _follow(spec.name, steps, on_progress)
    except LLMUnavailable:
        raise
    except LLMError as error:
        reason = error.detail if isinstance(error, LLMStreamError) else str(error)
        removed = await _remove_if_broken(backend, spec.name)
        left = " The model it left behind without weights was removed." if removed else ""
        raise LLMError(
            f"creating model '{spec.name}' from '{spec.base}' failed: {reason}.{left} Make sure the base model "
            f"can be pulled (`ollama pull {spec.base}`), then run `codexcontinue models ensure` again.",
            host=error.host,
        ) from error


_NO_WEIGHTS = (
    "Ollama lists it but has no weights for it (a create that failed half-way); "
    "`codexcontinue models ensure` recreates it"
)


async def _ensure_one(
    backend: OllamaBackend, spec: ModelSpec, present: Mapping[str, str], on_progress: ProgressCallback | None
) -> ModelAction:
    name = normalize_name(spec.name)
    if name not in present:
        other = _other_case(name, present)
        if other is not None:  # create would overwrite that one (Ollama matches it), and chat would still miss
            await backend.delete(other)
        await create_model(backend, spec, on_progress)
        detail = f"Ollama had it as '{other}'; chat needs the exact name" if other is not None else ""
        return ModelAction(spec.name, Action.CREATED, detail)
    model = await _shown(backend, spec.name)
    if model is None:
        await create_model(backend, spec, on_progress)
        return ModelAction(spec.name, Action.RECREATED, "it had no weights in Ollama")
    base = await _shown(backend, spec.base)
    if base is None:
        raise LLMError(f"base model '{spec.base}' has no weights in Ollama: pull it again (`ollama pull {spec.base}`)")
    differences = _differences(spec, model, base)
    if not differences:
        return ModelAction(spec.name, Action.UNCHANGED)
    await create_model(backend, spec, on_progress)
    return ModelAction(spec.name, Action.RECREATED, "; ".join(differences))


async def _follow(model: str, progress: Any, on_progress: ProgressCallback | None) -> None:
    """Consume a pull or create progress stream, reporting each step."""
    async for step in progress:
        if on_progress is not None:
            status, digest = step.get("status", ""), step.get("digest")
            on_progress(ModelProgress(model, status, digest, step.get("completed"), step.get("total")))


async def _present(backend: OllamaBackend) -> dict[str, str]:
    """The models Ollama lists: normalized name -> digest."""
    return {normalize_name(m["model"]): m.get("digest", "") for m in await backend.list_models()}


def _other_case(name: str, present: Mapping[str, str]) -> str | None:
    """A listed name that differs from `name` only in case (Ollama's create and show would use it)."""
    return next((listed for listed in present if listed.lower() == name.lower() and listed != name), None)


async def _shown(backend: OllamaBackend, name: str) -> dict[str, Any] | None:
    """Ollama's `/api/show` of `name`, or None when it answers 404 (not there, or listed without weights)."""
    try:
        return await backend.show(name)
    except ModelNotFound:
        return None


async def _remove_if_broken(backend: OllamaBackend, name: str) -> bool:
    """Delete `name` when Ollama lists it without weights; whether it did."""
    if normalize_name(name) not in await _present(backend) or await _shown(backend, name) is not None:
        return False
    await backend.delete(name)
    return True


def _differences(spec: ModelSpec, model: Mapping[str, Any], base: Mapping[str, Any]) -> list[str]:
    """How the model Ollama shows differs from its spec, given the base it shows; empty when it matches."""
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
            differences.append(f"{name}: {_shown_values(have)} -> {_shown_values(want)}")
    return differences


def parse_parameters(text: str) -> dict[str, list[Any]]:
    r"""Ollama's `/api/show` `parameters` text as name -> values, in the order Ollama printed them.

    Each line is `name value`, the value printed by Go's `%#v` (`GetModelInfo` in Ollama's
    `server/routes.go`): numbers in Go's shortest form (`0.2`, `8192`, `1e+06`), `true`/`false`,
    strings Go-quoted (`"<|eot_id|>"`, `"\x1b[0m"`, `"\u200b"`). Lines come in map order, which
    Go randomises, so only the order of one name's values (a list such as `stop`) is meaningful.
    """
    parameters: dict[str, list[Any]] = {}
    for line in text.splitlines():
        name, _, raw = line.strip().partition(" ")
        if name:
            parameters.setdefault(name, []).append(_go_literal(raw.strip()))
    return parameters


_GO_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|[abfnrtv\\'\"])")
_GO_NAMED = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
             "\\": "\\", "'": "'", '"': '"'}  # fmt: skip


def _go_literal(raw: str) -> Any:
    r"""A value as Go's `%#v` printed it: a Go-quoted string, a bool, or a number; else the text as is.

    Hand-written because nothing maintained reads Go literals: JSON has no `\x` or `\a` escapes,
    and Python's literal syntax is close but not the same language.
    """
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return _GO_ESCAPE.sub(_go_escape, raw[1:-1])
    if raw in ("true", "false"):
        return raw == "true"
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        return float(raw)  # 0.2, 1e+06, +Inf, NaN
    except ValueError:
        return raw


def _go_escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "xuU":
        return chr(int(code[1:], 16))
    if code[0].isdigit():
        return chr(int(code, 8))
    return _GO_NAMED[code]


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


def _shown_values(values: list[Any] | None) -> str:
    if values is None:
        return "(unset)"
    return ", ".join(json.dumps(v) for v in values)


def _from_line(shown: Mapping[str, Any]) -> str | None:
    found = _FROM_LINE.search(shown.get("modelfile", ""))
    return found.group(1) if found else None


def normalize_name(model: str) -> str:
    """The name as Ollama lists it in `/api/tags` (its `DisplayShortest`).

    `llama3.2` -> `llama3.2:latest`; `registry.ollama.ai/library/llama3.2:3b` -> `llama3.2:3b`;
    `registry.ollama.ai/team/m` -> `team/m:latest`. The case is kept: Ollama's chat finds a model
    only by its exact name.
    """
    name = model.strip().split("@", 1)[0]
    parts = name.split("/")
    if len(parts) == 3 and parts[0].lower() == _DEFAULT_REGISTRY:
        parts = parts[1:]
    if len(parts) == 2 and parts[0].lower() == _DEFAULT_NAMESPACE:
        parts = parts[1:]
    name = "/".join(parts)
    return name if ":" in parts[-1] else f"{name}:latest"
