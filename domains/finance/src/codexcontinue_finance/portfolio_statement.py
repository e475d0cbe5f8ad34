"""An investment statement turned into a portfolio that agrees with it: what was held before the statement's first
transaction, the activities, and the check of positions and cash against the statement's own.

    reconciled = reconcile(statement, name)

A statement covers a period, so shares and cash may have been there before its first transaction.
Those are worked out from the statement itself: the units it lists (`<INVPOSLIST>`) less what its
transactions added, and the cash it states (`<INVBAL><AVAILCASH>`) less what its transactions
moved. They become transfers in (cost not stated: the statement does not say what they cost) and an
opening deposit on the statement's first day, and the import record lists them. Then the whole
history is replayed, and every position's units and market value, and the cash, must agree with the
statement within a cent; a statement that does not (a transaction missing, a sale of shares it never
held) is refused with what disagrees.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl
from pydantic import BaseModel

from codexcontinue import InputError

from .activity_csv import SAME_DAY_ORDER, Activity
from .ofx_investment import InvestmentStatement
from .portfolio_report import portfolio_report

CENT = 0.01
UNIT = 1e-4


class PositionCheck(BaseModel):
    """One position: the statement's units and value beside the portfolio's."""

    symbol: str
    statement_units: float
    units: float
    statement_value: float
    value: float
    agrees: bool


class StatementCheck(BaseModel):
    """How the imported portfolio compares with the statement it came from."""

    account: str
    broker: str | None
    as_of: str
    positions: list[PositionCheck]
    statement_cash: float | None
    cash: float | None
    inferred: list[str]
    agrees: bool


@dataclass
class Reconciled:
    """The activities to store (openings first), the statement's prices, and the check."""

    activities: list[Activity]
    prices: pl.DataFrame
    check: StatementCheck


def _ordered(activities: list[Activity]) -> list[Activity]:
    return sorted(activities, key=lambda a: (a.date, SAME_DAY_ORDER[a.action]))


def _units(activities: list[Activity], opening: dict[str, float]) -> dict[str, float]:
    """Units of each symbol after `activities`, starting from `opening` (negative holdings allowed here)."""
    units = dict(opening)
    for activity in _ordered(activities):
        symbol = activity.symbol or ""
        if activity.action in ("buy", "transfer in"):
            units[symbol] = units.get(symbol, 0.0) + activity.quantity
        elif activity.action in ("sell", "transfer out"):
            units[symbol] = units.get(symbol, 0.0) - activity.quantity
        elif activity.action == "split":
            units[symbol] = units.get(symbol, 0.0) * activity.ratio
    return units


def _cash_moved(activities: list[Activity]) -> float:
    signs = {"buy": -1, "sell": 1, "dividend": 1, "interest": 1, "return of capital": 1, "fee": -1, "deposit": 1,
             "withdrawal": -1}  # fmt: skip
    return sum(signs.get(a.action, 0) * (a.amount or 0.0) for a in activities)


def reconcile(statement: InvestmentStatement, name: str, filename: str) -> Reconciled:
    """The portfolio `name` built from `statement`, checked against its positions and cash."""
    listed = {p.symbol: p for p in statement.positions}
    closing = _units(statement.activities, {})
    with_one = {s: _units(statement.activities, {s: 1.0})[s] for s in {*closing, *listed}}
    openings: list[Activity] = []
    inferred: list[str] = []
    problems: list[str] = []
    for symbol in sorted({*closing, *listed}):
        target = listed[symbol].units if symbol in listed else 0.0
        growth = with_one[symbol] - closing.get(symbol, 0.0)
        needed = (target - closing.get(symbol, 0.0)) / growth if growth else 0.0
        if needed < -UNIT:
            problems.append(
                f"{symbol}: the transactions leave {closing.get(symbol, 0.0):g} units, the positions list {target:g}"
            )
        elif needed > UNIT:
            if not statement.positions:
                raise InputError(
                    f"'{filename}' sells or transfers out {symbol} that its transactions never bought, and it lists no "
                    "positions (<INVPOSLIST>) to tell what was held before; download a statement with positions."
                )
            line = listed[symbol].line if symbol in listed else 0
            openings.append(
                Activity(
                    line=line,
                    date=statement.start,
                    action="transfer in",
                    symbol=symbol,
                    quantity=needed,
                    price=0.0,
                    fees=0.0,
                    amount=None,
                    lot=f"{symbol}-opening",
                    ratio=1.0,
                    asset_class=statement.asset_classes.get(symbol),
                    currency=statement.currency,
                )
            )
            inferred.append(f"{needed:g} {symbol} held before {statement.start} (cost not stated)")
    if problems:
        raise InputError(
            f"'{filename}' does not agree with itself, so it was not imported: " + "; ".join(problems) + ". A "
            "transaction may be missing from the download; download the statement again for a longer period."
        )
    if statement.cash is not None:
        opening_cash = statement.cash - _cash_moved(statement.activities)
        if abs(opening_cash) >= CENT / 2:
            action = "deposit" if opening_cash > 0 else "withdrawal"
            openings.append(
                Activity(
                    line=0,
                    date=statement.start,
                    action=action,
                    symbol=None,
                    quantity=0.0,
                    price=0.0,
                    fees=0.0,
                    amount=abs(opening_cash),
                    lot=None,
                    ratio=1.0,
                    asset_class=None,
                    currency=statement.currency,
                )
            )
            inferred.append(f"cash of {opening_cash:,.2f} {statement.currency} before {statement.start}")
    classes = statement.asset_classes
    activities = [replace(a, asset_class=a.asset_class or classes.get(a.symbol or "")) for a in statement.activities]
    activities = _ordered([*openings, *activities])
    prices = pl.DataFrame(
        [{"date": p.priced_on, "symbol": p.symbol, "close": p.unit_price} for p in statement.positions if p.unit_price > 0],
        schema={"date": pl.Date, "symbol": pl.String, "close": pl.Float64},
    )
    report = portfolio_report(name, statement.currency, activities, prices, None, statement.cash is not None)
    held = {p.symbol: p for p in report.positions}
    checks = []
    for symbol in sorted({*held, *listed}):
        ours, theirs = held.get(symbol), listed.get(symbol)
        units = ours.quantity if ours else 0.0
        value = ours.market_value if ours else 0.0
        statement_units = theirs.units if theirs else 0.0
        statement_value = theirs.market_value if theirs else 0.0
        agrees = abs(units - statement_units) <= UNIT and abs(value - statement_value) <= CENT
        checks.append(PositionCheck(symbol=symbol, statement_units=statement_units, units=units,
                                    statement_value=statement_value, value=round(value, 2), agrees=agrees))  # fmt: skip
    cash_agrees = statement.cash is None or (report.cash is not None and abs(report.cash - statement.cash) <= CENT)
    check = StatementCheck(
        account=statement.account,
        broker=statement.broker,
        as_of=str(statement.as_of),
        positions=checks,
        statement_cash=statement.cash,
        cash=None if report.cash is None else round(report.cash, 2),
        inferred=inferred,
        agrees=cash_agrees and all(c.agrees for c in checks),
    )
    if not check.agrees:
        wrong = [f"{c.symbol} ({c.units:g} units worth {c.value:,.2f}; the statement: {c.statement_units:g} worth "
                 f"{c.statement_value:,.2f})" for c in checks if not c.agrees]  # fmt: skip
        if not cash_agrees:
            wrong.append(f"cash ({report.cash}; the statement: {statement.cash:,.2f})")
        raise InputError(
            f"'{filename}' was not imported: the portfolio its transactions make disagrees with its own positions "
            f"and balances: {'; '.join(wrong)}. Download the statement again, or tell us about the file."
        )
    return Reconciled(activities=activities, prices=prices, check=check)
