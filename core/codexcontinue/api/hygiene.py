"""Request hygiene as pure ASGI middleware: URL-length limit, body-size limit, time limit, security headers.

Starlette and FastAPI ship none of these (CORS they do, and `create_app` uses theirs); each
class here is a few lines over the ASGI interface so it costs nothing on the hot path and also
covers streamed bodies and streamed answers.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_PATHS = ("/docs", "/redoc", "/openapi.json")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
API_ONLY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cache-control", b"no-store"),
]


async def _send_json(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


class UrlLimit:
    """Answer 414 to a request whose URL (path and query string, as sent) is over `max_bytes`.

    It sits outermost, so nothing else (no pack code, no audit, no metrics) sees such a request, and
    it shortens the URL in the request's scope before answering, so the server's access-log line
    (and every log filter a pack adds) gets the first `LOGGED_BYTES` of it, not all of it.
    """

    LOGGED_BYTES = 200

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        size = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
        if size <= self.max_bytes:
            return await self.app(scope, receive, send)
        shown, query = scope["path"][: self.LOGGED_BYTES], scope.get("query_string", b"")
        scope["path"], scope["raw_path"] = shown, shown.encode()
        scope["query_string"] = query[: self.LOGGED_BYTES] + f"...[{size} bytes in all: refused]".encode()
        await _send_json(
            send, 414, f"The URL is {size} bytes long, over the limit of {self.max_bytes} "
            "(CODEXCONTINUE_MAX_URL_BYTES); send long input in a request body (POST) instead.",
            SECURITY_HEADERS + API_ONLY_HEADERS,
        )  # fmt: skip


class BodyLimit:
    """Answer 413 to a request body over `max_bytes`, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        message = (
            f"The request body is larger than {self.max_bytes} bytes, the limit "
            f"(CODEXCONTINUE_MAX_BODY_BYTES); send a smaller file or split it."
        )
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await _send_json(send, 413, message)
        received = 0
        started = refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            incoming = await receive()
            received += len(incoming.get("body", b""))
            if received > self.max_bytes and not started:
                # Answer 413 now and tell the app the client left, so it stops reading.
                refused = True
                await _send_json(send, 413, message)
                return {"type": "http.disconnect"}
            return incoming

        async def tracking_send(outgoing: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 is already sent; whatever the app answers is dropped
            started = started or outgoing["type"] == "http.response.start"
            await send(outgoing)

        await self.app(scope, counting_receive, tracking_send)


class TimeLimit:
    """Answer 504 when a request has not started its answer within `seconds`.

    Once the answer has started (a stream of tokens or events) it may take as long as it needs.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = timed_out = False
        task = asyncio.current_task()
        assert task is not None

        def expire() -> None:
            nonlocal timed_out
            if not started:
                timed_out = True
                task.cancel()

        async def tracking_send(outgoing: Message) -> None:
            nonlocal started
            started = started or outgoing["type"] == "http.response.start"
            await send(outgoing)

        timer = asyncio.get_running_loop().call_later(self.seconds, expire)
        try:
            await self.app(scope, receive, tracking_send)
        except asyncio.CancelledError:
            if not timed_out:
                raise
            task.uncancel()
            await _send_json(
                send, 504, f"The request took longer than {self.seconds:g} s (CODEXCONTINUE_REQUEST_TIMEOUT_S); "
                "for long work submit a job (POST /api/v1/jobs)."
            )  # fmt: skip
        finally:
            timer.cancel()


class SecurityHeaders:
    """Add security headers to every answer; API answers also get a strict CSP and no-store."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = SECURITY_HEADERS + ([] if scope["path"].startswith(DOCS_PATHS) else API_ONLY_HEADERS)

        async def with_headers(outgoing: Message) -> None:
            if outgoing["type"] == "http.response.start":
                present = {name for name, _ in outgoing.get("headers", [])}
                headers: list[Any] = list(outgoing.get("headers", []))
                headers += [(name, value) for name, value in extra if name not in present]
                outgoing = {**outgoing, "headers": headers}
            await send(outgoing)

        await self.app(scope, receive, with_headers)
