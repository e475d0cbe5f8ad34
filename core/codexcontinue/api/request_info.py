"""What a request is about, read from its ASGI scope and its answer: pack, route template, status."""

from __future__ import annotations

from typing import Any

from starlette.types import Message, Send

from ..packs import RESERVED_NAMES


def pack_of(path: str) -> str | None:
    """The pack a request path belongs to (`/api/v1/<pack>/...`), or None for the core's routes."""
    parts = path.strip("/").split("/")
    if len(parts) >= 3 and parts[:2] == ["api", "v1"] and parts[2] not in RESERVED_NAMES:
        return parts[2]
    return None


def route_template(scope: dict[str, Any]) -> str:
    """The matched route's template, e.g. `/api/v1/legal/matters/{matter_id}`; 'unmatched' for a 404.

    Rebuilt from the path and its parameters, so it is exact whatever router the route sits in.
    """
    if "route" not in scope:
        return "unmatched"
    values = {str(value): name for name, value in scope.get("path_params", {}).items()}
    return "/".join(f"{{{values[part]}}}" if part in values else part for part in scope["path"].split("/"))


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
