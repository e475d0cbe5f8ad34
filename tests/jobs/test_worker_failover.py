"""`codexcontinue worker` as a real process: failover after SIGKILL, the health endpoint, embedded mode."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from distributions import install_pack

from codexcontinue.api.app import create_app
from codexcontinue.testing.plugin import LiveBackend, free_port

pytestmark = pytest.mark.slow


@pytest.fixture
def start_worker(jobs_site: Path, tmp_path: Path) -> Iterator[Callable[..., tuple[subprocess.Popen, str]]]:
    """`start_worker(redis_url=..., **env)` runs `codexcontinue worker` and returns it with its health URL."""
    workers: list[subprocess.Popen] = []

    def start(**env: str) -> tuple[subprocess.Popen, str]:
        port = free_port()
        environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(jobs_site), os.environ.get("PYTHONPATH", "")]),
            "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data"),
            "CODEXCONTINUE_PACKS": "jobtest",
            "CODEXCONTINUE_OLLAMA_HOSTS": f"http://127.0.0.1:{free_port()}",
            "CODEXCONTINUE_JOB_LEASE_S": "2",
            **{f"CODEXCONTINUE_{name.upper()}": value for name, value in env.items()},
        }
        worker = subprocess.Popen(
            [sys.executable, "-m", "codexcontinue.cli", "worker", "--host", "127.0.0.1", "--port", str(port)],
            env=environment, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        workers.append(worker)
        return worker, f"http://127.0.0.1:{port}/healthz"

    yield start
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=10)


def health(url: str, *, until: int | None = None, timeout: float = 40) -> httpx.Response:
    """The worker's health answer, waiting for it to listen (and, with `until`, for that status)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer = httpx.get(url, timeout=5)
            if until is None or answer.status_code == until:
                return answer
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"no {until or 'answer'} from {url} within {timeout} s"
        time.sleep(0.2)


def job_state(live: LiveBackend, headers: dict[str, str], job_id: str) -> dict:
    return httpx.get(f"{live.url}/api/v1/jobs/{job_id}", headers=headers).json()


def test_a_job_whose_worker_is_killed_is_finished_by_another_worker(redis_settings, redis_url, start_worker, make_key):
    headers = make_key(redis_settings, "jobtest:write")
    first, first_health = start_worker(redis_url=redis_url)
    health(first_health, until=200)

    with LiveBackend(create_app(redis_settings)) as live:  # the API alone: no in-process worker
        job_id = httpx.post(
            f"{live.url}/api/v1/jobs",
            json={"task": "jobtest.count", "arguments": {"steps": 20, "delay": 0.2}},
            headers=headers,
        ).json()["id"]
        deadline = time.monotonic() + 30
        while (job := job_state(live, headers, job_id))["progress"] < 0.1:
            assert time.monotonic() < deadline, f"the first worker never got going: {job}"
            time.sleep(0.05)

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        stranded = job_state(live, headers, job_id)
        second, second_health = start_worker(redis_url=redis_url)
        health(second_health, until=200)
        deadline = time.monotonic() + 60
        while (job := job_state(live, headers, job_id))["state"] not in ("complete", "failed"):
            assert time.monotonic() < deadline, f"the second worker did not finish the job: {job}"
            time.sleep(0.1)
        events = httpx.get(f"{live.url}/api/v1/jobs/{job_id}/events", headers=headers, timeout=20).text

    assert stranded["state"] == "running" and stranded["progress"] < 1
    assert job["state"] == "complete"
    assert job["result"] == {"counted": 20, "try": 2}
    assert job["tries"] == 2
    assert "Retrying (try 2 of 3): the previous worker stopped." in events


def test_health_is_503_while_models_cannot_be_ensured_and_200_once_they_are(
    jobs_site, redis_url, start_worker, ollama_server
):
    install_pack(jobs_site, "modelled")  # registers the model 'modelled-assistant' on llama3.2:1b
    _, unreachable = start_worker(redis_url=redis_url, packs="jobtest,modelled")
    _, reachable = start_worker(redis_url=redis_url, packs="jobtest,modelled", ollama_hosts=ollama_server.url)

    waiting = health(unreachable, until=503)
    while waiting.json()["models"]["state"] == "ensuring":  # the first attempt is still under way
        time.sleep(0.1)
        waiting = health(unreachable)
    ready = health(reachable, until=200)

    waiting, ready = waiting.json(), ready.json()
    assert waiting["status"] == "degraded", waiting
    assert "the LLM backend is not reachable" in waiting["models"]["detail"], waiting
    assert waiting["redis"] == {"ok": True}, waiting
    assert ready["status"] == "ready", ready
    assert ready["models"]["models"] == ["modelled-assistant"], ready
    assert {"model": "modelled-assistant", "action": "created", "detail": ""} in ready["models"]["actions"], ready
    assert ready["jobs"]["tasks"] == [
        "core.generate", "jobtest.count", "jobtest.explode", "jobtest.spell", "jobtest.stall"
    ]  # fmt: skip
    models_in_ollama = httpx.get(f"{ollama_server.url}/api/tags").json()["models"]
    assert "modelled-assistant:latest" in {model["name"] for model in models_in_ollama}


def test_sigterm_stops_the_worker_cleanly(redis_url, start_worker):
    worker, url = start_worker(redis_url=redis_url)
    health(url, until=200)

    worker.send_signal(signal.SIGTERM)

    assert worker.wait(timeout=20) == 0
    assert "stopping: running jobs go back to the queue" in worker.stdout.read()


def test_in_embedded_mode_the_worker_explains_and_exits_2(start_worker):
    worker, _ = start_worker()  # no CODEXCONTINUE_REDIS_URL

    assert worker.wait(timeout=30) == 2
    assert "jobs run inside the API process" in worker.stdout.read()
