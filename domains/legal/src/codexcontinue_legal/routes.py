"""HTTP routes of the legal pack (mounted under /api/v1/legal/)."""

from fastapi import APIRouter

from . import INFO

router = APIRouter()


@router.get("/about")
async def about() -> dict[str, str]:
    """The pack's identity, as the UI's overview page shows it."""
    return INFO.model_dump()
