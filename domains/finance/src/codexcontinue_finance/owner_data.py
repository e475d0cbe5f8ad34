"""What one owner's keys uploaded, kept in the owner's namespace of the core's store
(`pack:finance:owner:<owner>:...`, an `OwnedStore`); other owners' keys never see it."""

from __future__ import annotations

import io
import re
from typing import Any

import polars as pl

from codexcontinue import InputError, OwnedStore
from codexcontinue.cpu_work import run_cpu_bound
from codexcontinue.store import Store


PACK = "finance"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def checked_name(value: str, what: str) -> str:
    """`value` when it is a usable name (letters, digits, '.', '_', '-'; at most 64), else `InputError`."""
    if not NAME.match(value):
        raise InputError(
            f"{what} {value!r} must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."
        )
    return value


class OwnerData(OwnedStore):
    """The documents (JSON) and tables (Parquet) of one owner, addressed by path parts."""

    def __init__(self, store: Store, owner: str) -> None:
        super().__init__(store, PACK, owner)

    async def get_frame(self, *parts: str, columns: list[str] | None = None) -> pl.DataFrame | None:
        """The table at `parts` (only `columns` when given), or None; decoded off the event loop."""
        raw = await self.get(*parts)
        return None if raw is None else await run_cpu_bound(_from_parquet, raw, columns)

    async def set_frame(self, frame: pl.DataFrame, *parts: str) -> None:
        """Keep `frame` (as Parquet, encoded off the event loop) at `parts`."""
        await self.set(await run_cpu_bound(_to_parquet, frame), *parts)

    async def require_json(self, what: str, *parts: str) -> Any:
        """The JSON document at `parts`; `InputError` 404 naming `what` when this owner has none."""
        value = await self.get_json(*parts)
        if value is None:
            raise InputError(f"No {what} found for this API key.", status=404)
        return value


def _to_parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd")
    return buffer.getvalue()


def _from_parquet(raw: bytes, columns: list[str] | None = None) -> pl.DataFrame:
    return pl.read_parquet(io.BytesIO(raw), columns=columns)
