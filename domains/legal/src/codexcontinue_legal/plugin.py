"""The legal pack's hook implementations."""

from collections.abc import Callable
from pathlib import Path

import typer
from fastapi import APIRouter

from codexcontinue import ModelSpec, PackInfo, PageSpec, hookimpl

from . import INFO
from .analyst_model import analyst_model_spec
from .routes import router
from .settings import LegalSettings

PAGES = Path(__file__).parent / "pages"


@hookimpl
def pack_info() -> PackInfo:
    """The legal pack's identity."""
    return INFO


@hookimpl
def pack_settings() -> type[LegalSettings]:
    """Upload limit, court holidays, risk thresholds and the analyst's base model."""
    return LegalSettings


@hookimpl
def api_router() -> APIRouter:
    """Routes served under /api/v1/legal/."""
    return router


@hookimpl
def register_pages(register: Callable[[PageSpec], None]) -> None:
    """The legal pack's Streamlit pages."""
    register(PageSpec(path=PAGES / "overview.py", title="Overview", slug="overview"))
    register(
        PageSpec(
            path=PAGES / "contract_review.py",
            title="Contract review",
            slug="contracts",
            icon=":material/contract:",
        )
    )
    register(
        PageSpec(
            path=PAGES / "citations.py", title="Citations", slug="citations", icon=":material/format_quote:"
        )
    )
    register(PageSpec(path=PAGES / "matters.py", title="Matters", slug="matters", icon=":material/work:"))


@hookimpl
def register_models(register: Callable[[ModelSpec], None], settings: LegalSettings) -> None:
    """'legal-analyst': summaries with citations intact, and the structured clause pass."""
    register(analyst_model_spec(settings.analyst_base_model))


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    """`codexcontinue legal eval` (measure on CUAD-format contracts) and `codexcontinue legal train-detector`."""
    from .commands import add_commands

    add_commands(cli)
