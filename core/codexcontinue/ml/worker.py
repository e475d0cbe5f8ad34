"""`codexcontinue worker`: runs queued jobs from Redis and the packs' model lifecycle, behind a health endpoint.

At start the worker loads the enabled packs, serves `GET /healthz` (503 until ready, then 200;
the body says why either way), ensures the packs' models on every listed Ollama host and starts
taking jobs. An
unreachable Ollama (or a model that fails) is retried every `MODEL_RETRY_S` seconds; jobs are
taken from the first attempt on, so tasks that need no LLM keep running meanwhile.
SIGTERM/SIGINT stop it: running jobs go back to the queue for another worker.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from typing import Any

import uvicorn
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..api.quotas import Quotas
from ..context import PackContext
from ..cpu_work import install_cpu_pool
from ..packs.registry import PackError, PackRegistry
from ..settings import CoreSettings
from ..specs import ModelSpec
from ..store import RedisStore, open_store
from .errors import LLMError
from .jobs import JobServices, TaskCatalog
from .jobs_redis import ArqJobQueue, JobWorker
from .metrics import MLMetrics
from .models import Action, ModelAction, ModelProgress, ensure_models
from .ollama_backend import OllamaBackend
from .runtime import LLMRuntime

log = logging.getLogger("codexcontinue.worker")

MODEL_RETRY_S = 15.0
REDIS_PROBE_TIMEOUT_S = 2.0
EMBEDDED_MODE_MESSAGE = (
    "CODEXCONTINUE_REDIS_URL is not set, so this is embedded mode: jobs run inside the API process "
    "(`codexcontinue serve` or `codexcontinue api`) and there is nothing for a separate worker to do. "
    "Set CODEXCONTINUE_REDIS_URL=redis://host:6379/0 for the API and the worker to share a queue; "
    "`codexcontinue models ensure` creates the packs' models without a worker."
)


def run_worker(settings: CoreSettings, host: str, port: int) -> None:
    """Run the worker until SIGTERM or SIGINT, with its health endpoint on `host:port`.

    Exits with status 2 in embedded mode (no Redis URL) and 3 when a pack fails in strict mode,
    saying why on stderr.
    """
    if settings.redis_url is None:
        print(EMBEDDED_MODE_MESSAGE, file=sys.stderr)
        raise SystemExit(2)
    try:
        registry = PackRegistry(settings).load()
    except PackError as error:
        print(error, file=sys.stderr)
        raise SystemExit(3) from None
    asyncio.run(_run(settings, registry, host, port))


@dataclass
class ModelStatus:
    """Where the model lifecycle stands, as the health endpoint reports it."""

    models: list[str]
    state: str = "ensuring"  # "ensuring", "ready" or "retrying"
    detail: str = ""
    attempts: int = 0
    actions: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every model of the enabled packs is in Ollama as specified."""
        return self.state == "ready"


@dataclass
class WorkerHealth:
    """What `GET /healthz` reports: Redis, models, the job worker and the packs."""

    store: RedisStore
    jobs: JobWorker
    catalog: TaskCatalog
    registry: PackRegistry
    models: ModelStatus

    async def report(self) -> tuple[bool, dict[str, Any]]:
        """Whether the worker is ready, and the detail."""
        redis = await self._check_redis()
        ready = redis["ok"] and self.models.ok and self.jobs.running
        status = "ready" if ready else ("starting" if self.models.state == "ensuring" else "degraded")
        return ready, {
            "status": status,
            "redis": redis,
            "models": {
                "ok": self.models.ok,
                "state": self.models.state,
                "detail": self.models.detail,
                "attempts": self.models.attempts,
                "models": self.models.models,
                "actions": self.models.actions,
            },
            "jobs": {
                "taking_jobs": self.jobs.running,
                "running": self.jobs.jobs_running,
                "tasks": self.catalog.names(),
            },
            "packs": {row.name: str(row.state) for row in self.registry.status_table()},
        }

    async def _check_redis(self) -> dict[str, Any]:
        try:
            await asyncio.wait_for(self.store.ping(), REDIS_PROBE_TIMEOUT_S)
            return {"ok": True}
        except TimeoutError:
            return {"ok": False, "detail": f"Redis did not answer within {REDIS_PROBE_TIMEOUT_S:g} s"}
        except Exception as error:  # noqa: BLE001 - reported, not raised
            return {"ok": False, "detail": str(error)}


def health_app(health: WorkerHealth) -> Starlette:
    """The worker's HTTP app: `GET /healthz`, 200 when ready and 503 otherwise, with the detail."""

    async def healthz(request: Request) -> JSONResponse:
        ready, detail = await health.report()
        return JSONResponse(detail, status_code=200 if ready else 503)

    return Starlette(routes=[Route("/healthz", healthz)])


class _HealthServer(uvicorn.Server):
    """uvicorn without its own signal handling: the worker's event loop owns SIGTERM and SIGINT."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _run(settings: CoreSettings, registry: PackRegistry, host: str, port: int) -> None:
    store = open_store(settings)
    assert isinstance(store, RedisStore)  # run_worker refuses embedded mode
    backend = OllamaBackend.from_settings(settings)
    llm = LLMRuntime(
        backend,
        store,
        registry,
        MLMetrics(CollectorRegistry()),
        cache_ttl=settings.llm_cache_ttl,
        schema_retries=settings.llm_schema_retries,
        call_timeout=settings.llm_call_timeout_s,
        budget=Quotas(settings),
    )
    catalog = TaskCatalog.from_registry(registry)
    queue = ArqJobQueue(store, catalog)
    jobs = JobWorker(
        queue,
        JobServices(settings=settings, registry=registry, store=store, llm=llm),
        settings.redis_url.get_secret_value(),
        lease_s=settings.job_lease_s,
    )
    specs = [spec for name in registry.active() for spec in registry.packs[name].models]
    health = WorkerHealth(store, jobs, catalog, registry, ModelStatus(models=[spec.name for spec in specs]))

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    cpu_pool = install_cpu_pool(loop, settings.cpu_threads)
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    config = uvicorn.Config(health_app(health), host=host, port=port, log_config=None, log_level="warning")
    server = _HealthServer(config)
    serving = asyncio.create_task(server.serve(), name="health endpoint")
    log.info("worker health endpoint on http://%s:%d/healthz", host, port)

    for name in registry.active():
        await registry.call_async(name, "startup", context=_pack_context(settings, registry, store, name))
    first_attempt = asyncio.Event()
    lifecycle = asyncio.create_task(_ensure_models(backend, specs, health.models, first_attempt), name="models")
    await _first_of(first_attempt.wait(), stop.wait())
    if not stop.is_set():
        await jobs.start()
        log.info("taking jobs for %d task(s): %s", len(catalog.tasks), ", ".join(catalog.names()))
    await stop.wait()

    log.info("stopping: running jobs go back to the queue")
    lifecycle.cancel()
    with suppress(asyncio.CancelledError):
        await lifecycle
    await jobs.stop()
    server.should_exit = True
    await serving
    for name in reversed(registry.active()):
        await registry.call_async(name, "shutdown", context=_pack_context(settings, registry, store, name))
    await backend.aclose()
    await store.close()
    cpu_pool.shutdown(wait=False, cancel_futures=True)


async def _ensure_models(
    backend: OllamaBackend, specs: list[ModelSpec], status: ModelStatus, first_attempt: asyncio.Event
) -> None:
    """Ensure the models until every one is as specified on every host, retrying every `MODEL_RETRY_S` seconds."""
    while True:
        status.attempts += 1
        try:
            actions = await _ensure_on_every_host(backend, specs) if specs else []
        except LLMError as error:
            status.state = "retrying"
            status.detail = f"the LLM backend is not reachable: {error}; retrying every {MODEL_RETRY_S:g} s"
            log.warning("models not ensured: %s", status.detail)
        except Exception as error:  # noqa: BLE001 - reported in the health detail, retried
            status.state = "retrying"
            status.detail = f"ensuring models failed: {type(error).__name__}: {error}; retrying every {MODEL_RETRY_S:g} s"
            log.exception("models not ensured")
        else:
            status.actions = [{"model": a.model, "action": str(a.action), "detail": a.detail} for a in actions]
            failed = [a for a in actions if a.action is Action.FAILED]
            if not failed:
                status.state, status.detail = "ready", f"{len(specs)} model(s) ready"
                log.info("models ready: %s", ", ".join(status.models) or "none needed")
                first_attempt.set()
                return
            status.state = "retrying"
            problems = "; ".join(f"{a.model}: {a.detail}" for a in failed)
            status.detail = f"{problems}; retrying every {MODEL_RETRY_S:g} s"
            log.warning("some models failed: %s", status.detail)
        first_attempt.set()
        await asyncio.sleep(MODEL_RETRY_S)


async def _ensure_on_every_host(backend: OllamaBackend, specs: list[ModelSpec]) -> list[ModelAction]:
    """Ensure the models on each listed Ollama host, not only on the first that answers.

    A call fails over to any listed host, and a host without the packs' models would answer
    'model not found'. With several hosts, each action's detail names its host. An unreachable
    host raises `LLMUnavailable`, so the worker reports it and tries again.
    """
    if len(backend.hosts) == 1:
        return await ensure_models(backend, specs, on_progress=_progress_logger())
    actions: list[ModelAction] = []
    for host in backend.hosts:
        async with OllamaBackend(
            [host], connect_timeout=backend.connect_timeout, read_timeout=backend.read_timeout
        ) as one_host:
            for action in await ensure_models(one_host, specs, on_progress=_progress_logger()):
                actions.append(replace(action, detail=f"on {host}: {action.detail}" if action.detail else f"on {host}"))
    return actions


def _progress_logger() -> Callable[[ModelProgress], None]:
    """Log each model's pull/create status when it changes (not every byte count)."""
    last: dict[str, str] = {}

    def log_progress(progress: ModelProgress) -> None:
        if last.get(progress.model) != progress.status:
            last[progress.model] = progress.status
            log.info("model %s: %s", progress.model, progress.status)

    return log_progress


async def _first_of(*waits: Any) -> None:
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


def _pack_context(settings: CoreSettings, registry: PackRegistry, store: RedisStore, pack: str) -> PackContext:
    loaded = registry.packs.get(pack)
    return PackContext(
        pack=pack,
        process="worker",
        core_settings=settings,
        settings=loaded.settings if loaded else None,
        store=store,
    )
