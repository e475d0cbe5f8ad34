"""What one API key uploaded, kept in the core's store under `finance:<key prefix>:...`; other keys never see it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import polars as pl

from codexcontinue import InputError
from codexcontinue.cpu_work import run_cpu_bound
from codexcontinue.store import Store


NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def checked_name(value: str, what: str) -> str:
    """`value` when it is a usable name (letters, digits, '.', '_', '-'; at most 64), else `InputError`."""
    if not NAME.match(value):
        raise InputError(
            f"{what} {value!r} must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."
        )
    return value


class OwnerData:
    """The documents (JSON) and tables (Parquet) of one owner, addressed by path parts."""

    def __init__(self, store: Store, owner: str) -> None:
        self.store = store
        self.prefix = f"finance:{owner}:"

    def key(self, *parts: str) -> str:
        """The store key of the item at `parts`."""
        return self.prefix + ":".join(parts)

    async def get_json(self, *parts: str) -> Any:
        """The JSON document at `parts`, or None."""
        return await self.store.get_json(self.key(*parts))

    async def set_json(self, value: Any, *parts: str) -> None:
        """Keep `value` as JSON at `parts`."""
        await self.store.set_json(self.key(*parts), value)

    async def get_frame(self, *parts: str, columns: list[str] | None = None) -> pl.DataFrame | None:
        """The table at `parts` (only `columns` when given), or None; decoded off the event loop."""
        raw = await self.store.get(self.key(*parts))
        return None if raw is None else await run_cpu_bound(_from_parquet, raw, columns)

    async def set_frame(self, frame: pl.DataFrame, *parts: str) -> None:
        """Keep `frame` (as Parquet, encoded off the event loop) at `parts`."""
        await self.store.set(self.key(*parts), await run_cpu_bound(_to_parquet, frame))

    async def update_json(self, change: Callable[[Any], Any], *parts: str) -> Any:
        """Change the JSON document at `parts` (None when absent) atomically; see `Store.update`."""
        return await self.store.update_json(self.key(*parts), change)

    async def delete(self, *parts: str) -> bool:
        """Remove the item at `parts`; True when it existed."""
        return await self.store.delete(self.key(*parts))

    async def names(self, *parts: str) -> list[str]:
        """The names of the items directly under `parts` (e.g. every saved portfolio), sorted."""
        prefix = self.key(*parts) + ":"
        return sorted({key[len(prefix) :].split(":", 1)[0] for key in await self.store.keys(prefix)})

    async def require_json(self, what: str, *parts: str) -> Any:
        """The JSON document at `parts`; `InputError` 404 naming `what` when this owner has none."""
        value = await self.get_json(*parts)
        if value is None:
            raise InputError(f"No {what} found for this API key's owner.", status=404)
        return value


def _to_parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd")
    return buffer.getvalue()


def _from_parquet(raw: bytes, columns: list[str] | None = None) -> pl.DataFrame:
    return pl.read_parquet(io.BytesIO(raw), columns=columns)
