"""Embedded mode: jobs run as asyncio tasks in the API's process, with progress, tokens, timeouts and owners."""

from __future__ import annotations

import asyncio

import pytest
from job_queues import local_queue

from codexcontinue.ml.jobs import InvalidArguments, JobNotFound, JobState, UnknownTask

ALICE, BOB = "a11ce0000000", "b0b000000000"


@pytest.fixture
async def queue(embedded_settings):
    async with local_queue(embedded_settings) as queue:
        yield queue


async def follow(queue, job_id, owner=ALICE, after=None):
    return [event async for event in queue.events(job_id, owner, after=after)]


async def test_a_job_reports_progress_then_completes_with_its_result(queue):
    job_id = await queue.submit("jobtest.count", {"steps": 4}, owner=ALICE)

    events = await asyncio.wait_for(follow(queue, job_id), 10)

    assert [(e.kind, e.data.get("state")) for e in events[:2]] == [("state", "queued"), ("state", "running")]
    assert [e.data["progress"] for e in events if e.kind == "progress"] == [0.25, 0.5, 0.75, 1.0]
    assert events[-1].kind == "state" and events[-1].data["state"] == "complete"
    job = await queue.get(job_id, ALICE)
    assert job.state is JobState.COMPLETE
    assert job.result == {"counted": 4, "try": 1}
    assert (job.progress, job.message, job.tries) == (1.0, "step 4 of 4", 1)


async def test_tokens_reach_followers_in_order(queue):
    job_id = await queue.submit("jobtest.spell", {"word": "local"}, owner=ALICE)

    events = await asyncio.wait_for(follow(queue, job_id), 10)

    assert "".join(e.data["text"] for e in events if e.kind == "token") == "local"
    assert events[-1].data["result"] == "LOCAL"


async def test_a_follower_can_resume_after_an_event_id(queue):
    job_id = await queue.submit("jobtest.spell", {"word": "abc"}, owner=ALICE)
    events = await asyncio.wait_for(follow(queue, job_id), 10)
    first_token = next(e for e in events if e.kind == "token")

    resumed = await asyncio.wait_for(follow(queue, job_id, after=first_token.id), 10)

    assert "".join(e.data["text"] for e in resumed if e.kind == "token") == "bc"
    assert resumed[-1].data["state"] == "complete"


async def test_a_job_over_its_timeout_fails_with_a_message(queue):
    job_id = await queue.submit("jobtest.stall", {}, owner=ALICE)

    events = await asyncio.wait_for(follow(queue, job_id), 10)

    job = await queue.get(job_id, ALICE)
    assert job.state is JobState.FAILED
    assert job.error == "Task 'jobtest.stall' timed out after 0.5 s."
    assert events[-1].data["error"] == job.error


async def test_a_task_that_raises_fails_its_job_with_the_error(queue):
    job_id = await queue.submit("jobtest.explode", {}, owner=ALICE)
    await asyncio.wait_for(follow(queue, job_id), 10)

    job = await queue.get(job_id, ALICE)

    assert job.state is JobState.FAILED
    assert job.error == "Task 'jobtest.explode' failed: ValueError: the reactor is on fire"


async def test_an_unknown_task_is_refused_with_the_known_ones(queue):
    with pytest.raises(UnknownTask) as raised:
        await queue.submit("jobtest.fly", {}, owner=ALICE)
    known = "core.generate, jobtest.count, jobtest.explode, jobtest.spell, jobtest.stall"
    assert f"Known tasks: {known}." in str(raised.value)


async def test_arguments_that_do_not_fit_the_task_are_refused_with_what_is_wrong(queue):
    with pytest.raises(InvalidArguments) as raised:
        await queue.submit("jobtest.count", {"steps": "many", "colour": "red"}, owner=ALICE)
    assert raised.value.problems == [
        "steps: Input should be a valid integer, unable to parse string as an integer",
        "colour: Extra inputs are not permitted",
    ]
    assert await queue.depth() == 0


async def test_another_owner_neither_reads_nor_follows_the_job(queue):
    job_id = await queue.submit("jobtest.count", {"steps": 1}, owner=ALICE)

    assert await queue.get(job_id, BOB) is None
    with pytest.raises(JobNotFound):
        await follow(queue, job_id, owner=BOB)
    assert (await queue.get(job_id, ALICE)).task == "jobtest.count"


async def test_depth_counts_jobs_until_they_end(queue):
    first = await queue.submit("jobtest.count", {"steps": 2}, owner=ALICE)
    second = await queue.submit("jobtest.count", {"steps": 2}, owner=ALICE)
    assert await queue.depth() == 2

    await asyncio.wait_for(asyncio.gather(follow(queue, first), follow(queue, second)), 10)

    assert await queue.depth() == 0
