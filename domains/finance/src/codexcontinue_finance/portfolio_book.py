"""One owner's portfolios: each a trade history (a CSV as uploaded, or one made from an OFX investment statement)
and, optionally, a table of prices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

import polars as pl
from pydantic import BaseModel, Field

from codexcontinue import InputError
from codexcontinue.cpu_work import run_cpu_bound

from .activity_csv import Activity, activity_text, read_activity
from .ofx_investment import read_investment_ofx
from .ofx_reading import is_ofx, read_ofx_document
from .messages import naming_the_file
from .owner_data import OwnerData, checked_name
from .portfolio_report import PortfolioReport, portfolio_report
from .portfolio_statement import StatementCheck, reconcile
from .price_csv import read_prices
from .uploads import decode_text


class PortfolioInfo(BaseModel):
    """A saved portfolio: its history's file, size and span, its prices' file if any, and for a statement how it
    was read and how it compares with the statement."""

    name: str
    currency: str
    activity_file: str
    source: Literal["csv", "ofx"] = "csv"
    activities: int
    first_date: date
    last_date: date
    prices_file: str | None = None
    prices: int = 0
    updated_at: datetime
    cash_stated: bool = Field(default=True, description="False when the statement gives no cash balance.")
    fallbacks: list[str] = Field(default_factory=list, description="For OFX: what the lenient reading needed.")
    statement: StatementCheck | None = Field(default=None, description="For OFX: positions and cash checked.")


@dataclass
class History:
    """A trade history ready to store: its text, its activities and, from a statement, prices and the check."""

    text: str
    activities: list[Activity]
    currency: str
    source: Literal["csv", "ofx"]
    statement_prices: pl.DataFrame | None = None
    check: StatementCheck | None = None
    fallbacks: list[str] | None = None
    cash_stated: bool = True


def read_history(content: bytes, filename: str, name: str, account: str | None, default_currency: str) -> History:
    """A trade-history CSV or an OFX investment statement, checked (CPU-bound: run it with `run_cpu_bound`); every
    refusal names the file."""
    with naming_the_file(filename):
        return _history(content, filename, name, account, default_currency)


def _history(content: bytes, filename: str, name: str, account: str | None, default_currency: str) -> History:
    if is_ofx(content):
        document = read_ofx_document(content, filename)
        statement = read_investment_ofx(document, account)
        reconciled = reconcile(statement, name, filename)
        return History(
            text=activity_text(reconciled.activities),
            activities=reconciled.activities,
            currency=statement.currency,
            source="ofx",
            statement_prices=reconciled.prices,
            check=reconciled.check,
            fallbacks=document.fallbacks,
            cash_stated=statement.cash is not None,
        )
    text = decode_text(content, filename)
    activities = read_activity(text, filename)
    currency = next((a.currency for a in activities if a.currency), default_currency)
    portfolio_report(name, currency, activities, None, None)  # refuses impossible histories (over-sales, lots)
    return History(text=text, activities=activities, currency=currency, source="csv")


class PortfolioBook:
    """The portfolios of one API key."""

    def __init__(self, data: OwnerData, default_currency: str) -> None:
        self.data = data
        self.default_currency = default_currency

    async def save_activity(self, name: str, content: bytes, filename: str, account: str | None) -> PortfolioInfo:
        """Replace portfolio `name`'s trade history (creating the portfolio) with a CSV or an OFX investment
        statement, after checking it replays (and, for a statement, agrees with its positions and cash)."""
        checked_name(name, "Portfolio name")
        history = await run_cpu_bound(read_history, content, filename, name, account, self.default_currency)
        old = await self.data.get_json("portfolios", name, "info") or {}
        info = PortfolioInfo(
            name=name,
            currency=history.currency,
            activity_file=filename,
            source=history.source,
            activities=len(history.activities),
            first_date=history.activities[0].date,
            last_date=history.activities[-1].date,
            prices_file=old.get("prices_file"),
            prices=old.get("prices", 0),
            updated_at=datetime.now(UTC),
            cash_stated=history.cash_stated,
            fallbacks=history.fallbacks or [],
            statement=history.check,
        )
        await self.data.set_json(history.text, "portfolios", name, "activity")
        if history.statement_prices is not None:
            await self.data.set_frame(history.statement_prices, "portfolios", name, "statement_prices")
        else:
            await self.data.delete("portfolios", name, "statement_prices")
        await self.data.set_json(info.model_dump(mode="json"), "portfolios", name, "info")
        return info

    async def save_prices(self, name: str, text: str, filename: str) -> PortfolioInfo:
        """Replace portfolio `name`'s price table (long, wide or one series per symbol)."""
        info = await self.info(name)
        prices = await run_cpu_bound(read_prices, text, filename, "")
        if (prices["symbol"] == "").any():
            raise InputError(
                f"'{filename}' has one price column and no symbol; give prices as Date,Symbol,Close rows or one "
                "column per symbol."
            )
        await self.data.set_frame(prices, "portfolios", name, "prices")
        info = info.model_copy(
            update={
                "prices_file": filename,
                "prices": prices.height,
                "updated_at": datetime.now(UTC),
            }
        )
        await self.data.set_json(info.model_dump(mode="json"), "portfolios", name, "info")
        return info

    async def info(self, name: str) -> PortfolioInfo:
        """A portfolio's description; 404 when this key has none by that name."""
        return PortfolioInfo(**await self.data.require_json(f"portfolio '{name}'", "portfolios", name, "info"))

    async def list(self) -> list[PortfolioInfo]:
        """Every portfolio of this key, by name."""
        return [
            PortfolioInfo(**await self.data.get_json("portfolios", n, "info"))
            for n in await self.data.names("portfolios")
        ]

    async def report(self, name: str, as_of: date | None) -> PortfolioReport:
        """Positions, allocation, gains and returns of portfolio `name` as of a day (default: the latest known)."""
        info = await self.info(name)
        text = await self.data.get_json("portfolios", name, "activity")
        activities = await run_cpu_bound(read_activity, text, info.activity_file)
        if as_of is not None and as_of < activities[0].date:
            raise InputError(f"Portfolio '{name}' starts on {activities[0].date}; pick a day from then on.")
        uploaded = await self.data.get_frame("portfolios", name, "prices")
        statement = await self.data.get_frame("portfolios", name, "statement_prices")
        prices = _prices(statement, uploaded)
        return await run_cpu_bound(portfolio_report, name, info.currency, activities, prices, as_of, info.cash_stated)

    async def delete(self, name: str) -> None:
        """Remove a portfolio with its history and prices."""
        await self.info(name)
        for part in ("activity", "prices", "statement_prices", "info"):
            await self.data.delete("portfolios", name, part)


def _prices(statement: pl.DataFrame | None, uploaded: pl.DataFrame | None) -> pl.DataFrame | None:
    """The statement's prices with the uploaded ones over them (an uploaded close wins on the same day)."""
    frames = [f.select("date", "symbol", "close") for f in (statement, uploaded) if f is not None]
    if not frames:
        return None
    return pl.concat(frames).unique(["symbol", "date"], keep="last", maintain_order=True).sort("symbol", "date")
