"""The embedded job queue: jobs run as asyncio tasks inside the API process, their state kept in memory.

Used when no Redis URL is set. Jobs live and die with the process: a restart loses queued and
running jobs and forgets finished ones, and there is no second worker to take over.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from .jobs import JobEvent, JobNotFound, JobQueue, JobRecord, JobServices, TaskCatalog, run_job

FINISHED_JOB_TTL_S = 24 * 3600.0
MAX_RUNNING_JOBS = 10


@dataclass
class _LocalJob:
    record: JobRecord
    events: list[JobEvent] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)


class LocalJobQueue(JobQueue):
    """Jobs as asyncio tasks in this process's event loop, at most `max_running` at once."""

    kind = "local"

    def __init__(self, catalog: TaskCatalog, services: JobServices, *, max_running: int = MAX_RUNNING_JOBS) -> None:
        super().__init__(catalog)
        self.services = services
        self._jobs: dict[str, _LocalJob] = {}
        self._running: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(max_running)

    async def _enqueue(self, record: JobRecord) -> None:
        self._forget_old_jobs()
        self._jobs[record.id] = _LocalJob(record.model_copy(deep=True))
        await self._append(record.id, "state", record.view().model_dump(mode="json"))
        runner = asyncio.create_task(self._run(record.id), name=f"job {record.id}")
        self._running.add(runner)
        runner.add_done_callback(self._running.discard)

    async def _run(self, job_id: str) -> None:
        async with self._slots:
            await run_job(self, self.services, job_id, try_number=1)

    async def load(self, job_id: str) -> JobRecord | None:
        job = self._jobs.get(job_id)
        return job.record.model_copy(deep=True) if job else None

    async def write(self, job_id: str, fields: dict[str, Any], event: tuple[str, dict[str, Any]]) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        for name, value in fields.items():
            setattr(job.record, name, value)
        await self._append(job_id, *event)

    async def _append(self, job_id: str, kind: str, data: dict[str, Any]) -> None:
        job = self._jobs[job_id]
        job.events.append(JobEvent(id=str(len(job.events)), kind=kind, data=data))
        async with job.changed:
            job.changed.notify_all()

    async def events(self, job_id: str, owner: str, after: str | None = None) -> AsyncIterator[JobEvent]:
        job = self._jobs.get(job_id)
        if job is None or job.record.owner != owner:
            raise JobNotFound(job_id)
        position = int(after) + 1 if after is not None and after.isdigit() else 0
        while True:
            while position < len(job.events):
                event = job.events[position]
                position += 1
                yield event
                if event.final:
                    return
            if job.record.state.final:
                return
            async with job.changed:
                await job.changed.wait_for(lambda: position < len(job.events))

    async def depth(self) -> int:
        return sum(1 for job in self._jobs.values() if not job.record.state.final)

    async def close(self) -> None:
        for runner in list(self._running):
            runner.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)

    def _forget_old_jobs(self) -> None:
        cutoff = time.time() - FINISHED_JOB_TTL_S
        for job_id, job in list(self._jobs.items()):
            if job.record.state.final and (job.record.finished_at or 0) < cutoff:
                del self._jobs[job_id]
