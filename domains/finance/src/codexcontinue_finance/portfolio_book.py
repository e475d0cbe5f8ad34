"""One owner's portfolios: each a trade history (kept as uploaded) and, optionally, a table of prices."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel

from codexcontinue import InputError

from .activity_csv import read_activity
from .owner_data import OwnerData, checked_name
from .portfolio_report import PortfolioReport, portfolio_report
from .price_csv import read_prices


class PortfolioInfo(BaseModel):
    """A saved portfolio: its history's file, size and span, and its prices' file if any."""

    name: str
    currency: str
    activity_file: str
    activities: int
    first_date: date
    last_date: date
    prices_file: str | None = None
    prices: int = 0
    updated_at: datetime


class PortfolioBook:
    """The portfolios of one API key."""

    def __init__(self, data: OwnerData, default_currency: str) -> None:
        self.data = data
        self.default_currency = default_currency

    async def save_activity(self, name: str, text: str, filename: str) -> PortfolioInfo:
        """Replace portfolio `name`'s trade history (creating the portfolio) after checking it replays."""
        checked_name(name, "Portfolio name")
        activities = read_activity(text, filename)
        currency = next((a.currency for a in activities if a.currency), self.default_currency)
        portfolio_report(name, currency, activities, None, None)  # refuses impossible histories (over-sales, lots)
        old = await self.data.get_json("portfolios", name, "info") or {}
        info = PortfolioInfo(
            name=name,
            currency=currency,
            activity_file=filename,
            activities=len(activities),
            first_date=activities[0].date,
            last_date=activities[-1].date,
            prices_file=old.get("prices_file"),
            prices=old.get("prices", 0),
            updated_at=datetime.now(UTC),
        )
        await self.data.set_json(text, "portfolios", name, "activity")
        await self.data.set_json(info.model_dump(mode="json"), "portfolios", name, "info")
        return info

    async def save_prices(self, name: str, text: str, filename: str) -> PortfolioInfo:
        """Replace portfolio `name`'s price table (long, wide or one series per symbol)."""
        info = await self.info(name)
        prices = read_prices(text, filename, default_symbol="")
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
        activities = read_activity(await self.data.get_json("portfolios", name, "activity"), info.activity_file)
        if as_of is not None and as_of < activities[0].date:
            raise InputError(f"Portfolio '{name}' starts on {activities[0].date}; pick a day from then on.")
        prices = await self.data.get_frame("portfolios", name, "prices")
        return portfolio_report(name, info.currency, activities, prices, as_of)

    async def delete(self, name: str) -> None:
        """Remove a portfolio with its history and prices."""
        await self.info(name)
        for part in ("activity", "prices", "info"):
            await self.data.delete("portfolios", name, part)
