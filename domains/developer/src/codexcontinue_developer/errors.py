"""The pack's error for input it cannot use, and the route class that answers it with its 4xx."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute


class InputError(ValueError):
    """What the user sent cannot be used; the message says what is wrong and what to do instead.

    `status` is the HTTP status the routes answer with: 413 for too much, 415 for an unsupported
    kind of file, 422 (the default) for content that cannot be used.
    """

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class InputErrorRoute(APIRoute):
    """A route that answers an `InputError` raised below it with its status and message."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, wrapped to turn `InputError` into an HTTP error."""
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except InputError as error:
                raise HTTPException(error.status, error.message) from None

        return handle
