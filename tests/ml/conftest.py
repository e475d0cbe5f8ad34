"""Fixtures for the LLM-backend tests: the kit's `ollama_server`, with an embedding model and a pullable one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from codexcontinue.testing.live import free_port
from codexcontinue.testing.ollama_server import OllamaTestServer

BASE_MODEL = "llama3.2:1b"
EMBED_MODEL = "nomic-embed-text"
PULLABLE_MODEL = "qwen2.5:0.5b"


@pytest.fixture(scope="session")
def _codexcontinue_ollama_session() -> Iterator[OllamaTestServer]:
    """The session's server behind the kit's `ollama_server` (reset before each test): BASE_MODEL and
    EMBED_MODEL installed, PULLABLE_MODEL to pull."""
    with OllamaTestServer(models=[BASE_MODEL, EMBED_MODEL], pullable=[PULLABLE_MODEL]) as server:
        yield server


@pytest.fixture
def dead_url() -> str:
    """The URL of a local port where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"
