"""The app factory: core routes plus every active pack's router under `/api/v1/<pack>/`."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import iter_route_contexts
from prometheus_client import CollectorRegistry
from starlette.concurrency import run_in_threadpool

from ..audit import AuditTrail
from ..cpu_work import install_cpu_pool
from ..keys import KeyRing
from ..ml.jobs_routes import attach_jobs, running_jobs
from ..ml.metrics import MLMetrics
from ..ml.ollama_backend import OllamaBackend
from ..ml.runtime import LLMRuntime
from ..packs.registry import PackRegistry
from ..settings import CoreSettings, load_core_settings
from ..store import Store, open_store
from .auditing import AuditMiddleware
from .core_routes import core_router, probe_router
from .deps import pack_scope
from .docs_pages import add_docs_pages
from .errors import UnexpectedErrors, declare_validation_answer, install_error_handlers
from .http_metrics import HttpMetrics
from .hygiene import BodyLimit, SecurityHeaders, TimeLimit, UrlLimit
from .key_routes import key_router
from .pack_context import pack_context
from .quotas import Quotas
from .request_info import RouteTemplates

log = logging.getLogger("codexcontinue.api")


def create_app(
    settings: CoreSettings | None = None,
    *,
    registry: PackRegistry | None = None,
    store: Store | None = None,
) -> FastAPI:
    """Build the backend for the enabled packs. Arguments left out are built from settings."""
    settings = settings or load_core_settings()
    registry = registry or PackRegistry(settings).load()
    store = store or open_store(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        cpu_pool = install_cpu_pool(asyncio.get_running_loop(), settings.cpu_threads)
        for name in registry.active():
            await registry.call_async(name, "startup", context=pack_context(app, name))
        # Two pauses the first requests would otherwise take in the event loop: importing anyio's
        # thread backend (~0.1 s, at the first sync dependency), and full garbage-collection passes
        # over everything loaded so far (0.3 s with the health pack's tables); frozen objects are
        # never scanned again.
        await run_in_threadpool(gc.freeze)
        async with running_jobs(app):
            yield
        for name in reversed(registry.active()):
            await registry.call_async(name, "shutdown", context=pack_context(app, name))
        await store.close()
        cpu_pool.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="CodexContinue",
        version=_core_version(),
        description="Domain packs for private, local AI. Every /api/v1 route needs an API key.",
        lifespan=lifespan,
        docs_url=None,  # add_docs_pages serves them from local files, not a CDN
        redoc_url=None,
    )
    add_docs_pages(app)
    app.state.settings = settings
    app.state.registry = registry
    app.state.store = store
    app.state.keyring = KeyRing(store)
    app.state.llm = OllamaBackend.from_settings(settings)
    app.state.metrics_registry = CollectorRegistry()
    app.state.quotas = Quotas(settings)
    app.state.audit = AuditTrail(settings, store)
    app.state.llm_runtime = LLMRuntime(
        app.state.llm,
        store,
        registry,
        MLMetrics(app.state.metrics_registry),
        cache_ttl=settings.llm_cache_ttl,
        schema_retries=settings.llm_schema_retries,
        call_timeout=settings.llm_call_timeout_s,
        budget=app.state.quotas,
    )
    attach_jobs(app)
    install_error_handlers(app)
    declare_validation_answer(app)
    _add_middleware(app, settings)
    app.include_router(probe_router)
    app.include_router(core_router, prefix="/api/v1")
    app.include_router(key_router, prefix="/api/v1")
    _mount_pack_routers(app, registry)
    app.state.route_templates = RouteTemplates(app.routes)
    return app


def _add_middleware(app: FastAPI, settings: CoreSettings) -> None:
    """Request hygiene, metrics and the audit trail; the last added runs first, so the audit and
    the metrics also see the answers the limits give (413, 504). A URL over the limit is refused
    (414) before anything else runs: no audit record, no pack code."""
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(TimeLimit, seconds=settings.request_timeout_s)
    registry: PackRegistry = app.state.registry
    always_audited = [name for name, loaded in registry.packs.items() if loaded.info.always_audited]
    app.add_middleware(
        AuditMiddleware, trail=app.state.audit, settings=settings, packs=registry.statuses, always_audited=always_audited
    )
    app.add_middleware(HttpMetrics, registry=app.state.metrics_registry)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "Last-Event-ID"],
        )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(UrlLimit, max_bytes=settings.max_url_bytes)


def _mount_pack_routers(app: FastAPI, registry: PackRegistry) -> None:
    for name in registry.active():
        router = registry.call(name, "api_router")
        if router is None:
            continue
        if not isinstance(router, APIRouter):
            registry.quarantine(name, f"Pack '{name}': api_router() must return a fastapi.APIRouter")
            continue
        prefix = f"/api/v1/{name}"
        app.include_router(router, prefix=prefix, tags=[name], dependencies=[Depends(pack_scope(name))])
    _record_pack_routes(app, registry)


def _record_pack_routes(app: FastAPI, registry: PackRegistry) -> None:
    """Fill each active pack's status with its routes, nested routers included."""
    routes: dict[str, list[str]] = {name: [] for name in registry.active()}
    for route in iter_route_contexts(app.routes):
        parts = (route.path or "").split("/")
        if len(parts) > 3 and parts[3] in routes:
            methods = getattr(route.original_route, "methods", None) or ()
            routes[parts[3]] += [f"{method} {route.path}" for method in methods]
    for name, lines in routes.items():
        registry.statuses[name].routes = sorted(lines)


def _core_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("codexcontinue")
    except PackageNotFoundError:
        return "0.0.0"
