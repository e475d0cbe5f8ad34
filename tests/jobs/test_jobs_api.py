"""The jobs API over real HTTP: submit, poll, follow with Server-Sent Events; owners, scopes, errors, metrics."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from codexcontinue.api.app import create_app
from codexcontinue.testing.plugin import LiveBackend, free_port


@pytest.fixture(params=["embedded", "redis"])
def backend(request, embedded_settings) -> Iterator[LiveBackend]:
    """The API over HTTP: embedded (jobs in-process), or on Redis with an in-process worker (as `serve`)."""
    settings = embedded_settings
    if request.param == "redis":
        settings = request.getfixturevalue("redis_settings").model_copy(update={"in_process_worker": True})
    with LiveBackend(create_app(settings)) as live:
        yield live


def settings_of(live: LiveBackend):
    return live.app.state.settings


def submit(live: LiveBackend, headers: dict[str, str], task: str, **arguments) -> httpx.Response:
    return httpx.post(f"{live.url}/api/v1/jobs", json={"task": task, "arguments": arguments}, headers=headers)


def poll_until_done(live: LiveBackend, headers: dict[str, str], job_id: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = httpx.get(f"{live.url}/api/v1/jobs/{job_id}", headers=headers).json()
        if job["state"] in ("complete", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish within {timeout} s: {job}")


def read_events(live: LiveBackend, headers: dict[str, str], job_id: str, **extra_headers: str) -> list[dict]:
    """Every SSE event of the job's stream as {"event", "id", "data"}, read until the server ends it."""
    events, current = [], {}
    url = f"{live.url}/api/v1/jobs/{job_id}/events"
    with httpx.stream("GET", url, headers={**headers, **extra_headers}, timeout=20) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if not line:
                if current:
                    events.append({**current, "data": json.loads(current["data"])})
                current = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(": ")
                current[name] = value
    return events


def test_a_job_is_submitted_polled_and_streamed(backend, make_key):
    headers = make_key(settings_of(backend), "jobtest:write")

    accepted = submit(backend, headers, "jobtest.count", steps=5, delay=0.1)
    job_id = accepted.json()["id"]
    early = httpx.get(f"{backend.url}/api/v1/jobs/{job_id}", headers=headers).json()
    events = read_events(backend, headers, job_id)  # follows the job live until it ends
    job = poll_until_done(backend, headers, job_id)

    assert accepted.status_code == 202
    assert accepted.headers["location"] == f"/api/v1/jobs/{job_id}"
    assert accepted.json()["events_url"] == f"/api/v1/jobs/{job_id}/events"
    assert early["state"] in ("queued", "running") and early["progress"] < 1
    assert [(e["event"], e["data"].get("state")) for e in events] == [
        ("state", "queued"),
        ("state", "running"),
        *[("progress", None)] * 5,
        ("state", "complete"),
    ]
    assert [e["data"]["message"] for e in events if e["event"] == "progress"][-1] == "step 5 of 5"
    assert events[-1]["data"]["result"] == {"counted": 5, "try": 1}
    assert job["state"] == "complete" and job["progress"] == 1.0 and job["result"] == {"counted": 5, "try": 1}


def test_tokens_stream_as_events_and_a_client_resumes_with_last_event_id(backend, make_key):
    headers = make_key(settings_of(backend), "jobtest:write")
    job_id = submit(backend, headers, "jobtest.spell", word="stream").json()["id"]

    events = read_events(backend, headers, job_id)
    tokens = [e for e in events if e["event"] == "token"]
    resumed = read_events(backend, headers, job_id, **{"Last-Event-ID": tokens[2]["id"]})

    assert "".join(e["data"]["text"] for e in tokens) == "stream"
    assert "".join(e["data"]["text"] for e in resumed if e["event"] == "token") == "eam"
    assert resumed[-1]["data"]["result"] == "STREAM"


def test_another_key_gets_404_exactly_as_for_an_unknown_job(backend, make_key):
    settings = settings_of(backend)
    owner, stranger = make_key(settings, "jobtest:write"), make_key(settings, "admin")
    job_id = submit(backend, owner, "jobtest.count", steps=1).json()["id"]

    as_stranger = httpx.get(f"{backend.url}/api/v1/jobs/{job_id}", headers=stranger)
    events_as_stranger = httpx.get(f"{backend.url}/api/v1/jobs/{job_id}/events", headers=stranger)
    unknown = httpx.get(f"{backend.url}/api/v1/jobs/0123456789abcdef", headers=owner)

    assert as_stranger.status_code == events_as_stranger.status_code == unknown.status_code == 404
    assert as_stranger.json() == {"detail": f"No job '{job_id}' for this API key."}
    assert "result" not in as_stranger.text
    assert unknown.json() == {"detail": "No job '0123456789abcdef' for this API key."}
    assert httpx.get(f"{backend.url}/api/v1/jobs/{job_id}", headers=owner).status_code == 200


def test_bad_submissions_say_what_is_wrong(backend, make_key):
    settings = settings_of(backend)
    writer, reader = make_key(settings, "jobtest:write"), make_key(settings, "jobtest:read")

    unknown = submit(backend, writer, "jobtest.fly")
    bad_arguments = submit(backend, writer, "jobtest.count", steps="many")
    no_scope = submit(backend, reader, "jobtest.count")
    no_key = submit(backend, {}, "jobtest.count")

    assert unknown.status_code == 404
    assert "Unknown task 'jobtest.fly'. Known tasks: core.generate, jobtest.count," in unknown.json()["detail"]
    assert bad_arguments.status_code == 422
    assert bad_arguments.json()["detail"] == (
        "Invalid arguments for task 'jobtest.count': steps: Input should be a valid integer, "
        "unable to parse string as an integer"
    )
    assert no_scope.status_code == 403
    assert no_scope.json()["detail"] == "This API key lacks the 'jobtest:write' scope."
    assert no_key.status_code == 401


def test_core_generate_streams_the_models_tokens(embedded_settings, ollama_server, make_key):
    settings = embedded_settings.model_copy(update={"ollama_hosts": [ollama_server.url]})
    headers = make_key(settings, "admin")  # a base model, which no pack's scope covers
    with LiveBackend(create_app(settings)) as live:
        accepted = submit(live, headers, "core.generate", model="llama3.2:1b", prompt="say hello to the jobs")
        job_id = accepted.json()["id"]
        events = read_events(live, headers, job_id)

    tokens = "".join(e["data"]["text"] for e in events if e["event"] == "token")
    assert len([e for e in events if e["event"] == "token"]) > 1
    assert events[-1]["data"]["state"] == "complete"
    assert events[-1]["data"]["result"] == {"model": "llama3.2:1b", "text": tokens}
    assert "say hello to the jobs" in tokens


def test_core_generate_needs_the_write_scope_of_the_pack_whose_model_it_calls(codexcontinue_settings, make_key):
    settings = codexcontinue_settings.model_copy(update={"packs": ["legal", "finance"]})
    app = create_app(settings)
    with TestClient(app) as client:

        def submit_as(model: str, *scopes: str) -> int:
            job = {"task": "core.generate", "arguments": {"model": model, "prompt": "hi"}}
            return client.post("/api/v1/jobs", json=job, headers=make_key(settings, *scopes)).status_code

        answers = {
            "legal:read": submit_as("legal-analyst", "legal:read"),
            "metrics:read": submit_as("legal-analyst", "metrics:read"),
            "finance:write": submit_as("legal-analyst", "finance:write"),
            "legal:write": submit_as("legal-analyst", "legal:write"),
            "legal:write, tagged": submit_as("legal-analyst:latest", "legal:write"),
            "legal:write, base model": submit_as("llama3.2:1b", "legal:write"),
            "admin, base model": submit_as("llama3.2:1b", "admin"),
        }
        refused = client.post(
            "/api/v1/jobs", json={"task": "core.generate", "arguments": {"model": "legal-analyst", "prompt": "hi"}},
            headers=make_key(settings, "legal:read"),
        )  # fmt: skip
    assert answers == {
        "legal:read": 403, "metrics:read": 403, "finance:write": 403, "legal:write": 202, "legal:write, tagged": 202,
        "legal:write, base model": 403, "admin, base model": 202,
    }  # fmt: skip
    assert refused.json()["detail"] == (
        "This API key lacks the 'legal:write' scope, which core.generate needs for that model."
    )


def test_queue_depth_is_a_metric(redis_settings, make_key):
    headers = make_key(redis_settings, "jobtest:write", "metrics:read")
    with LiveBackend(create_app(redis_settings)) as live:  # no worker: the jobs wait
        for _ in range(2):
            assert submit(live, headers, "jobtest.count").status_code == 202
        metrics = httpx.get(f"{live.url}/metrics", headers=headers).text

    assert "codexcontinue_jobs_queue_depth 2.0" in metrics


@pytest.fixture
def own_redis(tmp_path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A redis-server of this test's own, so the test can stop it."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout.strip() != b"PONG":
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.05)
    yield url, server
    server.kill()
    server.wait()


def test_submitting_while_redis_is_down_answers_503_with_retry_after(embedded_settings, own_redis, make_key):
    url, server = own_redis
    settings = embedded_settings.model_copy(update={"redis_url": SecretStr(url)})
    headers = make_key(settings, "jobtest:write")
    with LiveBackend(create_app(settings)) as live:
        server.kill()
        server.wait()
        answer = submit(live, headers, "jobtest.count")

    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert "is not answering" in answer.json()["detail"]
