"""A portfolio's value on any day (from uploaded prices, else its own trade prices) and its returns:
time-weighted (sub-periods between external flows, chain-linked) and money-weighted (XIRR)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date

import polars as pl
import pyxirr

from .portfolio import Holdings


@dataclass(frozen=True)
class Quote:
    """A price used for a valuation, the day it is from, and where it came from ('prices' or 'trade')."""

    price: float
    date: date
    source: str


class PriceBook:
    """Closing prices per symbol from an uploaded price table, with the history's own trade prices as fallback."""

    def __init__(
        self,
        prices: pl.DataFrame | None,
        trade_prices: dict[str, list[tuple[date, float]]],
    ) -> None:
        self._series: dict[str, tuple[list[date], list[Quote]]] = {}
        uploaded: dict[str, dict[date, Quote]] = {}
        if prices is not None:
            for symbol, day, close in prices.select("symbol", "date", "close").iter_rows():
                uploaded.setdefault(symbol, {})[day] = Quote(close, day, "prices")
        for symbol in set(uploaded) | set(trade_prices):
            quotes = {day: Quote(price, day, "trade") for day, price in trade_prices.get(symbol, [])}
            quotes.update(uploaded.get(symbol, {}))  # an uploaded close wins over a trade the same day
            days = sorted(quotes)
            self._series[symbol] = (days, [quotes[day] for day in days])

    def quote(self, symbol: str, day: date) -> Quote | None:
        """The latest price of `symbol` on or before `day`, or None when there is none."""
        days, quotes = self._series.get(symbol, ([], []))
        index = bisect.bisect_right(days, day) - 1
        return quotes[index] if index >= 0 else None


def value_on(quantities: dict[str, float], cash: float, book: PriceBook, day: date) -> float:
    """The value of `quantities` (priced on `day`) plus `cash`."""
    total = cash
    for symbol, quantity in quantities.items():
        if abs(quantity) > 1e-12:
            quote = book.quote(symbol, day)
            total += quantity * (quote.price if quote else 0.0)
    return total


@dataclass(frozen=True)
class Returns:
    """Time- and money-weighted returns over [start, end], and why one is missing when it is."""

    start: date | None
    end: date
    days: int
    time_weighted: float | None
    time_weighted_annualised: float | None
    money_weighted: float | None
    external_flows: int
    note: str | None


def portfolio_returns(holdings: Holdings, book: PriceBook, end: date) -> Returns:
    """TWR and XIRR from the replayed snapshots: each day with an external flow starts a sub-period. Shares
    transferred in or out are flows at that day's price; without one, the returns are not stated."""
    points = []
    for snapshot in holdings.snapshots:
        flow = snapshot.flow
        for symbol, units in snapshot.transfers.items():
            quote = book.quote(symbol, snapshot.date)
            if quote is None:
                note = (
                    f"{abs(units):g} {symbol} were transferred {'in' if units > 0 else 'out'} on {snapshot.date} and "
                    "no price of that day is known, so the money put in is not stated and neither are the returns."
                )
                return Returns(None, end, 0, None, None, None, 0, note)
            flow += units * quote.price
        if abs(flow) > 1e-12:
            cash = snapshot.cash if holdings.tracks_cash else 0.0
            points.append((snapshot.date, value_on(snapshot.quantities, cash, book, snapshot.date), flow))
    last = holdings.snapshots[-1]
    final_value = value_on(last.quantities, last.cash if holdings.tracks_cash else 0.0, book, end)
    growth, previous = 1.0, None
    for _, value, flow in [*points, (end, final_value, 0.0)]:
        if previous is not None and previous > 1e-12:
            growth *= (value - flow) / previous
        previous = value
    start = points[0][0]
    days = (end - start).days
    twr = growth - 1.0
    annualised = growth ** (365.0 / days) - 1.0 if days > 0 and growth > 0 else None
    flow_days = [day for day, _, _ in points]
    amounts = [-flow for _, _, flow in points]
    if end in flow_days:
        amounts[flow_days.index(end)] += final_value
    else:
        flow_days.append(end)
        amounts.append(final_value)
    note = None
    try:
        mwr = pyxirr.xirr(flow_days, amounts)
    except pyxirr.InvalidPaymentsError:
        mwr, note = (
            None,
            "The money-weighted return needs money both put in and taken out (or still held).",
        )
    if mwr is None and note is None:
        note = "The money-weighted return (XIRR) has no solution for these flows."
    return Returns(start, end, days, twr, annualised, mwr, len(points), note)
