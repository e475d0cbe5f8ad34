"""Fixtures for the legal pack's tests: test data, a real redis-server, API keys for the pack."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_redis import factories

DATA = Path(__file__).parent / "data"

redis_proc = factories.redis_proc(port=None)


@pytest.fixture
def legal_redis_url(redis_proc) -> Iterator[str]:  # noqa: ANN001 - pytest-redis's executor
    """URL of a real redis-server on loopback, flushed for each test."""
    import redis

    url = f"redis://{redis_proc.host}:{redis_proc.port}/0"
    client = redis.Redis.from_url(url)
    client.flushall()
    client.close()
    yield url


@pytest.fixture
def opinion() -> Callable[[str], str]:
    """`opinion("faulkingham")` -> the text of tests/data/opinions/faulkingham.txt."""
    return lambda name: (DATA / "opinions" / f"{name}.txt").read_text(encoding="utf-8")


@pytest.fixture
def cuad_contract() -> Callable[[str], str]:
    """`cuad_contract("reseller_agreement")` -> the text of a CUAD contract in tests/data/cuad/."""
    return lambda name: (DATA / "cuad" / f"{name}.txt").read_text(encoding="utf-8")


@pytest.fixture
def legal_headers(make_api_key) -> dict[str, str]:  # noqa: ANN001 - the testing kit's fixture
    """Headers of a key that may read and write the legal pack."""
    return make_api_key("legal:read", "legal:write", name="legal-test")


@pytest.fixture
def pack_name() -> str:
    """The pack the testing kit's fixtures (pack_app, pack_client, run_page) enable."""
    return "legal"
