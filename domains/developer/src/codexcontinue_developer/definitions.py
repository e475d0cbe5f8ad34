"""Where a function or class sits in a file, read from its syntax tree (the code is parsed, never run)."""

from __future__ import annotations

import ast

Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def definition_at(code: str, lineno: int) -> Definition | None:
    """The function or class whose `def`/`class` line, or first decorator's line, is `lineno`; else None.

    None also when the code does not parse.
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, Definition) and lineno in (node.lineno, first_line(node)):
            return node
    return None


def first_line(node: Definition) -> int:
    """The definition's first line, its decorators included."""
    return min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
