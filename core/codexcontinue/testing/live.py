"""A backend served over real HTTP for tests, the API keys to call it with, and free ports."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_key(app: FastAPI, *scopes: str, name: str = "test", owner: str | None = None) -> str:
    """A new API key's token for `app` (of `owner`, or its own owner), made through a store connection of its own.

    Safe to call from a test whatever the store is: a Redis client is tied to the event loop that
    opened it, so the app's own client cannot be borrowed from outside the app's loop.
    """
    from codexcontinue.keys import KeyRing
    from codexcontinue.store import open_store

    async def create() -> str:
        store = open_store(app.state.settings)
        try:
            token, _ = await KeyRing(store).create(name, list(scopes), owner=owner)
            return token
        finally:
            await store.close()

    return asyncio.run(create())


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveBackend:
    """A backend served by uvicorn on a free port in a background thread."""

    def __init__(self, app: FastAPI) -> None:
        import uvicorn

        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> LiveBackend:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the backend did not start within 20 s")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
