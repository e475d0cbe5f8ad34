"""`OwnedStore`: one owner's objects of one pack, in a namespace of the store no other owner reaches.

Every key lives under `pack:<pack>:owner:<owner>:`. An owner is a person or a team (see
`codexcontinue.keys`); every key of that owner reaches the same objects, and a key of another owner
reaches none of them: reading one gives None, which a route answers with a 404 (never a 403, so
the object's existence is not revealed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .store import Store

NAMESPACE = "pack:{pack}:owner:{owner}:"


class OwnedStore:
    """Get, set, list, update and delete one owner's items of one pack, addressed by path parts
    (`await owned.set_json(matter, "matter", matter_id)`). Parts are joined with ':'; a part that
    holds ':' reads as several."""

    def __init__(self, store: Store, pack: str, owner: str) -> None:
        if not pack or not owner or ":" in pack or ":" in owner:
            raise ValueError(f"An owned store needs a pack and an owner without ':'; got {pack!r}, {owner!r}")
        self.store = store
        self.pack = pack
        self.owner = owner
        self.namespace = NAMESPACE.format(pack=pack, owner=owner)

    def key(self, *parts: str) -> str:
        """The store key of the item at `parts`."""
        if not parts or not all(parts):
            raise ValueError(f"An item needs at least one part and no empty part; got {parts!r}")
        return self.namespace + ":".join(parts)

    async def get(self, *parts: str) -> bytes | None:
        """The raw value at `parts`, or None."""
        return await self.store.get(self.key(*parts))

    async def set(self, value: bytes | str, *parts: str, ttl: float | None = None) -> None:
        """Keep `value` at `parts`, expiring after `ttl` seconds when given."""
        await self.store.set(self.key(*parts), value, ttl)

    async def get_json(self, *parts: str) -> Any:
        """The JSON document at `parts`, or None."""
        return await self.store.get_json(self.key(*parts))

    async def set_json(self, value: Any, *parts: str, ttl: float | None = None) -> None:
        """Keep `value` as JSON at `parts`."""
        await self.store.set_json(self.key(*parts), value, ttl)

    async def update_json(self, change: Callable[[Any], Any], *parts: str, ttl: float | None = None) -> Any:
        """Replace the JSON document at `parts` (None when absent) with `change(document)`,
        atomically (see `Store.update`); returns the document written."""
        return await self.store.update_json(self.key(*parts), change, ttl)

    async def delete(self, *parts: str) -> bool:
        """Remove the item at `parts`; True when it existed."""
        return await self.store.delete(self.key(*parts))

    async def names(self, *parts: str) -> list[str]:
        """The names directly under `parts` (`names("matter")`: every matter id), sorted; with no
        parts, the top-level names of this owner's items."""
        prefix = self.key(*parts) + ":" if parts else self.namespace
        return sorted({key[len(prefix) :].split(":", 1)[0] for key in await self.store.keys(prefix)})
