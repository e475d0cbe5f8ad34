"""Middleware that writes an audit record for every audited request (pure ASGI)."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Receive, Scope, Send

from ..audit import AuditRecord, AuditTrail
from ..settings import CoreSettings
from .request_info import AnswerStatus, pack_of, route_template

MUTATIONS = {"POST", "PUT", "PATCH", "DELETE"}


class AuditMiddleware:
    """Record requests to audited packs (health always) and every change to API keys."""

    def __init__(self, app: ASGIApp, trail: AuditTrail, settings: CoreSettings) -> None:
        self.app = app
        self.trail = trail
        self.settings = settings

    def _audited(self, scope: Scope) -> bool:
        path: str = scope["path"]
        pack = pack_of(path)
        if pack is not None:
            return self.settings.audited(pack)
        return path.startswith("/api/v1/keys") and scope["method"] in MUTATIONS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._audited(scope):
            return await self.app(scope, receive, send)
        started, answer = time.perf_counter(), AnswerStatus(send)
        try:
            await self.app(scope, receive, answer.send)
        finally:
            await self.trail.record(self._record(scope, answer.status, started))

    def _record(self, scope: Scope, status: int, started: float) -> AuditRecord:
        state = scope.get("state", {})
        key = state.get("api_key")
        return AuditRecord(
            time=time.time(),
            actor=key.prefix if key else "anonymous",
            actor_name=key.name if key else "",
            action=scope["method"],
            pack=pack_of(scope["path"]) or "core",
            route=route_template(scope) if "route" in scope else scope["path"],  # refused before routing
            resources=[*(str(v) for v in scope.get("path_params", {}).values()), *state.get("audit_resources", [])],
            outcome=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
        )

