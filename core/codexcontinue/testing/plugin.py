"""pytest plugin of the testing kit: fixtures for the core's tests and for pack authors.

Loaded automatically (a `pytest11` entry point) wherever `codexcontinue` is installed.

For a pack's tests, define a `pack_name` fixture in `conftest.py`; then `pack_app` (the backend
with only that pack enabled), `pack_client` (an HTTP client whose key has the pack's scopes) and
`run_page` (a pack page under Streamlit's AppTest, signed in, against a live backend) work.
`ollama_server` is the Ollama-protocol test server; `codexcontinue_store` is the store the app
uses: the embedded one, or a real Redis when CODEXCONTINUE_TEST_REDIS_URL is set.
Platform-level fixtures: `codexcontinue_settings`, `codexcontinue_app`, `api_client`,
`make_api_key`, `live_backend`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .live import LiveBackend, create_key, free_port

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from streamlit.testing.v1 import AppTest

    from codexcontinue.settings import CoreSettings
    from codexcontinue.store import Store
    from codexcontinue.testing.ollama_server import OllamaTestServer

TEST_REDIS_URL = "CODEXCONTINUE_TEST_REDIS_URL"


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
    redis_url = os.environ.get(TEST_REDIS_URL)
    return load_core_settings(
        data_dir=tmp_path / "data",
        ollama_hosts=[f"http://127.0.0.1:{free_port()}"],
        **({"redis_url": redis_url} if redis_url else {}),
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
    """`make_api_key("legal:read", ..., owner="alice")` -> headers carrying a new key with those
    scopes (of that owner; without one, the key is its own owner)."""

    def make(*scopes: str, name: str = "test", owner: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {create_key(codexcontinue_app, *scopes, name=name, owner=owner)}"}

    return make


@pytest.fixture
def live_backend(codexcontinue_app: FastAPI) -> Iterator[LiveBackend]:
    """The app served over real HTTP (for UI pages under AppTest and for clients)."""
    with LiveBackend(codexcontinue_app) as backend:
        yield backend


@pytest.fixture
def codexcontinue_store(codexcontinue_app: FastAPI) -> Store:
    """The store the app uses (embedded, or Redis when CODEXCONTINUE_TEST_REDIS_URL is set)."""
    return codexcontinue_app.state.store


@pytest.fixture
def pack_name() -> str:
    """The pack under test: override this fixture in your conftest.py to return its name."""
    raise pytest.UsageError(
        "Define a `pack_name` fixture in your conftest.py returning your pack's name, e.g.\n"
        "    @pytest.fixture\n    def pack_name():\n        return 'recipes'"
    )


@pytest.fixture
def pack_app(pack_name: str, codexcontinue_settings: CoreSettings) -> FastAPI:
    """The backend with only the pack under test enabled; fails when the pack does not load."""
    from codexcontinue.api.app import create_app

    app = create_app(codexcontinue_settings.model_copy(update={"packs": [pack_name]}))
    status = app.state.registry.statuses.get(pack_name)
    if status is None or status.state != "active":
        pytest.fail(f"pack '{pack_name}' is not active: {status.error if status else 'not installed'}")
    return app


@pytest.fixture
def pack_client(pack_app: FastAPI, pack_name: str) -> Iterator[TestClient]:
    """An HTTP client for `pack_app` whose API key has `<pack>:read` and `<pack>:write`."""
    from fastapi.testclient import TestClient

    token = create_key(pack_app, f"{pack_name}:write", name="pack-test")
    with TestClient(pack_app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


@pytest.fixture
def run_page(pack_app: FastAPI, pack_name: str) -> Iterator[Callable[[str], AppTest]]:
    """`run_page("<slug>")` runs one of the pack's pages under AppTest, signed in, and returns it.

    The page talks to `pack_app` served over real HTTP; the returned AppTest has run, so assert
    on its elements (`page.title[0].value`, `page.dataframe[0].value`, `page.exception`).
    """
    from .pages import PageRunner

    with PageRunner(pack_app, pack_name) as run:
        yield run
