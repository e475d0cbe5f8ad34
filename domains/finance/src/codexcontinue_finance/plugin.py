"""The finance pack's hook implementations."""

from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter

from codexcontinue import ModelSpec, PackContext, PackInfo, PageSpec, hookimpl

from . import INFO
from .analyst_model import analyst_model_spec
from .legacy_keys import move_per_key_data
from .routes import router
from .settings import FinanceSettings

PAGES = Path(__file__).parent / "pages"


@hookimpl
def pack_info() -> PackInfo:
    """The finance pack's identity."""
    return INFO


@hookimpl
def pack_settings() -> type[FinanceSettings]:
    """Upload limit, default currency and anomaly thresholds, from CODEXCONTINUE_FINANCE__*."""
    return FinanceSettings


@hookimpl
def api_router() -> APIRouter:
    """Routes served under /api/v1/finance/."""
    return router


@hookimpl
def register_pages(register: Callable[[PageSpec], None]) -> None:
    """The finance pack's Streamlit pages."""
    register(PageSpec(path=PAGES / "overview.py", title="Overview", slug="overview"))
    register(
        PageSpec(
            path=PAGES / "transactions.py",
            title="Transactions",
            slug="transactions",
            icon=":material/receipt_long:",
        )
    )
    register(
        PageSpec(
            path=PAGES / "portfolio.py",
            title="Portfolio",
            slug="portfolio",
            icon=":material/pie_chart:",
        )
    )
    register(
        PageSpec(
            path=PAGES / "market.py",
            title="Market analysis",
            slug="market",
            icon=":material/show_chart:",
        )
    )
    register(
        PageSpec(
            path=PAGES / "statements.py",
            title="Statement ratios",
            slug="statements",
            icon=":material/table_chart:",
        )
    )


@hookimpl
def register_models(register: Callable[[ModelSpec], None]) -> None:
    """The finance pack's LLM, created in Ollama by `codexcontinue models ensure`."""
    register(analyst_model_spec())


@hookimpl
async def startup(context: PackContext) -> None:
    """Move data kept per key before keys had owners into the owners' namespaces (see legacy_keys)."""
    await move_per_key_data(context.store)
