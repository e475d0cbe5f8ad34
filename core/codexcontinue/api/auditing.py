"""Middleware that writes an audit record for every audited request (pure ASGI).

A record holds nothing the caller made up: the route's template (never the raw path), a
placeholder for a path no route has, a standard method name, and only the resource ids the pack
named with `record_resources` (ids it created or validated), and those only when the request
succeeded, so its size is bounded whatever was sent.
"""

from __future__ import annotations

import time
from collections.abc import Collection

from starlette.types import ASGIApp, Receive, Scope, Send

from ..audit import AuditRecord, AuditTrail, collecting_resources
from ..settings import CoreSettings
from .request_info import AnswerStatus, pack_of, route_template

MUTATIONS = {"POST", "PUT", "PATCH", "DELETE"}
METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "CONNECT", *MUTATIONS})
OTHER_METHOD = "OTHER"


class AuditMiddleware:
    """Record requests to audited packs and every change to API keys.

    A pack is audited when `CODEXCONTINUE_AUDIT_PACKS` names it (or says 'all'), or when it is in
    `always_audited` (the packs whose `PackInfo.always_audited` is set).
    """

    def __init__(
        self,
        app: ASGIApp,
        trail: AuditTrail,
        settings: CoreSettings,
        packs: Collection[str],
        always_audited: Collection[str] = (),
    ) -> None:
        self.app = app
        self.trail = trail
        self.settings = settings
        self.packs = frozenset(packs)
        self.always_audited = frozenset(always_audited)

    def _pack(self, scope: Scope) -> str | None:
        """The pack the request is for, when it names a pack that exists."""
        pack = pack_of(scope["path"])
        return pack if pack in self.packs else None

    def _audited(self, scope: Scope) -> bool:
        pack = self._pack(scope)
        if pack is not None:
            return pack in self.always_audited or self.settings.audited(pack)
        return scope["path"].startswith("/api/v1/keys") and scope["method"] in MUTATIONS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._audited(scope):
            return await self.app(scope, receive, send)
        started, answer = time.perf_counter(), AnswerStatus(send)
        with collecting_resources() as named:
            try:
                await self.app(scope, receive, answer.send)
            finally:
                await self.trail.record(self._record(scope, answer.status, started, named))

    def _record(self, scope: Scope, status: int, started: float, named: list[str]) -> AuditRecord:
        state = scope.get("state", {})
        resources = [*state.get("audit_resources", []), *named] if status < 400 else []
        key = state.get("api_key")
        method = scope["method"]
        return AuditRecord(
            time=time.time(),
            actor=key.prefix if key else "anonymous",
            actor_name=key.name if key else "",
            action=method if method in METHODS else OTHER_METHOD,
            pack=self._pack(scope) or "core",
            route=route_template(scope),
            resources=[str(resource) for resource in resources],
            outcome=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
        )
