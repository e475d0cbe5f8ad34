"""Call an ASGI app directly in one event loop: per-request cost and profiles without a client."""

from __future__ import annotations

import asyncio
import cProfile
import json
import pstats
import time
from pathlib import Path
from typing import Any


async def call(app: Any, method: str, path: str, headers: dict[str, str], body: dict | None = None) -> int:
    """One request through `app`; returns the status."""
    payload = json.dumps(body).encode() if body is not None else b""
    raw_headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if body is not None:
        raw_headers += [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": raw_headers,
        "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000), "state": {},
    }  # fmt: skip
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": payload, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def per_request_ms(app: Any, method: str, path: str, headers: dict[str, str], body: dict | None, calls: int) -> float:
    """Median-free mean cost of one request, after a warm-up."""
    for _ in range(20):
        assert await call(app, method, path, headers, body) == 200
    started = time.perf_counter()
    for _ in range(calls):
        await call(app, method, path, headers, body)
    return (time.perf_counter() - started) / calls * 1000


def profile(app: Any, method: str, path: str, headers: dict[str, str], body: dict | None, calls: int = 500) -> dict:
    """Own time per function over `calls` requests, in ms per request, keyed by (file, line, name)."""

    async def run() -> cProfile.Profile:
        for _ in range(20):
            await call(app, method, path, headers, body)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            await call(app, method, path, headers, body)
        profiler.disable()
        return profiler

    stats = pstats.Stats(asyncio.run(run()))
    return {key: own / calls * 1000 for key, (_, _, own, _, _) in stats.stats.items()}


def added_time(platform: dict, bare: dict, top: int = 8) -> str:
    """The functions whose own time the platform adds over the bare app, largest first, as one line."""
    added = {key: platform.get(key, 0.0) - bare.get(key, 0.0) for key in platform.keys() | bare.keys()}
    largest = sorted(added.items(), key=lambda item: item[1], reverse=True)[:top]
    return "; ".join(f"{Path(file).name}:{name} +{ms:.3f} ms" for (file, _, name), ms in largest)
