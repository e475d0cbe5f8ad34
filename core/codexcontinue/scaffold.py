"""Render a new domain pack from the template that ships with the core (copier).

`codexcontinue new-pack` uses it, and so does the developer pack's scaffolding: one template.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

PACK_TEMPLATE = Path(__file__).parent / "templates" / "pack"
NAME = re.compile(r"^[a-z][a-z0-9-]*$")


class ScaffoldError(ValueError):
    """The answers cannot make a pack (bad name, folder in the way); the message says why."""


def render_pack(name: str, destination: Path, **answers: Any) -> Path:
    """Write a new pack called `name` into `destination` (which must not exist or be empty)."""
    import copier

    from .packs import RESERVED_NAMES

    if not NAME.match(name):
        raise ScaffoldError(f"Pack name {name!r}: use lowercase letters, digits and dashes, starting with a letter")
    if name in RESERVED_NAMES:
        raise ScaffoldError(f"Pack name {name!r} is reserved for the core; choose another name")
    if destination.exists() and any(destination.iterdir()):
        raise ScaffoldError(f"{destination} already exists and is not empty; choose another folder")
    data = {"name": name, **{key: value for key, value in answers.items() if value is not None}}
    try:
        copier.run_copy(str(PACK_TEMPLATE), destination, data=data, defaults=True, quiet=True, unsafe=False)
    except ValueError as error:  # copier's validation errors are ValueErrors
        raise ScaffoldError(str(error)) from None
    return destination
