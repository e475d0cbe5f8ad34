"""Ollama slow or unreachable, injected for real: the Ollama-protocol test server made to wait longer
than the API's read timeout, then stopped (its port refuses connections), then started again.

The API is `codexcontinue api` in its own process with the legal pack, whose
`POST /api/v1/legal/documents/summary` calls the 'legal-analyst' model. Every LLM call ends in a
JSON answer within about the configured timeout: 504 when Ollama is too slow, 503 with
`Retry-After` and the hint to start Ollama when it is not there. Routes that need no LLM keep
answering at once throughout, and the API recovers without a restart.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from security.processes import Api

from codexcontinue.testing.ollama_server import OllamaTestServer

pytestmark = pytest.mark.slow

READ_TIMEOUT_S = 1.0
MARGIN_S = 3.0  # scheduling slack on a loaded 2-core CI machine; a hang would be the test server's latency or more
SUMMARY = "/api/v1/legal/documents/summary"
CITING_TEXT = "As held in Marbury v. Madison, 5 U.S. 137 (1803), the claim stands."


@pytest.fixture(scope="module")
def ollama():
    with OllamaTestServer(models=["legal-analyst"]) as server:
        yield server


@pytest.fixture(scope="module")
def api(tmp_path_factory, ollama):
    """The API (embedded store, legal pack) with a 1 s read timeout towards Ollama, and an admin key."""
    api = Api(
        tmp_path_factory.mktemp("ollama-faults"), packs="legal", ollama_hosts=ollama.url,
        ollama_read_timeout=str(READ_TIMEOUT_S), ollama_connect_timeout=str(READ_TIMEOUT_S),
    )  # fmt: skip
    try:
        api.start()
        yield api, api.create_key("admin")
    finally:
        api.stop()


@pytest.fixture
def server(ollama):
    ollama.reset()
    ollama.start()
    yield ollama
    ollama.reset()
    ollama.start()


def timed(method: str, url: str, **kwargs) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.request(method, url, timeout=60, **kwargs)
    return response, time.monotonic() - started


def summarise(api: Api, headers: dict[str, str], text: str) -> tuple[httpx.Response, float]:
    return timed("POST", api.url + SUMMARY, json={"text": text}, headers=headers)


def test_a_slow_ollama_answers_504_after_the_read_timeout_and_other_routes_keep_answering(api, server):
    api, headers = api
    server.latency = READ_TIMEOUT_S + 4  # every request to Ollama waits 5 s before its first byte
    with ThreadPoolExecutor(8) as pool:
        slow_calls = [pool.submit(summarise, api, headers, f"Document {n}: the lease ends in May.") for n in range(6)]
        time.sleep(0.2)
        others = [
            timed("GET", f"{api.url}/api/v1/legal/about", headers=headers),
            timed("POST", f"{api.url}/api/v1/legal/citations", json={"text": CITING_TEXT}, headers=headers),
            timed("GET", f"{api.url}/healthz"),
        ]
        ready, ready_seconds = timed("GET", f"{api.url}/readyz")
        answers = [call.result() for call in slow_calls]

    for response, seconds in answers:
        assert response.status_code == 504, response.text
        assert f"did not answer within {READ_TIMEOUT_S:g} s" in response.json()["detail"]
        assert "CODEXCONTINUE_OLLAMA_READ_TIMEOUT" in response.json()["detail"]
        assert seconds < READ_TIMEOUT_S + MARGIN_S, f"a slow Ollama held the request {seconds:.1f} s"
    for response, seconds in others:
        assert response.status_code == 200, response.text
        assert seconds < MARGIN_S, f"{response.request.url} took {seconds:.1f} s while LLM calls waited"
    assert ready.status_code == 200 and ready.json()["status"] == "degraded"
    assert ready.json()["checks"]["llm"]["ok"] is False
    assert ready_seconds < 3 + MARGIN_S  # /readyz gives each probe 3 s at most


def test_an_unreachable_ollama_answers_503_with_the_hint_and_the_api_recovers_when_it_is_back(api, server):
    api, headers = api
    healthy, _ = summarise(api, headers, "First: the tenant pays rent monthly.")
    server.stop()  # the port now refuses connections
    down, down_seconds = summarise(api, headers, "Second: the landlord repairs the roof.")
    other, _ = timed("GET", f"{api.url}/api/v1/legal/categories", headers=headers)
    ready, _ = timed("GET", f"{api.url}/readyz")
    server.start()  # same port
    back, _ = summarise(api, headers, "Third: either party may end the lease.")

    assert healthy.status_code == 200, healthy.text
    assert down.status_code == 503, down.text
    assert down.headers["retry-after"].isdigit()
    detail = down.json()["detail"]
    assert "start Ollama (`ollama serve`)" in detail and "CODEXCONTINUE_OLLAMA_HOSTS" in detail
    assert down_seconds < READ_TIMEOUT_S + MARGIN_S
    assert other.status_code == 200
    assert ready.json()["status"] == "degraded" and "no LLM backend" in ready.json()["checks"]["llm"]["detail"]
    assert back.status_code == 200, back.text
    assert back.json()["model"] == "legal-analyst"
