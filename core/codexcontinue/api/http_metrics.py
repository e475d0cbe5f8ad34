"""Prometheus metrics of every HTTP request: count and duration by method, route template and status."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Receive, Scope, Send

from .request_info import AnswerStatus, route_template

UNMEASURED = {"/metrics", "/healthz", "/readyz"}


class HttpMetrics:
    """Pure ASGI middleware feeding `http_requests_total` and `http_request_duration_seconds`.

    Labels are the route template (never the raw path, never a key), so their number stays bounded.
    """

    def __init__(self, app: ASGIApp, registry: CollectorRegistry) -> None:
        self.app = app
        self.requests = Counter(
            "http_requests_total", "HTTP requests answered.", ["method", "route", "status"], registry=registry
        )
        self.duration = Histogram(
            "http_request_duration_seconds", "Seconds to answer an HTTP request.", ["method", "route"], registry=registry
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNMEASURED:
            return await self.app(scope, receive, send)
        started, answer = time.perf_counter(), AnswerStatus(send)
        try:
            await self.app(scope, receive, answer.send)
        finally:
            route = route_template(scope)
            self.requests.labels(scope["method"], route, str(answer.status)).inc()
            self.duration.labels(scope["method"], route).observe(time.perf_counter() - started)
