"""A minimal instance of a JSON schema: what the Ollama test server answers for `format=<schema>`.

No model runs in the test server, so a structured request without a scripted reply gets the
smallest value that validates against the schema it sent, the way a constrained model's answer
would.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["example_for_schema"]



def example_for_schema(schema: Mapping[str, Any]) -> Any:
    """Return a minimal instance that validates against the JSON ``schema``.

    This is what the server answers for ``format=<schema>`` when no reply is
    scripted: only required properties, strings ``"example"`` (or a value for
    well-known ``format``s such as ``date-time``), numbers ``0`` (moved into
    ``minimum``/``maximum`` bounds), booleans ``false``, arrays empty (or
    ``minItems`` copies), the first ``enum`` value, ``const``, ``$ref``/``$defs``
    (as pydantic's ``model_json_schema()`` emits them), ``anyOf``/``oneOf``
    (first non-null option) and ``allOf``.
    """
    return _example(schema, schema, 0)


_STRING_FORMATS = {
    "date-time": "1970-01-01T00:00:00Z",
    "date": "1970-01-01",
    "time": "00:00:00Z",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "hostname": "example.com",
    "duration": "PT0S",
}


def _resolve(root: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    if not ref.startswith("#"):
        return {}
    node: Any = root
    for part in ref.lstrip("#").strip("/").split("/"):
        if not part:
            continue
        node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, Mapping) else {}
    return node if isinstance(node, Mapping) else {}


def _example(schema: Any, root: Mapping[str, Any], depth: int) -> Any:
    if depth > 32 or not isinstance(schema, Mapping):
        return None
    if "$ref" in schema:
        return _example(_resolve(root, schema["$ref"]), root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        options = [o for o in schema.get(key) or [] if isinstance(o, Mapping)]
        if options:
            non_null = [o for o in options if o.get("type") != "null"]
            if not non_null or (depth > 8 and len(non_null) < len(options)):
                return None  # null is allowed: stop recursive structures early
            return _example(non_null[0], root, depth + 1)
    if schema.get("allOf"):
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = _resolve(root, part["$ref"]) if isinstance(part, Mapping) and "$ref" in part else part
            if isinstance(part, Mapping):
                merged.setdefault("properties", {}).update(part.get("properties", {}))
                merged["required"] = [*merged.get("required", []), *part.get("required", [])]
                for k, v in part.items():
                    merged.setdefault(k, v)
        return _example(merged, root, depth + 1)

    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((t for t in kind if t != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "string"

    if kind == "object":
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        fallback = extra if isinstance(extra, Mapping) else {"type": "string"}
        return {name: _example(properties.get(name, fallback), root, depth + 1) for name in schema.get("required") or []}
    if kind == "array":
        count = int(schema.get("minItems") or 0)
        prefix = schema.get("prefixItems") or []
        items = [_example(p, root, depth + 1) for p in prefix[:count]]
        items += [_example(schema.get("items") or {}, root, depth + 1) for _ in range(count - len(items))]
        return items
    if kind == "string":
        text = _STRING_FORMATS.get(schema.get("format", ""), "example")
        min_len, max_len = int(schema.get("minLength") or 0), schema.get("maxLength")
        text = text.ljust(min_len, "x")
        return text[: int(max_len)] if max_len is not None else text
    if kind in ("integer", "number"):
        value: float = 0
        if schema.get("minimum") is not None and value < schema["minimum"]:
            value = schema["minimum"]
        if schema.get("exclusiveMinimum") is not None and value <= schema["exclusiveMinimum"]:
            value = schema["exclusiveMinimum"] + 1
        if schema.get("maximum") is not None and value > schema["maximum"]:
            value = schema["maximum"]
        if schema.get("exclusiveMaximum") is not None and value >= schema["exclusiveMaximum"]:
            value = schema["exclusiveMaximum"] - 1
        if kind == "integer":
            return int(math.ceil(value))
        return int(value) if float(value).is_integer() else value
    if kind == "boolean":
        return False
    return None
