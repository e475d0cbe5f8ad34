"""The pack's one error type for bad input, and the route class that answers it with a 4xx."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute


class InputError(ValueError):
    """What the user sent cannot be used; the message says what is wrong and how to fix it.

    `status` is the HTTP status the routes answer with (422 unless a more precise one fits).
    """

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class InputErrorRoute(APIRoute):
    """A route that turns an `InputError` raised anywhere below it into an HTTP error with its message."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except InputError as error:
                raise HTTPException(error.status, error.message) from None

        return handle


def listed(items: list[Any], limit: int = 5) -> str:
    """`items` joined for a message, the first `limit` of them and how many more."""
    shown = ", ".join(str(item) for item in items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"
