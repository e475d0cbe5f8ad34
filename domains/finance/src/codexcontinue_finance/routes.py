"""HTTP routes of the finance pack (mounted under /api/v1/finance/): the pack's identity and each area's routes."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from codexcontinue import PackInfo

from . import INFO
from .deps import UploadLimitDep
from .market_routes import router as market_router
from .portfolio_routes import router as portfolio_router
from .report_routes import router as report_router
from .statement_routes import router as statement_router
from .transaction_routes import router as transaction_router
from .uploads import size_text

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


class UploadLimit(BaseModel):
    """The largest file a finance upload accepts, as the server enforces it (the pages' uploaders state the same)."""

    max_upload_bytes: int
    max_upload_mb: int = Field(description="Whole megabytes (1 MB = 1,048,576 bytes), at least 1, for uploaders.")
    text: str = Field(description="The limit in words, e.g. '50 MB'.")


@router.get("/limits")
async def upload_limits(limit: UploadLimitDep) -> UploadLimit:
    """The upload limit, so that the UI states the one the server enforces."""
    return UploadLimit(max_upload_bytes=limit, max_upload_mb=max(1, limit // (1024 * 1024)), text=size_text(limit))
