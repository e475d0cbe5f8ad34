"""HTTP routes of the finance pack (mounted under /api/v1/finance/): the pack's identity and each area's routes."""

from fastapi import APIRouter

from codexcontinue import PackInfo

from . import INFO
from .market_routes import router as market_router
from .portfolio_routes import router as portfolio_router
from .report_routes import router as report_router
from .statement_routes import router as statement_router
from .transaction_routes import router as transaction_router

router = APIRouter()
for area in (
    transaction_router,
    portfolio_router,
    market_router,
    statement_router,
    report_router,
):
    # The areas' routes themselves rather than include_router, whose nested routers FastAPI >= 0.165
    # keeps opaque: so the core's pack status lists every route.
    router.routes.extend(area.routes)


@router.get("/about")
async def about() -> PackInfo:
    """The pack's identity, as the UI's overview page shows it."""
    return INFO
