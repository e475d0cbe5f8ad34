"""Read compose files the way Docker Compose does, for tests on a machine without Docker.

Implements what our files use of the Compose Specification: `${VAR:-default}` interpolation,
the merge rules (mappings merge, sequences append, `command`/`entrypoint`/`healthcheck.test`
replace, `ports`/`volumes`/`secrets` unique by target), the `!reset` and `!override` tags, and
profile selection.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
REPLACED = {"command", "entrypoint", "test"}
UNIQUE_BY_TARGET = {"ports", "volumes", "secrets", "configs"}
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}")


class Reset:
    """`!reset`: remove the value merged so far."""


class Override:
    """`!override`: replace the value merged so far instead of merging with it."""

    def __init__(self, value: Any) -> None:
        self.value = value


class ComposeLoader(yaml.SafeLoader):
    """A YAML loader that knows compose's `!reset` and `!override` tags."""


ComposeLoader.add_constructor("!reset", lambda loader, node: Reset())
ComposeLoader.add_constructor(
    "!override",
    lambda loader, node: Override(
        loader.construct_sequence(node, deep=True)
        if isinstance(node, yaml.SequenceNode)
        else loader.construct_mapping(node, deep=True)
    ),
)


def read(path: str | Path) -> dict[str, Any]:
    """One compose file, tags kept as `Reset` / `Override` markers."""
    return yaml.load(Path(REPO, path).read_text(), Loader=ComposeLoader)


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Replace `${VAR}` and `${VAR:-default}`; `$$` stays a literal `$`."""
    if isinstance(value, str):
        text = VARIABLE.sub(lambda m: env.get(m.group(1)) or (m.group(2) or ""), value)
        return text.replace("$$", "$")
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if isinstance(value, Override):
        return Override(interpolate(value.value, env))
    return value


def _key_of(item: Any) -> Any:
    if isinstance(item, dict):
        return item.get("target") or item.get("source")
    text = str(item)
    return text.rsplit(":", 1)[-1] if ":" in text else text


def _as_mapping(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(v, str) and "=" in v for v in value):
        return dict(v.split("=", 1) for v in value)
    return value


def merge(base: Any, override: Any, key: str = "") -> Any:
    """Merge `override` into `base` under the Compose Specification's rules."""
    if isinstance(override, Reset):
        return None
    if isinstance(override, Override):
        return copy.deepcopy(override.value)
    base, override = _as_mapping(base), _as_mapping(override)
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for name, value in override.items():
            if isinstance(value, Reset):
                merged.pop(name, None)
            elif name in merged:
                merged[name] = merge(merged[name], value, name)
            else:
                merged[name] = _strip(value)
        return merged
    if isinstance(base, list) and isinstance(override, list) and key not in REPLACED:
        if key in UNIQUE_BY_TARGET:
            by_key = {_key_of(item): item for item in base}
            by_key.update({_key_of(item): item for item in override})
            return list(by_key.values())
        return base + override
    return _strip(override)


def _strip(value: Any) -> Any:
    if isinstance(value, Override):
        return value.value
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not isinstance(v, Reset)}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def load(*paths: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """The model that `docker compose -f A -f B ... config` would build."""
    model: Any = {}
    for path in paths:
        model = merge(model, interpolate(read(path), env or {}))
    return _strip(model)


def active_services(model: dict[str, Any], profiles: list[str]) -> set[str]:
    """Services that `docker compose --profile P ... up` starts."""
    return {
        name
        for name, service in model["services"].items()
        if not service.get("profiles") or set(service["profiles"]) & set(profiles)
    }
