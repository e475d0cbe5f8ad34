"""How the pack's error messages list things: the first few, then how many more; offending values with their lines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl

from codexcontinue import InputError


def listed(items: list[Any], limit: int = 5) -> str:
    """`items` joined for a message, the first `limit` of them and how many more."""
    shown = ", ".join(str(item) for item in items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


def counted(number: int, noun: str) -> str:
    """'1 line', '3 lines'."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def examples(rows: pl.DataFrame, column: str) -> str:
    """The first few offending values of `column` in `rows` (which has a `line` column), with their lines."""
    shown = ", ".join(f"line {line}: {value!r}" for line, value in rows.select("line", column).head(3).rows())
    return shown if rows.height <= 3 else f"{shown} and {rows.height - 3} more"


@contextmanager
def naming_the_file(filename: str) -> Iterator[None]:
    """Make every `InputError` raised inside start with the file's name ("'bank.csv': Column 'Date' has ...")."""
    try:
        yield
    except InputError as error:
        if not error.message.startswith(f"'{filename}'"):
            error.message = f"'{filename}': {error.message}"
        raise
