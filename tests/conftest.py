"""Fixtures for the core's own tests (the testing kit's fixtures load as a pytest plugin)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_redis import factories

redis_proc = factories.redis_proc(port=None)


@pytest.fixture
def redis_url(redis_proc) -> Iterator[str]:  # noqa: ANN001 - pytest-redis's executor
    """URL of a real redis-server on loopback (started once per session), flushed per test."""
    import redis

    url = f"redis://{redis_proc.host}:{redis_proc.port}/0"
    client = redis.Redis.from_url(url)
    client.flushall()
    client.close()
    yield url
