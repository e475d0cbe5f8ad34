"""Redis mode: jobs queued with arq, run by a `JobWorker`, their records and events kept in Redis."""

from __future__ import annotations

import asyncio

import pytest

from codexcontinue.ml.jobs import JobNotFound, JobServices, JobState, TaskCatalog
from codexcontinue.ml.jobs_redis import ArqJobQueue, JobWorker
from codexcontinue.packs.registry import PackRegistry
from codexcontinue.store import RedisStore, StoreUnavailable
from codexcontinue.testing.plugin import free_port

ALICE, BOB = "a11ce0000000", "b0b000000000"


@pytest.fixture
async def redis_jobs(redis_settings, redis_url):
    """The queue on the test Redis, and a factory of workers for it (stopped at the end)."""
    registry = PackRegistry(redis_settings).load()
    store = RedisStore(redis_url)
    queue = ArqJobQueue(store, TaskCatalog.from_registry(registry))
    services = JobServices(settings=redis_settings, registry=registry, store=store, llm=None)
    workers: list[JobWorker] = []

    async def start_worker() -> JobWorker:
        worker = JobWorker(queue, services, redis_url, lease_s=2.0)
        await worker.start()
        workers.append(worker)
        return worker

    yield queue, start_worker
    for worker in workers:
        await worker.stop()
    await store.close()


async def follow(queue, job_id, owner=ALICE, after=None):
    return [event async for event in queue.events(job_id, owner, after=after)]


async def wait_for_state(queue, job_id, state, timeout=15.0):
    async with asyncio.timeout(timeout):
        while (job := await queue.get(job_id, ALICE)).state is not state:
            await asyncio.sleep(0.05)
    return job


async def test_a_worker_runs_the_job_and_its_events_are_kept_in_redis(redis_jobs):
    queue, start_worker = redis_jobs
    job_id = await queue.submit("jobtest.count", {"steps": 3}, owner=ALICE)
    await start_worker()

    events = await asyncio.wait_for(follow(queue, job_id), 15)

    assert [e.data["state"] for e in events if e.kind == "state"] == ["queued", "running", "complete"]
    assert [e.data["progress"] for e in events if e.kind == "progress"] == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert (await queue.get(job_id, ALICE)).result == {"counted": 3, "try": 1}
    assert await queue.store.client.exists(f"job:{job_id}", f"job:{job_id}:events") == 2


async def test_tokens_stream_through_redis_and_followers_can_resume(redis_jobs):
    queue, start_worker = redis_jobs
    await start_worker()
    job_id = await queue.submit("jobtest.spell", {"word": "redis"}, owner=ALICE)

    events = await asyncio.wait_for(follow(queue, job_id), 15)
    tokens = [e for e in events if e.kind == "token"]
    resumed = await asyncio.wait_for(follow(queue, job_id, after=tokens[1].id), 15)

    assert "".join(e.data["text"] for e in tokens) == "redis"
    assert "".join(e.data["text"] for e in resumed if e.kind == "token") == "dis"
    assert resumed[-1].data["result"] == "REDIS"


async def test_a_job_over_its_timeout_fails_on_the_worker(redis_jobs):
    queue, start_worker = redis_jobs
    await start_worker()
    job_id = await queue.submit("jobtest.stall", {}, owner=ALICE)

    job = await wait_for_state(queue, job_id, JobState.FAILED)

    assert job.error == "Task 'jobtest.stall' timed out after 0.5 s."


async def test_only_the_owner_sees_the_job(redis_jobs):
    queue, _ = redis_jobs
    job_id = await queue.submit("jobtest.count", {"steps": 1}, owner=ALICE)

    assert await queue.get(job_id, BOB) is None
    assert await queue.get("no-such-job", ALICE) is None
    with pytest.raises(JobNotFound):
        await follow(queue, job_id, owner=BOB)


async def test_depth_counts_queued_jobs_until_a_worker_finishes_them(redis_jobs):
    queue, start_worker = redis_jobs
    ids = [await queue.submit("jobtest.count", {"steps": 1}, owner=ALICE) for _ in range(3)]
    assert await queue.depth() == 3

    await start_worker()
    for job_id in ids:
        await wait_for_state(queue, job_id, JobState.COMPLETE)

    assert await queue.depth() == 0


async def test_a_stopped_worker_hands_its_job_to_the_next_one(redis_jobs):
    queue, start_worker = redis_jobs
    first = await start_worker()
    job_id = await queue.submit("jobtest.count", {"steps": 40, "delay": 0.05}, owner=ALICE)
    await wait_for_state(queue, job_id, JobState.RUNNING)

    await first.stop()
    handed_back = await queue.get(job_id, ALICE)
    await start_worker()
    job = await wait_for_state(queue, job_id, JobState.COMPLETE)

    assert handed_back.state is JobState.QUEUED
    assert handed_back.message == "The worker stopped; the job waits for another worker."
    assert job.result == {"counted": 40, "try": 2}


async def test_submitting_while_redis_is_down_says_so(redis_settings):
    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0")
    queue = ArqJobQueue(store, TaskCatalog.from_registry(PackRegistry(redis_settings).load()))
    try:
        with pytest.raises(StoreUnavailable, match="is not answering"):
            await queue.submit("jobtest.count", {}, owner=ALICE)
    finally:
        await store.close()
