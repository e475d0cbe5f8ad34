"""Background jobs: the `JobQueue` interface, the task catalog, and the runner that executes one job.

A job runs a task that a pack registered with `register_tasks` (named `<pack>.<task>`) or a
built-in `core.*` task. Its record (state, progress, result) and its event log (state, progress
and token events) live with the queue: in Redis for `ArqJobQueue` (`jobs_redis.py`), in memory
for `LocalJobQueue` (`jobs_local.py`). `docs/jobs.md` describes states, events and retries.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
import typing
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic_core import PydanticSerializationError, to_jsonable_python

from ..api.quotas import CALLER
from ..owned_store import OwnedStore
from ..packs.registry import PackRegistry
from ..settings import CoreSettings
from ..specs import PackSettings, TaskSpec
from ..store import Store

log = logging.getLogger("codexcontinue.jobs")

CORE_PACK = "core"
MAX_TRIES = 3  # starts of one job, counting restarts after its worker died


class JobState(StrEnum):
    """Where a job stands. `complete` and `failed` are final."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        """Whether the job has ended."""
        return self in (JobState.COMPLETE, JobState.FAILED)


class JobView(BaseModel):
    """A job as its owner sees it (`GET /api/v1/jobs/{id}`)."""

    id: str
    task: str
    state: JobState
    progress: float = 0.0
    message: str = ""
    result: Any = None
    error: str | None = None
    tries: int = 0
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None


class JobRecord(JobView):
    """A job as the queue stores it: the view plus whose it is, which key submitted it, and with what."""

    owner: str
    submitted_by: str | None = None  # the key's prefix (its rate limits); None in records made before owners
    pack: str
    arguments: dict[str, Any]

    def view(self) -> JobView:
        """The owner's view of this record."""
        return JobView.model_validate(self.model_dump(include=set(JobView.model_fields)))


class JobEvent(BaseModel):
    """One entry of a job's event log: `state` (data: the `JobView`), `progress` or `token`."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: str
    data: dict[str, Any]

    @property
    def final(self) -> bool:
        """Whether this event ends the log (the job completed or failed)."""
        return self.kind == "state" and JobState(self.data["state"]).final


class JobNotFound(LookupError):
    """No job with this id belongs to the caller (unknown, expired, or someone else's)."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"No job {job_id!r} for this API key.")


class UnknownTask(LookupError):
    """A job asked for a task that no active pack registered."""

    def __init__(self, task: str, known: list[str]) -> None:
        self.known = known
        super().__init__(
            f"Unknown task {task!r}. Known tasks: {', '.join(known) or 'none'}. "
            f"A pack's task is named '<pack>.<task>' and needs the pack enabled."
        )


class InvalidArguments(ValueError):
    """A job's arguments do not fit its task's signature."""

    def __init__(self, task: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"Invalid arguments for task {task!r}: {'; '.join(problems)}")


# the task catalog ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """A runnable task: its full name, its pack, its spec and the model its arguments must fit."""

    name: str
    pack: str
    spec: TaskSpec
    arguments: type[BaseModel]

    def validate(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The arguments converted to the declared types; `InvalidArguments` says what is wrong."""
        try:
            return dict(self.arguments.model_validate(arguments))
        except ValidationError as error:
            problems = [
                f"{'.'.join(str(part) for part in problem['loc']) or '(arguments)'}: {problem['msg']}"
                for problem in error.errors(include_url=False, include_input=False)
            ]
            raise InvalidArguments(self.name, problems) from None


class TaskCatalog:
    """The tasks of the core and of every active pack, by full name (`<pack>.<task>`)."""

    def __init__(self, tasks: list[Task]) -> None:
        self.tasks = {task.name: task for task in tasks}

    @classmethod
    def from_registry(cls, registry: PackRegistry) -> TaskCatalog:
        """Collect `register_tasks` from the core and each active pack (a pack that fails is quarantined)."""
        tasks: list[Task] = []
        for pack in [CORE_PACK, *registry.active()]:
            specs = registry.collect(pack, "register_tasks", TaskSpec)
            names = [spec.name for spec in specs]
            repeated = sorted({name for name in names if names.count(name) > 1})
            if repeated:
                registry.quarantine(pack, f"Pack '{pack}' registers task(s) {', '.join(repeated)} twice.")
                continue
            try:
                tasks += [Task(f"{pack}.{spec.name}", pack, spec, _arguments_model(spec)) for spec in specs]
            except TypeError as error:
                registry.quarantine(pack, f"Pack '{pack}' raised in register_tasks(): {error}")
        return cls(tasks)

    def names(self) -> list[str]:
        """Every task's full name, sorted."""
        return sorted(self.tasks)

    def get(self, name: str) -> Task:
        """The task called `name`; `UnknownTask` lists the known ones."""
        try:
            return self.tasks[name]
        except KeyError:
            raise UnknownTask(name, self.names()) from None

    def longest_timeout(self) -> float:
        """The largest `timeout_s` of any task (0 when there are none)."""
        return max((task.spec.timeout_s for task in self.tasks.values()), default=0.0)


def _arguments_model(spec: TaskSpec) -> type[BaseModel]:
    """A pydantic model of the task function's keyword parameters (all but the first, the context)."""
    signature = inspect.signature(spec.function)
    parameters = list(signature.parameters.values())
    if not parameters or parameters[0].kind not in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        raise TypeError(f"task '{spec.name}': the function must take the job context as its first argument")
    fields: dict[str, Any] = {}
    extra = "forbid"
    for parameter in parameters[1:]:
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            extra = "allow"
        elif parameter.kind is not inspect.Parameter.VAR_POSITIONAL:
            default = ... if parameter.default is inspect.Parameter.empty else parameter.default
            fields[parameter.name] = (_resolved_type(spec.function, parameter), default)
    config = ConfigDict(extra=extra, arbitrary_types_allowed=True)
    return create_model(f"Arguments_{spec.name}", __config__=config, **fields)


def _resolved_type(function: Any, parameter: inspect.Parameter) -> Any:
    """A parameter's annotation as a type (string annotations resolved); `Any` when it has none or
    names something only imported for type checkers."""
    if parameter.annotation is inspect.Parameter.empty:
        return Any
    holder = SimpleNamespace(__annotations__={parameter.name: parameter.annotation})
    try:
        return typing.get_type_hints(holder, globalns=getattr(function, "__globals__", None))[parameter.name]
    except (NameError, TypeError, SyntaxError):
        return Any


# what a task function receives -----------------------------------------------------------------


@dataclass
class JobServices:
    """What the process running a job shares with it: settings, packs, store and LLM runtime."""

    settings: CoreSettings
    registry: PackRegistry
    store: Store
    llm: Any  # codexcontinue.ml.runtime.LLMRuntime


@dataclass
class JobContext:
    """The first argument of every task function: who and what the job is, and how to report.

    `await context.progress(0.5, "halfway")` records progress (0..1) and a message;
    `await context.emit("token")` streams a piece of output to `/api/v1/jobs/{id}/events` readers.
    """

    job_id: str
    pack: str
    owner: str
    try_number: int
    settings: CoreSettings
    pack_settings: PackSettings | None
    store: Store
    llm: Any  # codexcontinue.ml.runtime.LLMRuntime
    _queue: JobQueue = field(repr=False)
    _record: JobRecord = field(repr=False)

    async def progress(self, fraction: float, message: str = "") -> None:
        """Record how far the job is (0.0 to 1.0) with an optional message for the caller."""
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"progress must be between 0 and 1, got {fraction!r}")
        self._record.progress, self._record.message = float(fraction), message
        fields = {"progress": self._record.progress, "message": message}
        await self._queue.write(self.job_id, fields, ("progress", fields))

    def owned_store(self) -> OwnedStore:
        """The store namespace of the job's owner in the job's pack: what the owner's routes read."""
        return OwnedStore(self.store, self.pack, self.owner)

    async def emit(self, token: str) -> None:
        """Send a piece of output (e.g. an LLM token) to the job's event stream."""
        await self._queue.write(self.job_id, {}, ("token", {"text": str(token)}))


# the queue interface ---------------------------------------------------------------------------


class JobQueue(ABC):
    """Submit jobs, read them back by owner, follow their events; also the journal runners write to."""

    kind: str

    def __init__(self, catalog: TaskCatalog) -> None:
        self.catalog = catalog

    async def submit(self, task: str, arguments: dict[str, Any], owner: str, submitted_by: str | None = None) -> str:
        """Queue `task` with `arguments` for `owner` (a key's owner: every key of it reads the job)
        and return the new job's id; `submitted_by` is the submitting key's prefix, charged for
        the job's LLM tokens (`owner` when None).

        Raises `UnknownTask` or `InvalidArguments` before anything is queued.
        """
        found = self.catalog.get(task)
        found.validate(arguments)
        record = JobRecord(
            id=uuid.uuid4().hex,
            task=task,
            pack=found.pack,
            owner=owner,
            submitted_by=submitted_by,
            arguments=arguments,
            state=JobState.QUEUED,
            created_at=time.time(),
        )
        await self._enqueue(record)
        return record.id

    async def get(self, job_id: str, owner: str) -> JobView | None:
        """The job as `owner` sees it, or None when it is unknown or belongs to someone else."""
        record = await self.load(job_id)
        return record.view() if record is not None and record.owner == owner else None

    @abstractmethod
    def events(self, job_id: str, owner: str, after: str | None = None) -> AsyncIterator[JobEvent]:
        """The job's events from the start (or after event id `after`), following until the final
        state event. Raises `JobNotFound` when the job is not `owner`'s."""

    @abstractmethod
    async def depth(self) -> int:
        """How many jobs are queued or running."""

    async def start(self) -> None:
        """Begin serving (called once by the process that owns the queue)."""

    async def close(self) -> None:
        """Stop serving and release resources."""

    # the journal: what runners read and write ----------------------------------------------

    @abstractmethod
    async def _enqueue(self, record: JobRecord) -> None:
        """Store a new record with its first `state` event and hand the job to a runner."""

    @abstractmethod
    async def load(self, job_id: str) -> JobRecord | None:
        """The stored record of a job, whoever owns it."""

    @abstractmethod
    async def write(self, job_id: str, fields: dict[str, Any], event: tuple[str, dict[str, Any]]) -> None:
        """Update some fields of a job's record and append one event, together."""


async def run_job(queue: JobQueue, services: JobServices, job_id: str, try_number: int) -> None:
    """Run one job to its end and record the outcome in `queue`.

    A timeout, an exception or a non-JSON result fails the job with a message; cancellation
    (the worker stopping) puts it back to `queued` for the next worker and re-raises.
    """
    record = await queue.load(job_id)
    if record is None:
        log.warning("job %s has no record (expired?); skipping it", job_id)
        return
    if try_number > MAX_TRIES:
        await _finish(
            queue,
            record,
            error=f"The job was started {MAX_TRIES} times and each time its worker stopped before it "
            f"finished (crash, kill or lost lease); giving up. Check the worker logs.",
        )
        return
    try:
        task = queue.catalog.get(record.task)
        arguments = task.validate(record.arguments)
    except (UnknownTask, InvalidArguments) as error:
        await _finish(queue, record, error=f"This worker cannot run the job: {error}")
        return
    record.state, record.tries, record.started_at = JobState.RUNNING, try_number, time.time()
    record.progress, record.message = 0.0, ""
    if try_number > 1:
        record.message = f"Retrying (try {try_number} of {MAX_TRIES}): the previous worker stopped."
    await _write_state(queue, record, "state", "tries", "started_at", "progress", "message")
    loaded = services.registry.packs.get(task.pack)
    context = JobContext(
        job_id=job_id,
        pack=task.pack,
        owner=record.owner,
        try_number=try_number,
        settings=services.settings,
        pack_settings=loaded.settings if loaded else None,
        store=services.store,
        llm=services.llm,
        _queue=queue,
        _record=record,
    )
    deadline = asyncio.timeout(task.spec.timeout_s)
    CALLER.set(record.submitted_by or record.owner)  # the job's LLM tokens are charged to the key that submitted it
    try:
        async with deadline:
            result = await task.spec.function(context, **arguments)
        stored = to_jsonable_python(result)
    except asyncio.CancelledError:
        record.state, record.message = JobState.QUEUED, "The worker stopped; the job waits for another worker."
        await asyncio.shield(_write_state(queue, record, "state", "message"))
        raise
    except Exception as error:  # noqa: BLE001 - a task's failure is the job's outcome
        await _finish(queue, record, error=_describe_failure(task, error, timed_out=deadline.expired()))
    else:
        await _finish(queue, record, result=stored)


def _describe_failure(task: Task, error: Exception, *, timed_out: bool) -> str:
    if timed_out:
        return f"Task {task.name!r} timed out after {task.spec.timeout_s:g} s."
    if isinstance(error, PydanticSerializationError):
        return f"Task {task.name!r} returned a value that cannot be stored as JSON: {error}"
    log.error("task %s failed", task.name, exc_info=error)
    return f"Task {task.name!r} failed: {type(error).__name__}: {error}"


async def _finish(queue: JobQueue, record: JobRecord, *, result: Any = None, error: str | None = None) -> None:
    record.state = JobState.FAILED if error else JobState.COMPLETE
    record.result, record.error, record.finished_at = result, error, time.time()
    if not error:
        record.progress = 1.0
    await _write_state(queue, record, "state", "result", "error", "finished_at", "progress")


async def _write_state(queue: JobQueue, record: JobRecord, *changed: str) -> None:
    fields = {name: getattr(record, name) for name in changed}
    await queue.write(record.id, fields, ("state", record.view().model_dump(mode="json")))
