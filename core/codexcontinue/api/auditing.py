"""Middleware that writes an audit record for every audited request (pure ASGI)."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..audit import AuditRecord, AuditTrail
from ..settings import CoreSettings
from .errors import pack_of

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
        started, status = time.perf_counter(), 500

        async def tracking_send(outgoing: Message) -> None:
            nonlocal status
            if outgoing["type"] == "http.response.start":
                status = outgoing["status"]
            await send(outgoing)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            await self.trail.record(self._record(scope, status, started))

    def _record(self, scope: Scope, status: int, started: float) -> AuditRecord:
        state = scope.get("state", {})
        key = state.get("api_key")
        path_params = scope.get("path_params", {})
        return AuditRecord(
            time=time.time(),
            actor=key.prefix if key else "anonymous",
            actor_name=key.name if key else "",
            action=scope["method"],
            pack=pack_of(scope["path"]) or "core",
            route=_template(scope["path"], path_params),
            resources=[*(str(v) for v in path_params.values()), *state.get("audit_resources", [])],
            outcome=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
        )


def _template(path: str, path_params: dict[str, object]) -> str:
    """The path with each path parameter's value put back as `{name}`."""
    values = {str(value): name for name, value in path_params.items()}
    return "/".join(f"{{{values[part]}}}" if part in values else part for part in path.split("/"))
