"""pytest plugin of the testing kit: fixtures for the core's tests and for pack authors.

Loaded automatically (a `pytest11` entry point) wherever `codexcontinue` is installed.
Fixtures: `codexcontinue_settings`, `codexcontinue_app`, `api_client`, `make_api_key`,
`ollama_server`, `live_backend`.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from codexcontinue.settings import CoreSettings
    from codexcontinue.testing.ollama_server import OllamaTestServer


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def _codexcontinue_ollama_session() -> Iterator[OllamaTestServer]:
    from codexcontinue.testing.ollama_server import OllamaTestServer

    with OllamaTestServer(models=["llama3.2:1b"]) as server:
        yield server


@pytest.fixture
def ollama_server(_codexcontinue_ollama_session: OllamaTestServer) -> Iterator[OllamaTestServer]:
    """A running Ollama-protocol test server with `llama3.2:1b`, reset to that state for each test."""
    _codexcontinue_ollama_session.reset()
    yield _codexcontinue_ollama_session
    _codexcontinue_ollama_session.reset()


@pytest.fixture
def codexcontinue_settings(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> CoreSettings:
    """Core settings isolated in a temporary data folder, with no LLM backend reachable.

    Override fields with `codexcontinue_settings.model_copy(update={...})`.
    """
    from codexcontinue.settings import load_core_settings

    monkeypatch.chdir(tmp_path)  # no stray .env file from the working folder
    return load_core_settings(
        data_dir=tmp_path / "data", ollama_hosts=[f"http://127.0.0.1:{free_port()}"]
    )


@pytest.fixture
def codexcontinue_app(codexcontinue_settings: CoreSettings) -> FastAPI:
    """The backend app with the settings above."""
    from codexcontinue.api.app import create_app

    return create_app(codexcontinue_settings)


@pytest.fixture
def api_client(codexcontinue_app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client for the app (lifespan run), with no key set."""
    from fastapi.testclient import TestClient

    with TestClient(codexcontinue_app) as client:
        yield client


@pytest.fixture
def make_api_key(codexcontinue_app: FastAPI) -> Callable[..., dict[str, str]]:
    """`make_api_key("legal:read", ...)` -> headers carrying a new key with those scopes."""

    def make(*scopes: str, name: str = "test") -> dict[str, str]:
        token, _ = asyncio.run(codexcontinue_app.state.keyring.create(name, list(scopes)))
        return {"Authorization": f"Bearer {token}"}

    return make


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


@pytest.fixture
def live_backend(codexcontinue_app: FastAPI) -> Iterator[LiveBackend]:
    """The app served over real HTTP (for UI pages under AppTest and for clients)."""
    with LiveBackend(codexcontinue_app) as backend:
        yield backend
