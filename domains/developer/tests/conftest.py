"""Fixtures for the developer pack's tests: the pack under test, an LLM, archives and a real package's sources."""

from __future__ import annotations

import importlib.metadata
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from codexcontinue.api.app import create_app
from codexcontinue_developer.reviewer_model import REVIEWER_MODEL

REAL_PACKAGE = "dunamai"
"""A small pure-Python library whose wheel ships its sources (a dependency of copier, so it is installed)."""


@pytest.fixture
def pack_name() -> str:
    """The pack the testing kit's fixtures (pack_app, pack_client, run_page) enable."""
    return "developer"


@pytest.fixture
def codexcontinue_settings(codexcontinue_settings, ollama_server):  # noqa: ANN001 - the testing kit's fixtures
    """The kit's settings with the Ollama-protocol test server as the LLM backend."""
    return codexcontinue_settings.model_copy(update={"ollama_hosts": [ollama_server.url]})


@pytest.fixture
def reviewer(ollama_server):  # noqa: ANN001 - the testing kit's fixture
    """The test server with the 'developer-reviewer' model, as after `codexcontinue models ensure`."""
    ollama_server.add_model(REVIEWER_MODEL)
    return ollama_server


@pytest.fixture
def scratch_tmp(tmp_path, monkeypatch) -> Path:  # noqa: ANN001 - pytest's fixtures
    """The folder the pack's temporary folders are made in, for checking what is left and written around it."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def client_with(codexcontinue_settings, monkeypatch) -> Iterator[Callable[..., TestClient]]:  # noqa: ANN001
    """`client_with(MAX_UPLOAD_BYTES="1000")` -> a developer client whose pack settings have those values."""
    clients: list[TestClient] = []

    def make(**values: str) -> TestClient:
        for name, value in values.items():
            monkeypatch.setenv(f"CODEXCONTINUE_DEVELOPER__{name}", value)
        app = create_app(codexcontinue_settings.model_copy(update={"packs": ["developer"]}))
        client = TestClient(app).__enter__()
        token, _ = client.portal.call(app.state.keyring.create, "t", ["developer:read", "developer:write"])
        client.headers["Authorization"] = f"Bearer {token}"
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def real_package() -> tuple[str, list[Path]]:
    """(name, its installed .py files), located from the distribution's file list; nothing is imported."""
    distribution = importlib.metadata.distribution(REAL_PACKAGE)
    files = [
        Path(distribution.locate_file(file)).resolve()
        for file in distribution.files or []
        if file.suffix == ".py" and file.parts[0] == REAL_PACKAGE
    ]
    assert len(files) >= 2, f"{REAL_PACKAGE} ships no sources here"
    return REAL_PACKAGE, sorted(files)


def zip_of(entries: dict[str, bytes]) -> bytes:
    """A zip archive holding `entries` (archive name -> content)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def make_zip() -> Callable[[dict[str, bytes]], bytes]:
    """`make_zip({"pkg/a.py": b"..."})` -> the bytes of a zip holding those entries."""
    return zip_of


@pytest.fixture
def real_package_zip(real_package) -> tuple[bytes, dict[str, Path]]:  # noqa: ANN001
    """The real package zipped as `<name>/<file>`, and each archive path's installed file."""
    name, files = real_package
    folder = files[0].parent
    paths = {f"{name}/{file.relative_to(folder).as_posix()}": file for file in files}
    return zip_of({path: file.read_bytes() for path, file in paths.items()}), paths
