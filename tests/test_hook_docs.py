"""docs/hooks.md documents exactly the hooks in hookspecs.py, each with its signature."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from codexcontinue import hookspecs

DOC = Path(__file__).resolve().parents[1] / "docs" / "hooks.md"


def specs() -> dict[str, object]:
    return {
        name: function
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, "codexcontinue_spec")
    }


def documented() -> dict[str, str]:
    sections = re.split(r"^## ", DOC.read_text(), flags=re.MULTILINE)[1:]
    return {section.split("\n", 1)[0].strip(): section for section in sections}


def test_every_hookspec_is_documented_and_every_documented_hook_exists():
    assert set(specs()) == set(documented())


def test_each_section_shows_the_signature():
    sections = documented()
    for name, function in specs().items():
        parameters = ", ".join(
            f"{p.name}: {p.annotation}" for p in inspect.signature(function).parameters.values()
        )
        returns = inspect.signature(function).return_annotation
        assert f"def {name}({parameters}) -> {returns}\n" in sections[name], name


def test_each_hookspec_has_a_docstring():
    for name, function in specs().items():
        assert (function.__doc__ or "").strip(), name
