"""The route class of every health route: the pack's own body size limit (413).

The core already refuses bodies over `CODEXCONTINUE_MAX_BODY_BYTES` (50 MB by default); a clinical
note needs far less, so the health routes keep a stricter limit, `CODEXCONTINUE_HEALTH__MAX_BODY_BYTES`
(1 MB: the largest accepted request de-identifies in about a second), with a message that says what
to send instead. The corpus upload, which starts a job, has its own, `MAX_CORPUS_BYTES`. Auditing is
the core's: every health call is in its audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute

PACK = "health"
# Routes whose bodies may be larger than MAX_BODY_BYTES, and the setting that bounds them instead.
LARGER_BODIES = {"/deidentify/corpus": "max_corpus_bytes"}


class HealthRoute(APIRoute):
    """An APIRoute that refuses bodies over the pack's `max_body_bytes`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The FastAPI handler, wrapped."""
        handler = super().get_route_handler()
        setting = next((name for suffix, name in LARGER_BODIES.items() if self.path.endswith(suffix)), "max_body_bytes")

        async def limited(request: Request) -> Response:
            settings = request.app.state.registry.packs[PACK].settings
            await _read_body_within(request, getattr(settings, setting))
            return await handler(request)

        return limited


def forget_path_parameters(request: Request) -> None:
    """Keep a route's raw path parameters out of the access log and the error log.

    A caller may type PHI into a path parameter (a name where an ICD-10 code belongs). A route that
    validates what it was sent calls this first: the request's path becomes the route's template (the
    access-log line shows `/icd10/codes/{code}`), and the route then names only validated ids with
    `record_resources`, the only ids the audit keeps.
    """
    route = request.scope.get("route")
    if route is not None:  # the template (under the pack's prefix): the raw value is in no record or log line
        parts, template = request.scope["path"].split("/"), route.path_format.split("/")
        request.scope["path"] = "/".join(parts[: len(parts) - len(template) + 1] + template[1:])
    request.scope["path_params"] = {}


async def _read_body_within(request: Request, limit: int) -> None:
    """Read the body (cached on the request for the handler) or answer 413 past `limit` bytes."""
    declared = request.headers.get("content-length")
    too_large = HTTPException(
        413,
        f"The request is larger than {limit:,} bytes, the most this server accepts here. Send fewer or shorter "
        "notes per request (for a whole corpus, upload a JSONL file to /deidentify/corpus).",
    )
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    request._body = bytes(body)
