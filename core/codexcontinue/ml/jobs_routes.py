"""The jobs API (`/api/v1/jobs`) and its wiring into the app: the queue, the queue-depth gauge and,
when asked for, a job worker inside the API process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from prometheus_client import Gauge
from pydantic import BaseModel, Field

from ..api.deps import ApiKeyDep
from ..store import RedisStore, StoreUnavailable
from .core_tasks import core_task_scope
from .jobs import (
    CORE_PACK,
    InvalidArguments,
    JobNotFound,
    JobQueue,
    JobServices,
    JobState,
    JobView,
    TaskCatalog,
    UnknownTask,
)
from .jobs_local import LocalJobQueue
from .jobs_redis import ArqJobQueue, JobWorker

log = logging.getLogger("codexcontinue.jobs")

DEPTH_REFRESH_S = 5.0

jobs_router = APIRouter(prefix="/jobs", tags=["jobs"])


class JobRequest(BaseModel):
    """A job to run: a task's full name and its arguments."""

    task: str = Field(description="'<pack>.<task>', or 'core.<task>' for the core's tasks.")
    arguments: dict[str, Any] = Field(default_factory=dict, description="The task function's keyword arguments.")


class JobAccepted(BaseModel):
    """The answer to a submitted job: its id and where to follow it."""

    id: str
    state: JobState
    status_url: str
    events_url: str


def _queue(request: Request) -> JobQueue:
    return request.app.state.jobs


JobQueueDep = Annotated[JobQueue, Depends(_queue)]


async def owned_job(job_id: str, key: ApiKeyDep, queue: JobQueueDep) -> JobView:
    """The job with this id if the caller's owner submitted it (with any of its keys); 404 otherwise
    (same answer either way)."""
    view = await queue.get(job_id, key.owner)
    if view is None:
        raise HTTPException(404, str(JobNotFound(job_id)))
    return view


@jobs_router.post("", status_code=202)
async def submit_job(
    body: JobRequest, key: ApiKeyDep, queue: JobQueueDep, request: Request, response: Response
) -> JobAccepted:
    """Queue a job. Needs '<pack>:write' for a pack's task; a `core.*` task needs '<pack>:write' of
    the pack whose model it calls ('admin' for a model no pack defines)."""
    try:
        task = queue.catalog.get(body.task)
        arguments = task.validate(body.arguments)
    except UnknownTask as error:
        raise HTTPException(404, str(error)) from None
    except InvalidArguments as error:
        raise HTTPException(422, str(error)) from None
    if task.pack != CORE_PACK and not key.allows(f"{task.pack}:write"):
        raise HTTPException(403, f"This API key lacks the '{task.pack}:write' scope.")
    if task.pack == CORE_PACK and not key.allows(scope := core_task_scope(arguments, request.app.state.registry)):
        raise HTTPException(403, f"This API key lacks the '{scope}' scope, which {task.name} needs for that model.")
    job_id = await queue.submit(body.task, body.arguments, owner=key.owner, submitted_by=key.prefix)
    await _refresh_depth(request.app)
    status_url = f"/api/v1/jobs/{job_id}"
    response.headers["Location"] = status_url
    return JobAccepted(id=job_id, state=JobState.QUEUED, status_url=status_url, events_url=f"{status_url}/events")


@jobs_router.get("/{job_id}")
async def read_job(job: Annotated[JobView, Depends(owned_job)]) -> JobView:
    """The job's state, progress (0..1), message, and its result or error once it has ended."""
    return job


@jobs_router.get("/{job_id}/events", response_class=EventSourceResponse)
async def follow_job(
    job: Annotated[JobView, Depends(owned_job)],
    key: ApiKeyDep,
    queue: JobQueueDep,
    last_event_id: Annotated[str | None, Header()] = None,
) -> AsyncIterable[ServerSentEvent]:
    """Server-Sent Events: `state`, `progress` and `token` events from the start (or after
    `Last-Event-ID`), ending with the final `state` event."""
    async for event in queue.events(job.id, key.owner, after=last_event_id):
        yield ServerSentEvent(data=event.data, event=event.kind, id=event.id)


# wiring ---------------------------------------------------------------------------------------


def attach_jobs(app: FastAPI) -> None:
    """Give `app` its job queue (`app.state.jobs`), the jobs routes and the queue-depth gauge.

    Needs `app.state.settings`, `registry`, `store`, `llm_runtime` and `metrics_registry` set first.
    """
    state = app.state
    catalog = TaskCatalog.from_registry(state.registry)
    if isinstance(state.store, RedisStore):
        state.jobs = ArqJobQueue(state.store, catalog)
    else:
        state.jobs = LocalJobQueue(catalog, job_services(app))
    state.jobs_depth = Gauge(
        "codexcontinue_jobs_queue_depth",
        "Jobs queued or running (not yet complete or failed).",
        registry=state.metrics_registry,
    )
    app.include_router(jobs_router, prefix="/api/v1")


def job_services(app: FastAPI) -> JobServices:
    """What jobs run in this app's process share with it."""
    state = app.state
    return JobServices(settings=state.settings, registry=state.registry, store=state.store, llm=state.llm_runtime)


@asynccontextmanager
async def running_jobs(app: FastAPI) -> AsyncIterator[None]:
    """For the app's lifespan: start the queue, the gauge's refresher and, with Redis and
    `in_process_worker` set (as `codexcontinue serve` does), a job worker in this process."""
    queue: JobQueue = app.state.jobs
    settings = app.state.settings
    await queue.start()
    worker = None
    if isinstance(queue, ArqJobQueue) and settings.in_process_worker:
        redis_url = settings.redis_url.get_secret_value()
        worker = JobWorker(queue, job_services(app), redis_url, lease_s=settings.job_lease_s)
        await worker.start()
    refresher = asyncio.create_task(_keep_depth_fresh(app), name="queue depth")
    try:
        yield
    finally:
        refresher.cancel()
        with suppress(asyncio.CancelledError):
            await refresher
        if worker is not None:
            await worker.stop()
        await queue.close()


async def _keep_depth_fresh(app: FastAPI) -> None:
    while True:
        await _refresh_depth(app)
        await asyncio.sleep(DEPTH_REFRESH_S)


async def _refresh_depth(app: FastAPI) -> None:
    try:
        app.state.jobs_depth.set(await app.state.jobs.depth())
    except StoreUnavailable as error:
        log.debug("queue depth not refreshed: %s", error)
