"""How the pack's error messages list things: the first few, then how many more; offending values with their lines."""

from __future__ import annotations

from typing import Any

import polars as pl


def listed(items: list[Any], limit: int = 5) -> str:
    """`items` joined for a message, the first `limit` of them and how many more."""
    shown = ", ".join(str(item) for item in items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


def examples(rows: pl.DataFrame, column: str) -> str:
    """The first few offending values of `column` in `rows` (which has a `line` column), with their lines."""
    shown = ", ".join(f"line {line}: {value!r}" for line, value in rows.select("line", column).head(3).rows())
    return shown if rows.height <= 3 else f"{shown} and {rows.height - 3} more"
