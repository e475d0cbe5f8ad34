"""The PHI log filter: bounded work on hostile request lines, '+' decoded, the server's own addresses kept."""

import logging
import threading
import time

import httpx
import pytest
from codexcontinue.api.app import create_app
from codexcontinue.testing.plugin import LiveBackend
from codexcontinue.testing.responsiveness import assert_answered_at_once
from codexcontinue_health.phi_log_filter import PhiLogFilter

ACCESS = '%s - "%s %s HTTP/%s" %d'


def access_record(path: str) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, ACCESS, ("127.0.0.1:5000", "GET", path, "1.1", 200), None)


def test_plus_encoded_query_text_never_reaches_the_log():
    record = access_record("/api/v1/health/icd10/search?q=diabetes+742+Evergreen+Terrace&limit=15")
    PhiLogFilter().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /api/v1/health/icd10/search?q=[REDACTED]&limit=[REDACTED] HTTP/1.1" 200'


def test_a_path_is_decoded_before_it_is_read():
    record = access_record("/api/v1/health/icd10/codes/Margaret+Thompsonwood%20555-867-5309")
    PhiLogFilter().filter(record)
    assert "555-867-5309" not in record.getMessage() and "867" not in record.getMessage()


def test_the_servers_own_addresses_are_not_masked():
    for message in ("Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)", "Uvicorn running on http://0.0.0.0:8000", "listening on [::1]:8502"):
        record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, message, None, None)
        PhiLogFilter().filter(record)
        assert record.getMessage() == message
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "telehealth from 192.168.10.4", None, None)
    PhiLogFilter().filter(record)
    assert "192.168.10.4" not in record.getMessage()


def test_a_very_long_line_is_filtered_in_bounded_time():
    record = access_record("/api/v1/health/about?x=" + "1-" * 30_000)
    started = time.perf_counter()
    PhiLogFilter().filter(record)
    assert time.perf_counter() - started < 0.5
    assert len(record.getMessage()) < 200


@pytest.fixture
def access_logged_backend(codexcontinue_settings):
    """A live backend whose uvicorn access log is on (INFO) and filtered by the health pack."""
    app = create_app(codexcontinue_settings)
    backend = LiveBackend(app)
    access = logging.getLogger("uvicorn.access")
    saved = access.level
    handler = logging.StreamHandler(open("/dev/null", "w"))  # noqa: SIM115 - closed below
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    handler.addFilter(PhiLogFilter())
    with backend:
        yield backend
    access.removeHandler(handler)
    access.setLevel(saved)
    handler.stream.close()


def test_an_unauthenticated_hostile_url_does_not_delay_healthz(access_logged_backend):
    url = f"{access_logged_backend.url}/api/v1/health/about?x=" + "1-" * 10_000
    done = threading.Event()

    def hostile() -> None:
        with httpx.Client(timeout=30) as client:
            for _ in range(5):
                client.get(url)
        done.set()

    thread = threading.Thread(target=hostile)
    latencies = []
    with httpx.Client(base_url=access_logged_backend.url, timeout=10) as client:
        client.get("/healthz")
        thread.start()
        while not done.is_set():
            started = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            latencies.append(time.perf_counter() - started)
    thread.join()
    assert_answered_at_once(latencies)
