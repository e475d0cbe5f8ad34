"""Where a function or class sits in a file, read from its syntax tree (the code is parsed, never run)."""

from __future__ import annotations

import ast

Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def definitions_by_line(code: str) -> dict[int, Definition]:
    """Every function and class of `code` by its `def`/`class` line and by its first decorator's line.

    Empty when the code does not parse (or Python's parser gives up on it).
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return {}
    found: dict[int, Definition] = {}
    for node in ast.walk(tree):
        if isinstance(node, Definition):
            found.setdefault(node.lineno, node)
            found.setdefault(first_line(node), node)
    return found


def definition_at(code: str, lineno: int) -> Definition | None:
    """The function or class whose `def`/`class` line, or first decorator's line, is `lineno`; else None.

    None also when the code does not parse.
    """
    return definitions_by_line(code).get(lineno)


def first_line(node: Definition) -> int:
    """The definition's first line, its decorators included."""
    return min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])


def parser_gave_up(path: str) -> str:
    """The message for a file Python's parser (or a visitor of its syntax tree) could not handle."""
    return (
        f"'{path}' is nested too deeply or repeats one expression too long for Python's parser, which gave up "
        "(out of memory or recursion); split or simplify that code, e.g. long chains of `+` or thousands of "
        "names in a row."
    )
