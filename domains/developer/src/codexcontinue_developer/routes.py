"""HTTP routes of the developer pack (mounted under /api/v1/developer/): its identity and each area's routes."""

from fastapi import APIRouter

from codexcontinue import PackInfo

from . import INFO
from .analysis_routes import router as analysis_router
from .docs_routes import router as docs_router
from .scaffold_routes import router as scaffold_router

router = APIRouter()
for area in (analysis_router, scaffold_router, docs_router):
    router.include_router(area)


@router.get("/about")
async def about() -> PackInfo:
    """The pack's identity, as the UI's overview page shows it."""
    return INFO
