"""The ledger kept as one table per import, and an index of them, so imports and removals never rewrite the rest.

    parts = LedgerParts(owner_data)
    added, duplicates = await parts.add(import_id, rows)
    ledger = await parts.frame()
    await parts.remove(import_id)

Adding a file reads only the (account, dedup key) columns of the other parts, works out its new
rows off the event loop, writes them as a part of their own, and then commits the part into the
index with a small atomic update (`Store.update_json`). When another import committed in between,
the commit is refused and the file's new rows are worked out again against it, so two imports at
once both land and never add the same row twice. Removing an import takes it out of the index and
deletes its part: nothing else is read, so the memory it used is not taken again.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from codexcontinue import InputError
from codexcontinue.cpu_work import run_cpu_bound

from .ledger import empty_ledger, new_rows
from .owner_data import OwnerData

ATTEMPTS = 8


class _Conflict(Exception):
    """Another import changed the index since it was read."""


class LedgerParts:
    """One owner's ledger: an index (`ledger_index`: version and import ids) and a table per import."""

    def __init__(self, data: OwnerData) -> None:
        self.data = data

    async def index(self) -> dict:
        """The index: {'version': n, 'parts': [import ids, oldest first]}."""
        index = await self.data.get_json("ledger_index")
        if index is None:
            index = await self._from_single_table()
        return index or {"version": 0, "parts": []}

    async def _from_single_table(self) -> dict | None:
        """A ledger kept as one table (as earlier versions did) split into its imports' tables, once."""
        old = await self.data.get_frame("ledger")
        if old is None:
            return None
        parts = old["import_id"].unique(maintain_order=True).to_list()
        for part in parts:
            await self.data.set_frame(old.filter(pl.col("import_id") == part), "ledger_parts", part)
        index = await self.data.update_json(lambda current: current or {"version": 1, "parts": parts}, "ledger_index")
        await self.data.delete("ledger")
        return index

    async def frame(self, columns: list[str] | None = None, accounts: list[str] | None = None) -> pl.DataFrame:
        """Every row of every import (only `columns`, only `accounts` when given), sorted by date."""
        index = await self.index()
        frames = [await self.data.get_frame("ledger_parts", part, columns=columns) for part in index["parts"]]
        present = [frame for frame in frames if frame is not None]
        if not present:
            empty = empty_ledger()
            return empty.select(columns) if columns else empty
        return await run_cpu_bound(_combined, present, accounts)

    async def add(self, import_id: str, rows: pl.DataFrame) -> tuple[int, int]:
        """Store the rows of `rows` the ledger lacks as import `import_id`'s part; how many were added and how many
        it already had."""
        for _ in range(ATTEMPTS):
            index = await self.index()
            known = await self.frame(columns=["account", "dedup_key"])
            fresh = await run_cpu_bound(new_rows, rows, known)
            await self.data.set_frame(fresh, "ledger_parts", import_id)
            try:
                await self.data.update_json(_committing(import_id, index["version"]), "ledger_index")
            except _Conflict:
                continue
            return fresh.height, rows.height - fresh.height
        await self.data.delete("ledger_parts", import_id)
        raise InputError("Other imports kept changing the ledger; try this one again in a moment.", status=503)

    async def remove(self, import_id: str) -> None:
        """Take import `import_id` out of the ledger and delete its rows."""

        def without(index: dict | None) -> dict:
            index = index or {"version": 0, "parts": []}
            return {"version": index["version"] + 1, "parts": [p for p in index["parts"] if p != import_id]}

        await self.data.update_json(without, "ledger_index")
        await self.data.delete("ledger_parts", import_id)


def _committing(import_id: str, version: int) -> Callable[[dict | None], dict]:
    """The index change that adds `import_id`, refused when the index is no longer at `version`."""

    def commit(index: dict | None) -> dict:
        index = index or {"version": 0, "parts": []}
        if index["version"] != version:
            raise _Conflict
        return {"version": version + 1, "parts": [*index["parts"], import_id]}

    return commit


def _combined(frames: list[pl.DataFrame], accounts: list[str] | None) -> pl.DataFrame:
    combined = pl.concat(frames, how="vertical_relaxed")
    if accounts is not None:
        combined = combined.filter(pl.col("account").is_in(accounts))
    return combined.sort("date", maintain_order=True) if "date" in combined.columns else combined

