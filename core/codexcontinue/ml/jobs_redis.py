"""The Redis job queue: arq queues and runs jobs; each job's record and event log live in Redis.

Keys: `job:<id>` is a hash (one JSON value per field of the record) and `job:<id>:events` a Redis
stream of events that SSE followers read from any point. arq keeps its own keys under `arq:`;
its queue is the sorted set `codexcontinue:jobs`. A running job holds a lease (arq's in-progress
key) that its worker renews; when the worker dies the lease runs out and another worker starts
the job again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix
from arq.worker import Worker, func
from redis.asyncio import ConnectionPool
from redis.exceptions import RedisError

from ..store import RedisStore
from .jobs import MAX_TRIES, JobEvent, JobNotFound, JobQueue, JobRecord, JobServices, TaskCatalog, run_job

log = logging.getLogger("codexcontinue.jobs")

QUEUE_NAME = "codexcontinue:jobs"
RECORD_PREFIX = "job:"
JOB_TTL_S = 24 * 3600  # after the last change of a job
FOLLOW_BLOCK_MS = 2000  # one blocking read of the event stream; below the store's socket timeout
TIMEOUT_GRACE_S = 30.0  # arq's own timeout, a backstop behind each task's timeout_s
RUN_JOB = "run_job"  # the one arq function: it looks the task up in the job's record
STREAM_ID = re.compile(r"^\d+-\d+$")


def _encode(value: Any) -> bytes:
    return json.dumps(value, default=str, separators=(",", ":")).encode()


def _decode(raw: bytes) -> Any:
    return json.loads(raw)


def _arq_redis(pool: ConnectionPool) -> ArqRedis:
    return ArqRedis(
        pool,
        job_serializer=_encode,
        job_deserializer=_decode,
        default_queue_name=QUEUE_NAME,
    )


class ArqJobQueue(JobQueue):
    """Jobs queued with arq on Redis, their records and events in Redis; any worker may run them."""

    kind = "redis"

    def __init__(self, store: RedisStore, catalog: TaskCatalog) -> None:
        super().__init__(catalog)
        self.store = store
        self.redis = _arq_redis(store.client.connection_pool)

    async def _enqueue(self, record: JobRecord) -> None:
        fields = record.model_dump(mode="json")
        await self.write(record.id, fields, ("state", record.view().model_dump(mode="json")))
        await self.store.run(self.redis.enqueue_job(RUN_JOB, _job_id=record.id))

    async def load(self, job_id: str) -> JobRecord | None:
        raw = await self.store.run(self.redis.hgetall(RECORD_PREFIX + job_id))
        if not raw:
            return None
        return JobRecord.model_validate({name.decode(): _decode(value) for name, value in raw.items()})

    async def write(self, job_id: str, fields: dict[str, Any], event: tuple[str, dict[str, Any]]) -> None:
        record_key = RECORD_PREFIX + job_id
        events_key = record_key + ":events"
        kind, data = event
        async with self.redis.pipeline(transaction=True) as pipe:
            if fields:
                pipe.hset(record_key, mapping={name: _encode(value) for name, value in fields.items()})
            pipe.xadd(events_key, {"kind": kind, "data": _encode(data)})
            pipe.expire(record_key, JOB_TTL_S)
            pipe.expire(events_key, JOB_TTL_S)
            await self.store.run(pipe.execute())

    async def events(self, job_id: str, owner: str, after: str | None = None) -> AsyncIterator[JobEvent]:
        record = await self.load(job_id)
        if record is None or record.owner != owner:
            raise JobNotFound(job_id)
        events_key = RECORD_PREFIX + job_id + ":events"
        position = after if after and STREAM_ID.match(after) else "0-0"
        while True:
            reply = await self.store.run(
                self.redis.xread({events_key: position}, count=100, block=FOLLOW_BLOCK_MS)
            )
            entries = reply[0][1] if reply else []
            for entry_id, values in entries:
                position = entry_id.decode()
                event = JobEvent(id=position, kind=values[b"kind"].decode(), data=_decode(values[b"data"]))
                yield event
                if event.final:
                    return
            if not entries:
                record = await self.load(job_id)
                if record is None or record.state.final:
                    return

    async def depth(self) -> int:
        return int(await self.store.run(self.redis.zcard(QUEUE_NAME)))


class JobWorker:
    """An arq worker that runs an `ArqJobQueue`'s jobs in this process.

    Each running job holds a lease of `lease_s` seconds (arq's in-progress key), renewed every
    third of it while the job runs. When this process dies the lease lapses and another worker
    starts the job again (up to `MAX_TRIES` starts). `stop()` hands running jobs back to the queue.
    """

    def __init__(
        self,
        queue: ArqJobQueue,
        services: JobServices,
        redis_url: str,
        *,
        lease_s: float,
        max_jobs: int = 10,
    ) -> None:
        self.queue = queue
        self.services = services
        self.lease_s = lease_s
        self.max_jobs = max_jobs
        self._redis_url = redis_url
        self._worker: Worker | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def running(self) -> bool:
        """Whether the worker is started and not stopped."""
        return self._supervisor is not None and not self._supervisor.done()

    @property
    def jobs_running(self) -> int:
        """How many jobs this worker is running."""
        return len(self._worker.job_tasks) if self._worker else 0

    async def start(self) -> None:
        """Start polling the queue in the background."""
        timeout = self.queue.catalog.longest_timeout() + TIMEOUT_GRACE_S
        self._worker = Worker(
            functions=[func(self._run, name=RUN_JOB, timeout=timeout, max_tries=MAX_TRIES + 1)],
            queue_name=QUEUE_NAME,
            redis_pool=_arq_redis(ConnectionPool.from_url(self._redis_url, socket_connect_timeout=2)),
            handle_signals=False,
            max_jobs=self.max_jobs,
            keep_result=0,
            job_serializer=_encode,
            job_deserializer=_decode,
        )
        # arq sizes the in-progress key to the longest timeout; a short lease renewed while the job
        # runs lets another worker take over soon after this one dies.
        self._worker.in_progress_timeout_s = self.lease_s
        self._supervisor = asyncio.create_task(self._supervise(), name="job worker")

    async def _supervise(self) -> None:
        assert self._worker is not None
        while not self._stopping:
            try:
                await self._worker.async_run()
            except asyncio.CancelledError:
                if self._stopping:
                    return
                raise
            except (RedisError, OSError) as error:
                log.warning("job worker: Redis is not answering (%s: %s); retrying in 2 s", type(error).__name__, error)
                await asyncio.sleep(2)
            else:
                return

    async def stop(self) -> None:
        """Stop polling; running jobs are cancelled and go back to the queue for another worker."""
        self._stopping = True
        if self._worker is not None:
            await self._worker.close()
        if self._supervisor is not None:
            with suppress(asyncio.CancelledError):
                await self._supervisor

    async def _run(self, ctx: dict[str, Any]) -> None:
        job_id = ctx["job_id"]
        async with self._lease(job_id):
            await run_job(self.queue, self.services, job_id, ctx["job_try"])

    @asynccontextmanager
    async def _lease(self, job_id: str) -> AsyncIterator[None]:
        key = in_progress_key_prefix + job_id

        async def renew() -> None:
            while True:
                await asyncio.sleep(self.lease_s / 3)
                try:
                    if not await self.queue.redis.pexpire(key, int(self.lease_s * 1000)):
                        log.warning("job %s lost its lease; another worker may start it again", job_id)
                except (RedisError, OSError) as error:
                    log.warning("job %s: could not renew its lease: %s", job_id, error)

        renewer = asyncio.create_task(renew(), name=f"lease {job_id}")
        try:
            yield
        finally:
            renewer.cancel()
