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
def services_agreement() -> str:
    """A plain services agreement written for these tests (about 760 words): renews automatically for a
    year unless notice of non-renewal is given ninety (90) days before the term ends; liability capped at
    the fees of the last twelve months; parties 'Northwind Analytics, Inc.' and 'Contoso Health Partners, LLC'."""
    return (DATA / "services_agreement.txt").read_text(encoding="utf-8")


UNCAPPED_EXCEPTION = (
    "The limitations in this Section 8 shall not apply to a Party's indemnification obligations, to its breach of "
    "Section 5 (Confidentiality), or to its gross negligence or willful misconduct."
)


@pytest.fixture
def uncapped_agreement(services_agreement: str) -> str:
    """The services agreement with a sentence that excepts claims from its limitation of liability."""
    return services_agreement.replace(
        "even if advised of their possibility.", "even if advised of their possibility. " + UNCAPPED_EXCEPTION
    )


@pytest.fixture
def legal_headers(make_api_key) -> dict[str, str]:  # noqa: ANN001 - the testing kit's fixture
    """Headers of a key that may read and write the legal pack."""
    return make_api_key("legal:read", "legal:write", name="legal-test")


@pytest.fixture
def pack_name() -> str:
    """The pack the testing kit's fixtures (pack_app, pack_client, run_page) enable."""
    return "legal"
