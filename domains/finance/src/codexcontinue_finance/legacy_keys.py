"""Moves what the finance pack kept per API key before keys had owners (`finance:<key prefix>:...`)
into that key's owner namespace, so nothing uploaded before the change is lost.

A key stored before owners existed is its own owner (its prefix), so `finance:<prefix>:<item>`
becomes `pack:finance:owner:<prefix>:<item>`, the same item as every key of that owner sees it.
Runs at every start; when nothing is left in the old layout it only lists one empty prefix.
"""

from __future__ import annotations

import logging
import re

from codexcontinue.store import Store

from .owner_data import OwnerData

LEGACY_KEY = re.compile(r"^finance:([0-9a-f]{12}):(.+)$")

log = logging.getLogger("codexcontinue.finance")


async def move_per_key_data(store: Store) -> int:
    """Move every item of the old per-key layout to its owner's namespace; returns how many moved.
    An item already present in the new layout is kept and the old one left in place (and logged)."""
    moved = kept = 0
    for old_key in await store.keys("finance:"):
        match = LEGACY_KEY.match(old_key)
        value = await store.get(old_key) if match else None
        if match is None or value is None:
            continue
        new_key = OwnerData(store, match.group(1)).key(match.group(2))
        if await store.get(new_key) is not None:
            kept += 1
            continue
        await store.set(new_key, value)
        await store.delete(old_key)
        moved += 1
    if moved or kept:
        log.info("Moved %d finance item(s) from the per-key layout to owner namespaces; %d left in place "
                 "because the owner already has an item of that name.", moved, kept)  # fmt: skip
    return moved
