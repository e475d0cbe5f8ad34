"""Fixtures for the finance pack's tests: its test files, a real redis-server behind the app, API keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import SecretStr
from pytest_redis import factories

DATA = Path(__file__).parent / "data"

redis_proc = factories.redis_proc(port=None)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that keeps a module on the embedded store."""
    config.addinivalue_line(
        "markers",
        "embedded_store: run on the embedded store, not Redis (for the kit's helpers that create keys on an "
        "event loop of their own: Redis connections cannot move between loops)",
    )


@pytest.fixture
def codexcontinue_settings(codexcontinue_settings, request):
    """The kit's settings (from the testing kit) with the store on a real redis-server, flushed for each
    test, unless the test is marked `embedded_store`."""
    if request.node.get_closest_marker("embedded_store"):
        return codexcontinue_settings
    import redis

    redis_proc = request.getfixturevalue("redis_proc")

    url = f"redis://{redis_proc.host}:{redis_proc.port}/0"
    client = redis.Redis.from_url(url)
    client.flushall()
    client.close()
    return codexcontinue_settings.model_copy(update={"redis_url": SecretStr(url)})


@pytest.fixture
def new_key(api_client, codexcontinue_app) -> Callable[..., dict[str, str]]:
    """`new_key("finance:write")` -> headers of a new key, created on the running app's event loop (Redis
    connections belong to one loop, so the kit's `make_api_key`, which runs its own, cannot be used here)."""

    def make(*scopes: str, name: str = "finance-test") -> dict[str, str]:
        token, _ = api_client.portal.call(codexcontinue_app.state.keyring.create, name, list(scopes))
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def headers(new_key) -> dict[str, str]:
    """Headers of a key that may read and write the finance pack."""
    return new_key("finance:write")


@pytest.fixture
def other_headers(new_key) -> dict[str, str]:
    """Headers of a second key, whose data must stay apart from the first's."""
    return new_key("finance:write", name="someone-else")


@pytest.fixture
def upload(api_client, headers) -> Callable[..., object]:
    """`upload(path, "/transactions/imports", data={...})` posts a test file and returns the response."""

    def post(
        path: str,
        file_name: str,
        *,
        method: str = "POST",
        as_headers: dict | None = None,
        **form: str,
    ):
        content = (DATA / file_name).read_bytes()
        return api_client.request(
            method,
            "/api/v1/finance" + path,
            headers=as_headers or headers,
            files={"file": (file_name, content)},
            data=form,
        )

    return post


@pytest.fixture
def pack_name() -> str:
    """The pack the testing kit's fixtures (pack_app, pack_client, run_page) enable."""
    return "finance"
