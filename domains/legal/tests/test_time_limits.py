"""Long legal work runs off the event loop and ends at the request's time limit: /healthz keeps
answering within 100 ms meanwhile. Answers stay proportionate: a text full of citations lists at
most `MAX_LISTED_CITATIONS` of them, with the count and a note."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from codexcontinue.api.app import create_app
from codexcontinue.testing.plugin import LiveBackend, create_key
from codexcontinue.testing.responsiveness import assert_answered_at_once
from codexcontinue_legal.routes import MAX_LISTED_CITATIONS


@pytest.fixture
def slow_backend(codexcontinue_settings, monkeypatch):
    """The legal pack over real HTTP with a 2 s request limit, the text limit raised to 16 MiB and the
    citation text limit to 4 MiB."""
    monkeypatch.setenv("CODEXCONTINUE_LEGAL__MAX_TEXT_BYTES", str(16 << 20))
    monkeypatch.setenv("CODEXCONTINUE_LEGAL__MAX_CITATION_BYTES", str(4 << 20))
    app = create_app(codexcontinue_settings.model_copy(update={"request_timeout_s": 2.0, "packs": ["legal"]}))
    with LiveBackend(app) as backend:
        yield backend, {"Authorization": f"Bearer {create_key(app, 'legal:read')}"}


def while_posting(url: str, headers: dict[str, str], body: dict) -> tuple[httpx.Response, float, list[float]]:
    """POST `body` in a thread; meanwhile time /healthz. Returns the answer, its seconds, the latencies."""
    answer: dict[str, object] = {}

    def post() -> None:
        started = time.perf_counter()
        answer["response"] = httpx.post(url, json=body, headers=headers, timeout=60)
        answer["seconds"] = time.perf_counter() - started

    worker = threading.Thread(target=post)
    worker.start()
    latencies = []
    base = url.split("/api/")[0]
    with httpx.Client(base_url=base) as client:
        time.sleep(0.3)
        while worker.is_alive():
            started = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            latencies.append(time.perf_counter() - started)
            time.sleep(0.05)
    worker.join()
    return answer["response"], answer["seconds"], latencies  # type: ignore[return-value]


def test_citations_in_a_megabyte_of_citations_end_at_the_time_limit_without_blocking(slow_backend):
    backend, headers = slow_backend
    response, seconds, latencies = while_posting(
        f"{backend.url}/api/v1/legal/citations", headers, {"text": "1 U.S. " * 150_000}
    )
    assert response.status_code == 504, response.text[:300]
    assert seconds < 6
    assert_answered_at_once(latencies)


def test_a_long_contract_review_ends_at_the_time_limit_without_blocking(slow_backend, services_agreement):
    backend, headers = slow_backend
    long_contract = services_agreement * 3000  # about 14 MB: several times what a fast machine reviews in 2 s
    response, seconds, latencies = while_posting(
        f"{backend.url}/api/v1/legal/contracts/review-text", headers, {"text": long_contract}
    )
    assert response.status_code == 504, response.text[:300]
    assert seconds < 6
    assert_answered_at_once(latencies)


def test_two_megabytes_of_id_are_refused_at_once_as_no_contract(slow_backend):
    backend, headers = slow_backend
    started = time.perf_counter()
    response = httpx.post(
        f"{backend.url}/api/v1/legal/contracts/review-text", json={"text": "Id. " * 500_000}, headers=headers, timeout=60
    )
    assert response.status_code == 422
    assert "does not read as a contract" in response.json()["detail"]
    assert time.perf_counter() - started < 2


def test_a_megabyte_of_citations_is_refused_under_the_default_limit(api_client, legal_headers):
    response = api_client.post("/api/v1/legal/citations", json={"text": "1 U.S. " * 150_000}, headers=legal_headers)
    assert response.status_code == 413
    assert "CODEXCONTINUE_LEGAL__MAX_CITATION_BYTES" in response.json()["detail"]


def test_a_text_full_of_citations_lists_some_and_counts_them_all(api_client, legal_headers):
    text = "See 1 U.S. 1. " * 1500
    response = api_client.post("/api/v1/legal/citations", json={"text": text}, headers=legal_headers)
    assert response.status_code == 200
    answer = response.json()
    assert answer["total"] == 1500 and answer["counts"] == {"case": 1500}
    assert len(answer["citations"]) == MAX_LISTED_CITATIONS
    assert answer["note"].startswith("The text holds 1,500 citations; the first 1,000 are listed and marked.")
    assert answer["annotated_html"].count("<mark") == MAX_LISTED_CITATIONS
    assert len(response.content) < 2_000_000
