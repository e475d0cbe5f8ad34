"""CPU-bound work runs off the event loop and stops at its next checkpoint when the request ends."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from fastapi import APIRouter

from codexcontinue.cpu_work import checkpoint, run_cpu_bound
from codexcontinue.api.app import create_app
from codexcontinue.testing.plugin import LiveBackend
from codexcontinue.testing.responsiveness import assert_answered_at_once


def busy_loop(seconds: float, progress: list[int], finished: threading.Event) -> int:
    """Pure-Python work for `seconds`, passing a checkpoint every thousand steps."""
    deadline = time.monotonic() + seconds
    steps = 0
    try:
        while time.monotonic() < deadline:
            for _ in range(1000):
                steps += 1
            progress.append(steps)
            checkpoint()
        return steps
    finally:
        finished.set()


@pytest.fixture
def busy_backend(codexcontinue_settings):
    progress: list[int] = []
    finished = threading.Event()
    router = APIRouter()

    @router.post("/busy")
    async def busy(seconds: float) -> dict[str, int]:
        return {"steps": await run_cpu_bound(busy_loop, seconds, progress, finished)}

    app = create_app(codexcontinue_settings.model_copy(update={"request_timeout_s": 1.0, "packs": ["none"]}))
    app.include_router(router)
    with LiveBackend(app) as backend:
        yield backend, progress, finished


def test_healthz_answers_quickly_while_cpu_work_runs(busy_backend):
    backend, progress, finished = busy_backend
    worker = threading.Thread(target=lambda: httpx.post(f"{backend.url}/busy", params={"seconds": 0.9}, timeout=10))
    worker.start()
    while not progress:
        time.sleep(0.01)
    latencies = []
    with httpx.Client(base_url=backend.url) as client:
        while not finished.is_set():
            started = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            latencies.append(time.perf_counter() - started)
    worker.join()
    assert len(latencies) >= 3
    assert_answered_at_once(latencies)


def test_the_time_limit_ends_the_request_and_stops_the_work(busy_backend):
    backend, progress, finished = busy_backend
    started = time.perf_counter()
    answer = httpx.post(f"{backend.url}/busy", params={"seconds": 30}, timeout=10)
    assert answer.status_code == 504
    assert "longer than 1 s" in answer.json()["detail"]
    assert finished.wait(2), "the work went on after the request's time limit"
    assert time.perf_counter() - started < 3


def test_checkpoint_outside_the_pool_does_nothing():
    checkpoint()
    assert busy_loop(0.01, [], threading.Event()) > 0
