"""Redis stopped while the API serves traffic, and started again: the fault injected for real.

redis-server runs with its append-only file on and is stopped with SIGTERM (a clean SHUTDOWN,
which flushes that file), then started again on the same port and folder. The API is
`codexcontinue api` under uvicorn in its own process and is never restarted.

What the API answers while Redis is down: `/healthz` 200, `/readyz` 200 with `degraded` and the
store check failing, and every call that needs an API key 503 with `Retry-After` (checking a key
reads Redis, so no authenticated call, job submission included, can be served; the answer says
Redis is not answering). LLM calls that do get made (inside the API, or by a worker) skip the
response cache instead of failing: see the last test.
"""

from __future__ import annotations

import time

import httpx
import pytest
from security.processes import Api, RedisServer, Traffic, Worker

from codexcontinue.ml.ollama_backend import OllamaBackend
from codexcontinue.ml.runtime import LLMRuntime
from codexcontinue.store import RedisStore
from codexcontinue.testing.ollama_server import OllamaTestServer

pytestmark = pytest.mark.slow

CITING_TEXT = "As held in Marbury v. Madison, 5 U.S. 137 (1803), and 42 U.S.C. § 1983, the claim stands."
TRAFFIC = [
    ("GET", "/api/v1/packs", None),
    ("GET", "/api/v1/legal/about", None),
    ("GET", "/api/v1/legal/categories", None),
    ("POST", "/api/v1/legal/citations", {"text": CITING_TEXT}),
    ("GET", "/api/v1/keys/me", None),
    # jobs for a model Ollama lacks: accepted (202) now, and a worker fails them at once later
    ("POST", "/api/v1/jobs", {"task": "core.generate", "arguments": {"model": "absent:1b", "prompt": "hi"}}),
]
SLOWEST_ANSWER_S = 6.0  # Redis connect timeout (2 s) plus margin for a loaded CI machine: a hang is far longer


@pytest.fixture(scope="module")
def ollama():
    with OllamaTestServer(models=["llama3.2:1b"], pullable=["llama3.2:3b"]) as server:
        yield server


@pytest.fixture(scope="module")
def stack(tmp_path_factory, ollama):
    """Redis (persistent) and the API with the legal pack, sharing one admin key."""
    folder = tmp_path_factory.mktemp("redis-outage")
    redis = RedisServer(folder / "redis").start()
    api = Api(folder, redis_url=redis.url, packs="legal", ollama_hosts=ollama.url, audit_packs="legal")
    try:
        api.start()
        yield redis, api, api.create_key("admin")
    finally:
        api.stop()
        redis.close()


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} within {timeout} s"
        time.sleep(0.1)


def test_the_api_stays_up_answers_503_with_retry_after_and_recovers_without_a_restart(stack):
    redis, api, headers = stack
    with Traffic(api.url, headers, TRAFFIC, clients=3) as traffic:
        time.sleep(1.5)
        stopping = time.monotonic()
        assert redis.stop() == 0
        stopped = time.monotonic()
        time.sleep(0.5)
        ready_while_down = httpx.get(f"{api.url}/readyz", timeout=10)
        alive_while_down = httpx.get(f"{api.url}/healthz", timeout=10)
        time.sleep(2.5)
        restarting = time.monotonic()
        redis.start()
        restarted = time.monotonic()
        wait_until(
            lambda: any(a.status == 200 for a in traffic.answers if a.started > restarted),
            30, "the API did not answer 200 again after Redis came back",
        )  # fmt: skip
        recovered = time.monotonic()
        time.sleep(3.0)
    ready_after = httpx.get(f"{api.url}/readyz", timeout=10)

    before = traffic.between(0, stopping)
    down = traffic.between(stopped, restarting)
    after = traffic.between(recovered + 1.0, float("inf"))  # a second for every pooled connection to reconnect
    assert before and down and after, (len(before), len(down), len(after))
    assert {a.status for a in before} <= {200, 202}, [a for a in before if a.status not in (200, 202)]
    # while Redis is down every authenticated call is a clear 503 with Retry-After, never a 500
    assert {a.status for a in down} == {503}, [a for a in down if a.status != 503]
    assert all(a.headers.get("retry-after", "").isdigit() for a in down), [
        a for a in down if "retry-after" not in a.headers
    ]
    assert all("Redis" in a.body["detail"] and "not answering" in a.body["detail"] for a in down), down[:3]
    # and answers at once: no request hangs at any moment, the transitions included
    assert all(a.status is not None for a in traffic.answers), [a for a in traffic.answers if a.status is None]
    assert max(a.seconds for a in traffic.answers) < SLOWEST_ANSWER_S, max(traffic.answers, key=lambda a: a.seconds)
    assert not [a for a in traffic.answers if a.status is not None and a.status >= 500 and a.status != 503]
    # the probes: alive, and ready-but-degraded with the store named
    assert alive_while_down.status_code == 200
    assert ready_while_down.status_code == 200
    assert ready_while_down.json()["status"] == "degraded"
    assert ready_while_down.json()["checks"]["store"]["ok"] is False
    assert "not answering" in ready_while_down.json()["checks"]["store"]["detail"]
    # recovered, by the same API process
    assert {a.status for a in after} <= {200, 202}, [a for a in after if a.status not in (200, 202)]
    assert recovered - restarted < 5, "the first 200 came too long after Redis was back"
    assert ready_after.json()["checks"]["store"]["ok"] is True
    assert api.alive()  # the same process: `codexcontinue api` runs uvicorn without reload or workers


def test_no_job_accepted_before_the_outage_is_lost(stack, ollama, tmp_path):
    redis, api, headers = stack
    ollama.chunk_delay = 0.2  # each job streams for a few seconds, so some are running at the outage
    worker = Worker(tmp_path, {**api.env, "CODEXCONTINUE_JOB_LEASE_S": "3"})
    try:
        worker.start()
        prompts = [f"job {n} asks about the tide" for n in range(8)]
        ids = []
        for prompt in prompts:
            accepted = httpx.post(
                f"{api.url}/api/v1/jobs",
                json={"task": "core.generate", "arguments": {"model": "llama3.2:1b", "prompt": prompt}},
                headers=headers, timeout=10,
            )  # fmt: skip
            assert accepted.status_code == 202, accepted.text
            ids.append(accepted.json()["id"])

        def job(job_id: str) -> dict:
            return httpx.get(f"{api.url}/api/v1/jobs/{job_id}", headers=headers, timeout=10).json()

        def all_finished() -> list[dict] | None:
            states = [job(i) for i in ids]
            return states if all(s.get("state") in ("complete", "failed") for s in states) else None

        wait_until(lambda: any(job(i)["state"] == "running" for i in ids), 30, "no job started")
        assert redis.stop() == 0
        refused = httpx.post(
            f"{api.url}/api/v1/jobs",
            json={"task": "core.generate", "arguments": {"model": "llama3.2:1b", "prompt": "x"}},
            headers=headers,
            timeout=10,
        )
        time.sleep(2)
        redis.start()
        finished = wait_until(all_finished, 90, "the jobs did not all finish after Redis came back")
    finally:
        ollama.chunk_delay = 0.0
        alive = worker.alive()
        worker.stop()

    assert refused.status_code == 503 and refused.headers["retry-after"].isdigit()
    assert [s["state"] for s in finished] == ["complete"] * len(prompts), finished
    for prompt, state in zip(prompts, finished):
        assert prompt in state["result"]["text"]
    assert alive, f"the worker died with Redis:\n{worker.log()[-3000:]}"


async def test_llm_calls_skip_the_cache_while_redis_is_down_and_use_it_again_after(tmp_path, ollama):
    redis = RedisServer(tmp_path / "redis").start()
    runtime = LLMRuntime(OllamaBackend(ollama.url), RedisStore(redis.url))
    try:
        first = await runtime.generate("llama3.2:1b", "What is a tide?")
        hit = await runtime.generate("llama3.2:1b", "What is a tide?")
        calls_before_outage = ollama.request_count("/api/chat")
        assert redis.stop() == 0
        started = time.monotonic()
        while_down = await runtime.generate("llama3.2:1b", "What is a tide?")
        seconds_while_down = time.monotonic() - started
        calls_while_down = ollama.request_count("/api/chat") - calls_before_outage
        redis.start()
        after = await runtime.generate("llama3.2:1b", "What is a tide?")
        calls_after = ollama.request_count("/api/chat") - calls_before_outage - calls_while_down
    finally:
        await runtime.cache.store.close()
        await runtime.backend.aclose()
        redis.close()

    assert (first.cached, hit.cached) == (False, True)
    assert while_down.cached is False and while_down.text == first.text  # answered upstream, not failed
    assert calls_while_down == 1
    assert seconds_while_down < SLOWEST_ANSWER_S
    assert after.cached is True and calls_after == 0  # the entry survived the restart (append-only file)
