"""Pydantic's validation errors as sentences a person can act on: 'Limit must be a number.'

A request's problems reach people (the UI shows the 422's `detail`), so each one names the field by
its label (`opposing_parties` -> 'Opposing parties', a list's item by its row) and says what to
send instead; pydantic's locations ('0.limit', 'body') and type codes never appear.
"""

from __future__ import annotations

from typing import Any

SOURCES = ("body", "query", "path", "header", "cookie")

_MUST = {
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "decimal_parsing": "must be a number",
    "decimal_type": "must be a number",
    "finite_number": "must be a finite number",
    "bool_parsing": "must be yes or no (true or false)",
    "bool_type": "must be yes or no (true or false)",
    "string_type": "must be text",
    "string_unicode": "must be text",
    "bytes_type": "must be a file or text",
    "date_parsing": "must be a date such as 2026-03-31",
    "date_from_datetime_parsing": "must be a date such as 2026-03-31",
    "date_from_datetime_inexact": "must be a date without a time, such as 2026-03-31",
    "date_type": "must be a date such as 2026-03-31",
    "datetime_parsing": "must be a date and time such as 2026-03-31T09:30",
    "datetime_from_date_parsing": "must be a date and time such as 2026-03-31T09:30",
    "datetime_type": "must be a date and time such as 2026-03-31T09:30",
    "time_parsing": "must be a time such as 09:30",
    "uuid_parsing": "must be an id such as 123e4567-e89b-12d3-a456-426614174000",
    "url_parsing": "must be a web address such as https://example.org",
    "url_type": "must be a web address such as https://example.org",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "set_type": "must be a list",
    "dict_type": "must be an object with named fields",
    "model_type": "must be an object with named fields",
    "model_attributes_type": "must be an object with named fields",
    "none_required": "must be left empty",
}


def field_label(location: tuple[Any, ...]) -> str:
    """The label of the field at `location`, e.g. ('body', 0, 'limit') -> 'Limit in row 1'."""
    source = location[0] if location and location[0] in SOURCES else None
    parts = location[1:] if source else location
    names = [part for part in parts if isinstance(part, str) and not _is_pydantic_tag(part)]
    rows = [part for part in parts if isinstance(part, int)]
    if names:
        label = names[-1].replace("_", " ").replace("-", " ").strip().capitalize() or "A field"
    elif source == "body" and not rows:
        return "The request body"
    else:
        label = "The item" if rows else "The request"
    if rows:
        label += f" in row {rows[-1] + 1}"
    return label


def describe_problem(problem: dict[str, Any]) -> str:
    """One pydantic error (an entry of `ValidationError.errors()`) as a sentence ending in a full stop."""
    location = tuple(problem.get("loc", ()))
    label = field_label(location)
    kind = str(problem.get("type", ""))
    context = problem.get("ctx") or {}
    raw_name = str(location[-1]) if location else ""
    return _sentence(label, kind, context, str(problem.get("msg", "")), raw_name)


def _sentence(label: str, kind: str, context: dict[str, Any], message: str, raw_name: str) -> str:
    if kind == "missing":
        if label == "The request body":
            return "The request needs a body: send the form's fields as JSON."
        return f"{label} is required."
    if kind == "json_invalid":
        return f"The request body is not valid JSON ({context.get('error', 'it could not be read')}); send JSON."
    if kind == "extra_forbidden":  # a name the caller made up (often a typo): quoted as sent
        return f"'{raw_name}' is not a field this request accepts; leave it out or check its spelling."
    if kind in _MUST:
        if label == "The request body" and kind in ("dict_type", "model_type", "model_attributes_type"):
            return "The request body must be a JSON object with the form's fields."
        return f"{label} {_MUST[kind]}."
    if kind in ("string_too_short", "too_short"):
        least = context.get("min_length", 1)
        unit = "character" if kind == "string_too_short" else "item"
        if least == 1:
            return f"{label} must not be empty."
        return f"{label} needs at least {least} {unit}s."
    if kind in ("string_too_long", "too_long"):
        unit = "character" if kind == "string_too_long" else "item"
        most = context.get("max_length")
        return f"{label} may have at most {most} {unit}{'' if most == 1 else 's'}."
    bounds = {"greater_than": "greater than {gt}", "greater_than_equal": "at least {ge}",
              "less_than": "less than {lt}", "less_than_equal": "at most {le}",
              "multiple_of": "a multiple of {multiple_of}"}  # fmt: skip
    if kind in bounds:
        return f"{label} must be {bounds[kind].format(**context)}."
    if kind in ("literal_error", "enum"):
        return f"{label} must be one of {context.get('expected', 'the listed choices')}."
    if kind == "string_pattern_mismatch":
        return f"{label} is not in the expected form ({context.get('pattern', '')})."
    if kind in ("value_error", "assertion_error"):
        reason = message.removeprefix("Value error, ").removeprefix("Assertion failed, ").rstrip(".")
        return f"{label}: {reason}."
    reason = message.replace("Input should be", "must be").replace("Input should", "must").rstrip(".")
    return f"{label} {reason}." if reason.startswith("must") else f"{label}: {reason or 'is not valid'}."


def _is_pydantic_tag(part: str) -> bool:
    """Pydantic puts validator and union-member tags in locations: 'function-after[...]', 'list[int]'."""
    return "[" in part or part in ("json-or-python", "tagged-union", "function-plain", "lax-or-strict")
