"""The route class of every health route: a body size limit (413) and, in HIPAA mode, an audit record per call.

Handlers name the resources they touched with `touched(request, *ids)` (document ids, ICD-10 codes);
the record is written whatever the outcome, refusals (401, 403, 413, 422) included.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from codexcontinue.ml.errors import LLMError, LLMTimeout, LLMUnavailable, ModelNotFound
from codexcontinue.store import StoreUnavailable
from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from .audit import AuditLog, AuditRecord, outcome_of
from .settings import HealthSettings

PACK = "health"
MOUNTED_AT = f"/api/v1/{PACK}"  # where the core mounts a pack's router


def touched(request: Request, *resource_ids: str) -> None:
    """Record that this request worked on `resource_ids` (ids only, never text)."""
    request.state.health_resources = [*getattr(request.state, "health_resources", []), *resource_ids]


def health_settings(request: Request) -> HealthSettings:
    """The pack's settings in this app."""
    return request.app.state.registry.packs[PACK].settings


class HealthRoute(APIRoute):
    """An APIRoute that limits the body and audits the call."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The FastAPI handler, wrapped."""
        handler = super().get_route_handler()

        async def limited_and_audited(request: Request) -> Response:
            settings = health_settings(request)
            started = time.time()
            status = 500
            try:
                await _read_body_within(request, settings.max_body_bytes)
                response = await handler(request)
                status = response.status_code
                return response
            except Exception as error:
                status = _status_of(error)
                raise
            finally:
                if settings.hipaa_mode:
                    await _audit(request, started, status)

        return limited_and_audited


async def _read_body_within(request: Request, limit: int) -> None:
    """Read the body (cached on the request for the handler) or answer 413 past `limit` bytes."""
    declared = request.headers.get("content-length")
    too_large = HTTPException(
        413,
        f"The request body is larger than {limit} bytes. Send a shorter note, or raise "
        "CODEXCONTINUE_HEALTH__MAX_BODY_BYTES.",
    )
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    request._body = bytes(body)


def _status_of(error: Exception) -> int:
    """The status the app's error handlers will answer for `error`."""
    if isinstance(error, HTTPException):
        return error.status_code
    if isinstance(error, RequestValidationError):
        return 422
    if isinstance(error, (StoreUnavailable, LLMUnavailable, ModelNotFound)):
        return 503
    if isinstance(error, LLMTimeout):
        return 504
    if isinstance(error, LLMError):
        return 502
    return 500


async def _audit(request: Request, started: float, status: int) -> None:
    key = getattr(request.state, "api_key", None)
    template = getattr(request.scope.get("route"), "path", None)
    route = template if template is None or template.startswith(MOUNTED_AT) else MOUNTED_AT + template
    record = AuditRecord(
        at=started,
        key_prefix=key.prefix if key else None,
        key_name=key.name if key else None,
        method=request.method,
        route=route or request.url.path,
        resource_ids=getattr(request.state, "health_resources", []),
        status=status,
        outcome=outcome_of(status),
    )
    await AuditLog(request.app.state.store).append(record)
