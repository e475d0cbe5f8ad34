"""Matters (case management) kept in the core's store: client, parties, court, deadlines, documents, notes.

Each matter is one JSON document at `matter:<id>` in its owner's namespace of the store (an
`OwnedStore`: `pack:legal:owner:<owner>:matter:<id>`), so only keys of that owner see it, in Redis
when the platform runs with Redis and in the embedded store otherwise. Updates read, change and
write the whole document.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Literal

from codexcontinue import OwnedStore
from codexcontinue.store import Store
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .deadlines import DayKind

MATTER = "matter"
UNOWNED_PREFIX = "legal:matter:"  # where matters were kept, shared by every legal key, before keys had owners
MatterStatus = Literal["open", "pending", "closed"]


def _new_id() -> str:
    return secrets.token_hex(6)


def _now() -> datetime:
    return datetime.now(UTC)


class Deadline(BaseModel):
    """A dated obligation of a matter, with the rule it was computed from when there was one."""

    id: str = Field(default_factory=_new_id)
    title: str
    due: date
    rule: str | None = Field(default=None, description="e.g. '30 days after service'.")
    trigger_date: date | None = None
    day_kind: DayKind | None = None
    explanation: str | None = None


class MatterDocument(BaseModel):
    """A document filed under a matter (a reference with a description, not the file itself)."""

    id: str = Field(default_factory=_new_id)
    name: str
    description: str = ""
    added_at: datetime = Field(default_factory=_now)


class Note(BaseModel):
    """A dated note on a matter."""

    id: str = Field(default_factory=_new_id)
    text: str
    created_at: datetime = Field(default_factory=_now)


class MatterFields(BaseModel):
    """The fields a person edits on a matter."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    client: str = Field(min_length=1, max_length=200)
    opposing_parties: list[str] = Field(default_factory=list)
    court: str | None = None
    status: MatterStatus = "open"


class MatterUpdate(BaseModel):
    """A change to a matter: only the fields given are changed."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    client: str | None = Field(default=None, min_length=1, max_length=200)
    opposing_parties: list[str] | None = None
    court: str | None = None
    status: MatterStatus | None = None

    @model_validator(mode="after")
    def _no_nulls_where_a_matter_needs_a_value(self) -> MatterUpdate:
        nulled = [name for name in ("title", "client", "opposing_parties", "status")
                  if name in self.model_fields_set and getattr(self, name) is None]  # fmt: skip
        if nulled:
            raise ValueError(f"{', '.join(nulled)} cannot be null; leave a field out to keep its value")
        return self


class Matter(MatterFields):
    """A matter as stored and served."""

    model_config = ConfigDict(extra="ignore")

    id: str
    deadlines: list[Deadline] = Field(default_factory=list)
    documents: list[MatterDocument] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class MatterNotFound(LookupError):
    """No matter has this id."""

    def __init__(self, matter_id: str) -> None:
        super().__init__(f"No matter with id '{matter_id}'; GET /api/v1/legal/matters lists them.")


class MatterStore:
    """One owner's matters, on top of the core's owner-scoped store."""

    def __init__(self, owned: OwnedStore) -> None:
        self._owned = owned

    async def list(self, status: MatterStatus | None = None) -> list[Matter]:
        """Every matter of the owner (with `status`, when given), most recently updated first."""
        matters = []
        for matter_id in await self._owned.names(MATTER):
            document = await self._owned.get_json(MATTER, matter_id)
            if document is not None:
                matters.append(Matter.model_validate(document))
        if status is not None:
            matters = [m for m in matters if m.status == status]
        return sorted(matters, key=lambda m: m.updated_at, reverse=True)

    async def get(self, matter_id: str) -> Matter:
        """The matter with `matter_id`; `MatterNotFound` when there is none."""
        document = await self._owned.get_json(MATTER, matter_id)
        if document is None:
            raise MatterNotFound(matter_id)
        return Matter.model_validate(document)

    async def create(self, fields: MatterFields) -> Matter:
        """Store a new matter and return it."""
        now = _now()
        matter = Matter(**fields.model_dump(), id=_new_id(), created_at=now, updated_at=now)
        await self._owned.set_json(matter.model_dump(mode="json"), MATTER, matter.id)
        return matter

    async def update(self, matter_id: str, change: MatterUpdate) -> Matter:
        """Apply the fields set in `change`."""
        fields = change.model_dump(exclude_unset=True)
        return await self._edit(matter_id, lambda matter: fields)

    async def delete(self, matter_id: str) -> None:
        """Remove a matter; `MatterNotFound` when there is none."""
        if not await self._owned.delete(MATTER, matter_id):
            raise MatterNotFound(matter_id)

    async def add_deadline(self, matter_id: str, deadline: Deadline) -> Matter:
        """Add a deadline; deadlines stay sorted by due date."""
        return await self._edit(
            matter_id, lambda matter: {"deadlines": sorted([*matter.deadlines, deadline], key=lambda d: d.due)}
        )

    async def remove_deadline(self, matter_id: str, deadline_id: str) -> Matter:
        """Remove a deadline; `LookupError` when the matter has no such deadline."""

        def remove(matter: Matter) -> dict[str, Any]:
            kept = [d for d in matter.deadlines if d.id != deadline_id]
            if len(kept) == len(matter.deadlines):
                raise LookupError(f"Matter '{matter_id}' has no deadline with id '{deadline_id}'.")
            return {"deadlines": kept}

        return await self._edit(matter_id, remove)

    async def add_document(self, matter_id: str, document: MatterDocument) -> Matter:
        """File a document reference under the matter."""
        return await self._edit(matter_id, lambda matter: {"documents": [*matter.documents, document]})

    async def add_note(self, matter_id: str, note: Note) -> Matter:
        """Add a note to the matter."""
        return await self._edit(matter_id, lambda matter: {"notes": [*matter.notes, note]})

    async def _edit(self, matter_id: str, changes: Callable[[Matter], dict[str, Any]]) -> Matter:
        """Set the fields `changes(matter)` returns, atomically: two requests editing one matter at
        once both take effect, and an edit of a matter deleted meanwhile is `MatterNotFound`."""

        def apply(document: Any) -> Any:
            if document is None:
                raise MatterNotFound(matter_id)
            matter = Matter.model_validate(document)
            return matter.model_copy(update={**changes(matter), "updated_at": _now()}).model_dump(mode="json")

        return Matter.model_validate(await self._owned.update_json(apply, MATTER, matter_id))


async def adopt_unowned_matters(store: Store, owned: OwnedStore) -> int:
    """Move every matter stored before keys had owners (`legal:matter:<id>`, shared by every legal
    key) into `owned`; returns how many moved. A matter whose id the owner already has stays put."""
    moved = 0
    for old_key in await store.keys(UNOWNED_PREFIX):
        matter_id = old_key.removeprefix(UNOWNED_PREFIX)
        document = await store.get(old_key)
        if document is None or await owned.get(MATTER, matter_id) is not None:
            continue
        await owned.set(document, MATTER, matter_id)
        await store.delete(old_key)
        moved += 1
    return moved
