"""What a request is about, read from its ASGI scope and its answer: pack, route template, status."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, compile_path
from starlette.types import Message, Send

from ..packs.status import RESERVED_NAMES

UNMATCHED = "unmatched"
"""What a request whose path no route has is recorded as (never the path itself)."""


def pack_of(path: str) -> str | None:
    """The pack a request path belongs to (`/api/v1/<pack>/...`), or None for the core's routes."""
    parts = path.strip("/").split("/")
    if len(parts) >= 3 and parts[:2] == ["api", "v1"] and parts[2] not in RESERVED_NAMES:
        return parts[2]
    return None


class RouteTemplates:
    """The full template of every route of an app (`/api/v1/legal/matters/{matter_id}`), so that a
    request is named by its route and never by the raw path its caller made up."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        contexts = [context for context in iter_route_contexts(routes) if context.path]
        mounted = Counter(id(context.original_route) for context in contexts)
        # A route mounted twice (one router included under two prefixes) is found by its path instead.
        self._by_route = {
            id(context.original_route): context.path for context in contexts if mounted[id(context.original_route)] == 1
        }
        self._patterns: list[tuple[re.Pattern[str], str]] = [
            (compile_path(context.path)[0], context.path) for context in contexts
        ]

    def of(self, scope: dict[str, Any]) -> str:
        """The template of the route `scope` was routed to, or whose path it has when it was refused
        before routing (413, 504); `UNMATCHED` when no route has its path."""
        route = scope.get("route")
        if route is not None and (template := self._by_route.get(id(route))):
            return template
        path = scope["path"]
        return next((template for pattern, template in self._patterns if pattern.match(path)), UNMATCHED)


def route_template(scope: dict[str, Any]) -> str:
    """The template of the route of the request (see `RouteTemplates.of`), from its app's table."""
    templates: RouteTemplates | None = getattr(scope["app"].state, "route_templates", None)
    return templates.of(scope) if templates is not None else UNMATCHED


class AnswerStatus:
    """Wraps an ASGI `send` to note whether the answer has started, and its status."""

    def __init__(self, send: Send) -> None:
        self._started_with: int | None = None
        self._send = send

    @property
    def started(self) -> bool:
        """Whether the answer's first message has gone out."""
        return self._started_with is not None

    @property
    def status(self) -> int:
        """The answer's status; 500 while none has started (what an unanswered request counts as)."""
        return self._started_with or 500

    async def send(self, message: Message) -> None:
        """Pass `message` on, noting the status when the answer starts."""
        if message["type"] == "http.response.start":
            self._started_with = message["status"]
        await self._send(message)
