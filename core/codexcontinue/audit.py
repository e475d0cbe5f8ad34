"""The audit trail: who did what to which resource, when, with what outcome; never bodies.

Records go to an append-only JSON-lines file (always) and, with Redis, to the stream
`codexcontinue:audit`, trimmed to the retention period. Packs name the resources a request
touched with `record_resources(request, *ids)` (or `record_resource_ids(*ids)` where the request
is not at hand): ids the pack created or validated, never what the caller sent as such (a path
parameter is not recorded unless the pack names it). A request that fails (status 400 or more)
is recorded without resources: it touched nothing, and what it named may be anything a caller typed.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

from .settings import CoreSettings
from .store import RedisStore, Store

STREAM = "codexcontinue:audit"
log = logging.getLogger("codexcontinue.audit")
_NAMED: ContextVar[list[str] | None] = ContextVar("codexcontinue_audit_resources", default=None)


@dataclass
class AuditRecord:
    """One audited request."""

    time: float
    actor: str  # the API key's prefix, or "anonymous"
    actor_name: str
    action: str  # the HTTP method
    pack: str
    route: str  # the route template, e.g. /api/v1/legal/matters/{matter_id}; 'unmatched' for no route
    resources: list[str] = field(default_factory=list)
    outcome: int = 0  # the HTTP status
    duration_ms: float = 0.0


def record_resources(request: Any, *ids: str) -> None:
    """Name the resources this request touched, for its audit record: ids the pack created, found
    or validated (a document id, an existing matter, a valid code), never contents or raw input."""
    request.state.audit_resources = [*getattr(request.state, "audit_resources", []), *ids]


def record_resource_ids(*ids: str) -> None:
    """`record_resources` for code without the request at hand (a helper, a route that takes no
    `Request`): names resources the current request touched; outside an audited request, nothing."""
    named = _NAMED.get()
    if named is not None:
        named.extend(ids)


@contextmanager
def collecting_resources() -> Iterator[list[str]]:
    """For the audit middleware: the list `record_resource_ids` fills during one request."""
    named: list[str] = []
    token = _NAMED.set(named)
    try:
        yield named
    finally:
        _NAMED.reset(token)


class AuditTrail:
    """Append audit records and read them back (`codexcontinue audit tail|export`)."""

    def __init__(self, settings: CoreSettings, store: Store) -> None:
        self.path = settings.audit_path
        self.retention_s = settings.audit_retention_days * 86400
        self.redis = store.client if isinstance(store, RedisStore) else None
        self._sink: TextIO | None = None

    async def record(self, entry: AuditRecord) -> None:
        """Append `entry` to the file and, with Redis, to the stream; a failing sink is logged."""
        line = json.dumps(asdict(entry), separators=(",", ":"))
        self._append(line)
        if self.redis is not None:
            oldest = int((time.time() - self.retention_s) * 1000)
            try:
                await self.redis.xadd(STREAM, {"record": line}, minid=oldest, approximate=True)
            except Exception as error:  # noqa: BLE001 - the file sink still has the record
                log.warning("audit stream unavailable (%s); the record is in %s", type(error).__name__, self.path)

    def _append(self, line: str) -> None:
        """One whole line per write to a file opened for appending: small appends do not interleave."""
        if self._sink is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._sink = self.path.open("a", encoding="utf-8", buffering=1)
        self._sink.write(line + "\n")

    async def tail(self, count: int = 20) -> list[AuditRecord]:
        """The newest `count` records, oldest first."""
        if self.redis is not None:
            rows = await self.redis.xrevrange(STREAM, count=count)
            return [_parse(fields[b"record"]) for _, fields in reversed(rows)]
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as sink:
            return [_parse(line) for line in deque(sink, maxlen=count)]

    async def export(self, since: float = 0.0) -> AsyncIterator[AuditRecord]:
        """Every record at or after `since` (epoch seconds), oldest first."""
        if self.redis is not None:
            start = f"{int(since * 1000)}-0"
            while True:
                rows = await self.redis.xrange(STREAM, min=start, count=1000)
                for _, fields in rows:
                    yield _parse(fields[b"record"])
                if len(rows) < 1000:
                    return
                last = rows[-1][0].decode()
                start = "(" + last
        elif self.path.exists():
            with self.path.open(encoding="utf-8") as sink:
                for line in sink:
                    entry = _parse(line)
                    if entry.time >= since:
                        yield entry


def _parse(raw: bytes | str) -> AuditRecord:
    return AuditRecord(**json.loads(raw))
