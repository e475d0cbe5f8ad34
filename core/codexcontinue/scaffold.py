"""Render a new domain pack from the template that ships with the core (copier).

`codexcontinue new-pack` uses it, and so does the developer pack's scaffolding: one template.
Answers are single lines of text: one holding a control character (a newline, a tab, ...) is
refused, since it would end up inside a TOML or Python string and break the project.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PACK_TEMPLATE = Path(__file__).parent / "templates" / "pack"
NAME = re.compile(r"^[a-z][a-z0-9-]*$")
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ScaffoldError(ValueError):
    """The answers cannot make a pack (bad name, folder in the way); the message says why."""


def control_character_problems(answers: Mapping[str, Any]) -> dict[str, str]:
    """For each answer that holds a control character: what is wrong with it, as a sentence."""
    problems = {}
    for name, value in answers.items():
        found = CONTROL_CHARACTER.search(value) if isinstance(value, str) else None
        if found:
            problems[name] = (
                f"it holds a control character (U+{ord(found.group()):04X}) at character {found.start() + 1}; "
                "write it on one line, without tabs or other control characters"
            )
    return problems


def render_pack(name: str, destination: Path, **answers: Any) -> Path:
    """Write a new pack called `name` into `destination` (which must not exist or be empty)."""
    import copier

    from .packs.status import RESERVED_NAMES

    if not NAME.match(name):
        raise ScaffoldError(f"Pack name {name!r}: use lowercase letters, digits and dashes, starting with a letter")
    if name in RESERVED_NAMES:
        raise ScaffoldError(f"Pack name {name!r} is reserved for the core; choose another name")
    if problems := control_character_problems(answers):
        raise ScaffoldError("; ".join(f"The answer {answer!r}: {problem}" for answer, problem in problems.items()))
    if destination.exists() and any(destination.iterdir()):
        raise ScaffoldError(f"{destination} already exists and is not empty; choose another folder")
    data = {"name": name, **{key: value for key, value in answers.items() if value is not None}}
    try:
        copier.run_copy(str(PACK_TEMPLATE), destination, data=data, defaults=True, quiet=True, unsafe=False)
    except ValueError as error:  # copier's validation errors are ValueErrors
        raise ScaffoldError(str(error)) from None
    return destination
