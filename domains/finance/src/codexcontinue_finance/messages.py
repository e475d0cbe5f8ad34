"""How the pack's error messages list things: the first few, then how many more."""

from __future__ import annotations

from typing import Any


def listed(items: list[Any], limit: int = 5) -> str:
    """`items` joined for a message, the first `limit` of them and how many more."""
    shown = ", ".join(str(item) for item in items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"
