"""The portfolio report: positions with cost basis and gains, allocation by asset and class, returns, sales."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl
from pydantic import BaseModel, Field

from .activity_csv import Activity
from .performance import PriceBook, Returns, portfolio_returns
from .portfolio import EPSILON, Realisation, replay

UNCLASSIFIED = "Unclassified"


class LotView(BaseModel):
    """An open lot."""

    id: str
    opened: date
    quantity: float
    cost: float | None = Field(description="None when the cost is not stated (shares transferred in without one).")


class Position(BaseModel):
    """Shares of one symbol held, what they cost, what they are worth and what they earned."""

    symbol: str
    asset_class: str
    quantity: float
    cost_basis: float | None = Field(
        description="What the shares still held cost, fees included; None when a lot's cost is not stated."
    )
    average_cost: float | None
    price: float | None
    price_date: date | None
    price_source: str | None = Field(description="'prices' (uploaded) or 'trade' (the last trade price).")
    market_value: float
    unrealised_gain: float | None
    unrealised_return: float | None
    realised_gain: float | None = Field(description="None when a sale came from a lot whose cost is not stated.")
    dividends: float
    weight: float = Field(description="Share of the portfolio's total value.")
    lots: list[LotView]


class Slice(BaseModel):
    """One part of an allocation."""

    name: str
    value: float
    weight: float


class ReturnFigures(BaseModel):
    """Time-weighted and money-weighted (XIRR) returns, as fractions (0.05 = 5%)."""

    start: date | None
    end: date
    days: int
    time_weighted: float | None
    time_weighted_annualised: float | None
    money_weighted: float | None
    external_flows: int
    flows_from: str = Field(description="'deposits and withdrawals', or 'trades' for a securities-only history.")
    note: str | None


class PortfolioReport(BaseModel):
    """Everything computed about one portfolio as of a day."""

    name: str
    currency: str
    as_of: date
    positions: list[Position]
    cash: float | None = Field(description="Cash balance; None for a history of trades alone, or when not stated.")
    invested_value: float
    total_value: float
    cost_basis: float | None
    unrealised_gain: float | None
    realised_gain: float | None
    dividends: float
    interest: float
    fees: float
    returned_capital: float
    allocation_by_asset: list[Slice]
    allocation_by_class: list[Slice]
    returns: ReturnFigures
    sales: list[Realisation]


def portfolio_report(
    name: str,
    currency: str,
    activities: list[Activity],
    prices: pl.DataFrame | None,
    as_of: date | None,
    cash_stated: bool = True,
) -> PortfolioReport:
    """Replay `activities` up to `as_of` (default: the latest activity or price) and report on the result.
    `cash_stated` False (a statement that gives no cash balance) reports no cash and no returns."""
    last_price = prices["date"].max() if prices is not None and not prices.is_empty() else None
    as_of = as_of or max(d for d in (activities[-1].date, last_price) if d is not None)
    holdings = replay(activities, until=as_of)
    book = PriceBook(prices, holdings.trade_prices)
    realised_by_symbol: dict[str, float | None] = {}
    for sale in holdings.realised:
        realised_by_symbol[sale.symbol] = _sum(realised_by_symbol.get(sale.symbol, 0.0), sale.gain)
    positions = []
    for symbol in holdings.symbols():
        lots = holdings.lots[symbol]
        quantity = holdings.quantity(symbol)
        cost = None if any(lot.cost is None for lot in lots) else sum(lot.cost or 0.0 for lot in lots)
        quote = book.quote(symbol, as_of)
        value = quantity * quote.price if quote else 0.0
        positions.append(
            Position(
                symbol=symbol,
                asset_class=holdings.asset_classes.get(symbol, UNCLASSIFIED),
                quantity=quantity,
                cost_basis=cost,
                average_cost=None if cost is None else cost / quantity,
                price=quote.price if quote else None,
                price_date=quote.date if quote else None,
                price_source=quote.source if quote else None,
                market_value=value,
                unrealised_gain=None if cost is None else value - cost,
                unrealised_return=(value - cost) / cost if cost is not None and cost > EPSILON else None,
                realised_gain=realised_by_symbol.get(symbol, 0.0),
                dividends=holdings.dividends.get(symbol, 0.0),
                weight=0.0,
                lots=[
                    LotView(
                        id=lot.id,
                        opened=lot.opened,
                        quantity=lot.quantity,
                        cost=lot.cost,
                    )
                    for lot in lots
                ],
            )
        )
    cash = holdings.cash if holdings.tracks_cash and cash_stated else None
    invested = sum(p.market_value for p in positions)
    total = invested + (cash or 0.0)
    for position in positions:
        position.weight = position.market_value / total if total > EPSILON else 0.0
    by_asset = {p.symbol: p.market_value for p in positions}
    by_class: dict[str, float] = {}
    for position in positions:
        by_class[position.asset_class] = by_class.get(position.asset_class, 0.0) + position.market_value
    if cash:
        by_asset["Cash"] = cash
        by_class["Cash"] = by_class.get("Cash", 0.0) + cash
    returns = portfolio_returns(holdings, book, as_of)
    if not cash_stated:
        returns = Returns(returns.start, returns.end, 0, None, None, None, 0,
                          "The statement gives no cash balance, so what was put in is not stated and neither are the returns.")  # fmt: skip
    return PortfolioReport(
        name=name,
        currency=currency,
        as_of=as_of,
        positions=positions,
        cash=cash,
        invested_value=invested,
        total_value=total,
        cost_basis=_total(p.cost_basis for p in positions),
        unrealised_gain=_total(p.unrealised_gain for p in positions),
        realised_gain=_total(s.gain for s in holdings.realised),
        dividends=sum(holdings.dividends.values()),
        interest=holdings.interest,
        fees=holdings.fees,
        returned_capital=holdings.returned_capital,
        allocation_by_asset=_slices(by_asset, total),
        allocation_by_class=_slices(by_class, total),
        returns=ReturnFigures(
            **returns.__dict__,
            flows_from="deposits and withdrawals" if holdings.tracks_cash else "trades",
        ),
        sales=holdings.realised,
    )


def _sum(total: float | None, value: float | None) -> float | None:
    return None if total is None or value is None else total + value


def _total(values: Iterable[float | None]) -> float | None:
    """The sum, or None when any part is not stated."""
    total: float | None = 0.0
    for value in values:
        total = _sum(total, value)
    return total


def _slices(values: dict[str, float], total: float) -> list[Slice]:
    return sorted(
        (
            Slice(name=name, value=value, weight=value / total if total > EPSILON else 0.0)
            for name, value in values.items()
        ),
        key=lambda s: -s.value,
    )
