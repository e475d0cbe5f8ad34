"""The route class of every health route: the pack's own body size limit (413).

The core already refuses bodies over `CODEXCONTINUE_MAX_BODY_BYTES` (50 MB by default); a clinical
note needs far less, so the health routes keep a stricter limit, `CODEXCONTINUE_HEALTH__MAX_BODY_BYTES`,
with a message that names it. Auditing is the core's: every health call is in its audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute

PACK = "health"


class HealthRoute(APIRoute):
    """An APIRoute that refuses bodies over the pack's `max_body_bytes`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The FastAPI handler, wrapped."""
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            settings = request.app.state.registry.packs[PACK].settings
            await _read_body_within(request, settings.max_body_bytes)
            return await handler(request)

        return limited


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
