"""The health pack's audit trail: who called which route, when, on which resources, with what outcome.

Never the text: a record holds the caller's key prefix and name, the time, the method and route
template, the ids of the resources touched (sha256-derived document ids, ICD-10 codes) and the
HTTP status. Records are appended to the core's store under `health:audit:<YYYY-MM-DD>:<n>`; this
module is the only place that knows that, so the platform's audit log can replace it later.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from codexcontinue.store import Store
from pydantic import BaseModel, Field

PREFIX = "health:audit:"


class AuditRecord(BaseModel):
    """One call of a health route."""

    at: float = Field(description="Unix time of the call.")
    key_prefix: str | None = Field(description="Public prefix of the caller's API key; None when it had none.")
    key_name: str | None
    method: str
    route: str = Field(description="The route template, e.g. /api/v1/health/deidentify.")
    resource_ids: list[str] = Field(default_factory=list)
    status: int
    outcome: str = Field(description="'ok', 'denied' (401/403), 'rejected' (other 4xx) or 'error' (5xx).")


def outcome_of(status: int) -> str:
    """The outcome word for an HTTP status."""
    if status < 400:
        return "ok"
    if status in (401, 403):
        return "denied"
    return "rejected" if status < 500 else "error"


class AuditLog:
    """Audit records in the store, one numbered key per record, grouped by UTC day."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def append(self, record: AuditRecord) -> str:
        """Store `record`; returns its key."""
        day = _day(record.at)
        number = await self.store.incr(f"{PREFIX}{day}:count")
        key = f"{PREFIX}{day}:{number:08d}"
        await self.store.set_json(key, record.model_dump(mode="json"))
        return key

    async def day(self, day: str | None = None) -> list[AuditRecord]:
        """The records of one UTC day (YYYY-MM-DD; today when None), oldest first."""
        day = day or _day(time.time())
        keys = [k for k in await self.store.keys(f"{PREFIX}{day}:") if not k.endswith(":count")]
        records = [await self.store.get_json(key) for key in keys]
        return [AuditRecord.model_validate(r) for r in records if r is not None]


def _day(at: float) -> str:
    return datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%d")
