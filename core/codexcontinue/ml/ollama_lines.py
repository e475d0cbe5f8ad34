"""Ollama's JSON lines kept whole through httpx's line splitting.

The official `ollama` client reads a stream with httpx's `aiter_lines`, which ends a line at every
character `str.splitlines` takes for a line end: besides `\\n` and `\\r`, U+0085, U+2028, U+2029 and
the control characters `\\x0b`, `\\x0c`, `\\x1c`-`\\x1e`. Ollama's JSON (Go's `encoding/json`) escapes
the control characters and U+2028/U+2029 but writes U+0085 (NEL) as it is, so a model answer that
holds one is cut into two halves that are not JSON, and the call fails as a broken stream.

`LineSafeTransport` rewrites each of those characters, as the bytes arrive, into its JSON escape
(`\\u0085`): the same JSON text, decoded to the same string, with no line end but `\\n`. Inside JSON
only strings may hold them, so nothing else changes. Compressed bodies are passed through untouched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

ESCAPES = {
    "\x0b".encode(): b"\\u000b",
    "\x0c".encode(): b"\\u000c",
    "\x1c".encode(): b"\\u001c",
    "\x1d".encode(): b"\\u001d",
    "\x1e".encode(): b"\\u001e",
    "\x85".encode(): b"\\u0085",
    "\u2028".encode(): b"\\u2028",
    "\u2029".encode(): b"\\u2029",
}
"""Each character httpx ends a line at, but JSON lines never do, in UTF-8 -> its JSON escape."""


def escape_line_ends(data: bytes) -> bytes:
    """`data` with each character of `ESCAPES` replaced by its JSON escape."""
    for raw, escaped in ESCAPES.items():
        data = data.replace(raw, escaped)
    return data


def _whole_characters_end(data: bytes) -> int:
    """Where `data` can be cut without splitting a character of `ESCAPES` (its last bytes may start one)."""
    for size in (2, 1):
        tail = data[-size:]
        if len(tail) == size and any(raw.startswith(tail) and raw != tail for raw in ESCAPES):
            return len(data) - size
    return len(data)


class _EscapedStream(httpx.AsyncByteStream):
    """A response body with the line-end characters escaped, chunk by chunk."""

    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        pending = b""
        async for chunk in self._stream:
            data = pending + chunk
            cut = _whole_characters_end(data)
            pending = data[cut:]
            if cut:
                yield escape_line_ends(data[:cut])
        if pending:
            yield escape_line_ends(pending)

    async def aclose(self) -> None:
        await self._stream.aclose()


class LineSafeTransport(httpx.AsyncBaseTransport):
    """httpx's HTTP transport whose response bodies come with the line-end characters escaped."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request`; its response's body escaped (and its length left open, as escaping lengthens it)."""
        response = await self._inner.handle_async_request(request)
        if response.headers.get("content-encoding", "identity") != "identity":
            return response
        headers = [(name, value) for name, value in response.headers.raw if name.lower() != b"content-length"]
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=headers,
            stream=_EscapedStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close the connections."""
        await self._inner.aclose()
