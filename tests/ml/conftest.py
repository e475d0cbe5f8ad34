"""Fixtures for the LLM-backend tests: one Ollama test server per session, reset before each test."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from codexcontinue.testing.ollama_server import OllamaTestServer

BASE_MODEL = "llama3.2:1b"
EMBED_MODEL = "nomic-embed-text"
PULLABLE_MODEL = "qwen2.5:0.5b"


@pytest.fixture(scope="session")
def _session_ollama() -> Iterator[OllamaTestServer]:
    with OllamaTestServer(models=[BASE_MODEL, EMBED_MODEL], pullable=[PULLABLE_MODEL]) as server:
        yield server


@pytest.fixture
def ollama_server(_session_ollama: OllamaTestServer) -> Iterator[OllamaTestServer]:
    """A running OllamaTestServer with BASE_MODEL and EMBED_MODEL, in its initial state."""
    _session_ollama.reset()
    yield _session_ollama
    _session_ollama.reset()


@pytest.fixture
def dead_url() -> str:
    """The URL of a local port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
