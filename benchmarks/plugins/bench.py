"""The handlers both servers of the overhead benchmark run: one router, mounted twice.

As a one-file plugin it is served through the whole platform; `bare_app.py` mounts the very
same router in a bare FastAPI app.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
from fastapi import APIRouter
from pydantic import BaseModel

from codexcontinue import READ_SCOPE, PackInfo, hookimpl
from codexcontinue_finance.market import annual_volatility, max_drawdown, sharpe_ratio, simple_returns
from codexcontinue_legal.citations import extract_citations

PACK_NAME = "bench"
PLUGIN_API = ">=1,<2"

router = APIRouter()
PRICES = 100 * np.cumprod(1 + np.random.default_rng(7).normal(0.0004, 0.01, 2520))  # ten years of days
DATES = [date.fromordinal(730000 + i) for i in range(len(PRICES))]


class Text(BaseModel):
    """Text to find citations in."""

    text: str


@router.post("/citations", openapi_extra=READ_SCOPE)
async def citations(body: Text) -> dict[str, object]:
    """Legal: eyecite citation extraction."""
    found = extract_citations(body.text)
    return {"count": len(found), "kinds": dict(Counter(c.kind for c in found))}


@router.get("/metrics")
async def metrics() -> dict[str, float]:
    """Finance: return series metrics on ten years of daily prices."""
    returns = simple_returns(PRICES)
    drawdown = max_drawdown(returns, DATES[1:])
    return {
        "volatility": float(annual_volatility(returns, 252)),
        "sharpe": float(sharpe_ratio(returns, 0.0, 252)),
        "max_drawdown": float(drawdown.depth),
    }


@hookimpl
def pack_info() -> PackInfo:
    """The benchmark pack."""
    return PackInfo(name=PACK_NAME, title="Benchmark")


@hookimpl
def api_router() -> APIRouter:
    """The shared router."""
    return router
