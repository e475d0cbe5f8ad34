"""The core's own routes: liveness, readiness, the pack status table, the caller's key, metrics."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ..packs.registry import PackRegistry
from ..packs.status import PackState
from ..specs import HealthReport
from .deps import current_key, require_scope
from .pack_context import pack_context

PROBE_TIMEOUT_S = 3.0

probe_router = APIRouter(tags=["core"])
core_router = APIRouter(tags=["core"], dependencies=[Depends(current_key)])


@probe_router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@probe_router.get("/readyz")
async def readyz(request: Request) -> dict[str, Any]:
    """Readiness per part (store, LLM backend, packs). A degraded part does not fail the probe."""
    app = request.app
    store_check, llm_check = await asyncio.gather(_check_store(app.state.store), _check_llm(app.state.llm))
    packs = await _check_packs(request)
    healthy = store_check["ok"] and llm_check["ok"] and all(p["ok"] for p in packs.values())
    return {
        "status": "ready" if healthy else "degraded",
        "checks": {"store": store_check, "llm": llm_check, "packs": packs},
    }


async def _check_store(store: Any) -> dict[str, Any]:
    try:
        await asyncio.wait_for(store.ping(), PROBE_TIMEOUT_S)
        return {"ok": True, "kind": store.kind}
    except Exception as error:  # noqa: BLE001 - reported, not raised
        return {"ok": False, "kind": store.kind, "detail": str(error) or type(error).__name__}


async def _check_llm(llm: Any) -> dict[str, Any]:
    try:
        version = await asyncio.wait_for(llm.ping(), PROBE_TIMEOUT_S)
        return {"ok": True, "version": version}
    except TimeoutError:
        return {"ok": False, "detail": f"no answer from the LLM backend within {PROBE_TIMEOUT_S} s"}
    except Exception as error:  # noqa: BLE001 - reported, not raised
        return {"ok": False, "detail": str(error)}


async def _check_packs(request: Request) -> dict[str, Any]:
    registry: PackRegistry = request.app.state.registry
    checks: dict[str, Any] = {}
    for name in registry.active():
        report = await registry.call_async(name, "pack_health", context=pack_context(request.app, name))
        if isinstance(report, HealthReport):
            checks[name] = {"state": "active", "ok": report.ok, "detail": report.detail}
    for status in registry.status_table():
        if status.name not in checks:
            ok = status.state in (PackState.ACTIVE, PackState.DISABLED)
            checks[status.name] = {"state": str(status.state), "ok": ok, "detail": status.error or ""}
    return dict(sorted(checks.items()))


@core_router.get("/packs")
async def packs(request: Request) -> list[dict[str, Any]]:
    """The pack status table: name, version, state, error, routes, pages, models."""
    registry: PackRegistry = request.app.state.registry
    return [status.as_dict() for status in registry.status_table()]


@probe_router.get("/metrics", dependencies=[Depends(require_scope("metrics:read"))])
async def metrics(request: Request) -> Response:
    """Prometheus metrics (needs the 'metrics:read' or 'admin' scope)."""
    return Response(generate_latest(request.app.state.metrics_registry), media_type=CONTENT_TYPE_LATEST)
