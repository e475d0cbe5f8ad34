"""Replaying a trade history into holdings: FIFO lots (or the lot a sell names), splits, realised gains, dividends, cash.

External cash flows (what the investor put in or took out) are what the returns are measured
against. A history with deposits or withdrawals keeps a cash balance and those are its flows; a
history of trades alone is valued as securities only, so each buy is money put in and each sale,
dividend or interest payment is money taken out. Shares transferred in or out are flows too, at
their market value that day.

A lot whose cost is not stated (shares transferred in without a cost basis) keeps `cost=None`, and
so does every figure that would need it: a sale from it has no stated gain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from codexcontinue import InputError
from codexcontinue.cpu_work import checkpoint

from .activity_csv import Activity

EPSILON = 1e-9


@dataclass
class Lot:
    """Shares bought together: what is left of them and what that part cost (fees included; None: not stated)."""

    id: str
    symbol: str
    opened: date
    quantity: float
    cost: float | None


@dataclass(frozen=True)
class Realisation:
    """Part of a sale matched to one lot: proceeds (after fees), cost and the gain (None when the cost is not stated)."""

    line: int
    date: date
    symbol: str
    lot: str
    quantity: float
    proceeds: float
    cost: float | None
    gain: float | None
    held_days: int


@dataclass
class Snapshot:
    """Holdings and cash at the end of a day that had activity, that day's external cash flow (+ = money in), and
    the shares transferred in (+) or out (-) that day, a flow at their market value."""

    date: date
    quantities: dict[str, float]
    cash: float
    flow: float
    transfers: dict[str, float] = field(default_factory=dict)


@dataclass
class Holdings:
    """The result of replaying a history up to a date."""

    tracks_cash: bool
    lots: dict[str, list[Lot]] = field(default_factory=dict)
    cash: float = 0.0
    dividends: dict[str, float] = field(default_factory=dict)
    interest: float = 0.0
    fees: float = 0.0
    returned_capital: float = 0.0
    realised: list[Realisation] = field(default_factory=list)
    asset_classes: dict[str, str] = field(default_factory=dict)
    trade_prices: dict[str, list[tuple[date, float]]] = field(default_factory=dict)
    snapshots: list[Snapshot] = field(default_factory=list)
    day_transfers: dict[str, float] = field(default_factory=dict)
    closed_lots: set[str] = field(default_factory=set)

    def quantity(self, symbol: str) -> float:
        """Shares of `symbol` held."""
        return sum(lot.quantity for lot in self.lots.get(symbol, []))

    def symbols(self) -> list[str]:
        """Symbols with shares held, sorted."""
        return sorted(s for s in self.lots if self.quantity(s) > EPSILON)


def replay(activities: list[Activity], until: date | None = None) -> Holdings:
    """Holdings after applying `activities` (in order) up to and including `until`."""
    holdings = Holdings(tracks_cash=any(a.action in ("deposit", "withdrawal") for a in activities))
    day_flow = 0.0
    for index, activity in enumerate(activities):
        if until is not None and activity.date > until:
            break
        if index % 5000 == 4999:
            checkpoint()
        day_flow += _apply(holdings, activity)
        following = activities[index + 1] if index + 1 < len(activities) else None
        if following is None or following.date != activity.date or (until is not None and following.date > until):
            quantities = {s: holdings.quantity(s) for s in holdings.lots}
            transfers, holdings.day_transfers = holdings.day_transfers, {}
            holdings.snapshots.append(Snapshot(activity.date, quantities, holdings.cash, day_flow, transfers))
            day_flow = 0.0
    return holdings


def _apply(holdings: Holdings, activity: Activity) -> float:
    """Apply one activity; the external flow it makes (+ = money in)."""
    if activity.symbol and activity.asset_class:
        holdings.asset_classes[activity.symbol] = activity.asset_class
    action, cash_mode = activity.action, holdings.tracks_cash
    if action == "buy":
        cost = activity.amount or 0.0
        lot_id = _lot_id(holdings, activity)
        holdings.lots.setdefault(activity.symbol, []).append(
            Lot(lot_id, activity.symbol, activity.date, activity.quantity, cost)
        )
        holdings.trade_prices.setdefault(activity.symbol, []).append((activity.date, activity.price))
        holdings.cash -= cost if cash_mode else 0.0
        return 0.0 if cash_mode else cost
    if action == "sell":
        proceeds = activity.amount or 0.0
        _sell(holdings, activity, proceeds)
        holdings.trade_prices.setdefault(activity.symbol, []).append((activity.date, activity.price))
        holdings.cash += proceeds if cash_mode else 0.0
        return 0.0 if cash_mode else -proceeds
    if action == "split":
        if holdings.quantity(activity.symbol) <= EPSILON:
            raise InputError(
                f"Line {activity.line}: a split of {activity.symbol}, which is not held on {activity.date}."
            )
        for lot in holdings.lots[activity.symbol]:
            lot.quantity *= activity.ratio
        holdings.trade_prices[activity.symbol] = [
            (day, price / activity.ratio) for day, price in holdings.trade_prices.get(activity.symbol, [])
        ]
        return 0.0
    amount = activity.amount or 0.0
    if action in ("dividend", "interest"):
        if action == "dividend":
            holdings.dividends[activity.symbol] = holdings.dividends.get(activity.symbol, 0.0) + amount
        else:
            holdings.interest += amount
        holdings.cash += amount if cash_mode else 0.0
        return 0.0 if cash_mode else -amount
    if action == "fee":
        holdings.fees += amount
        holdings.cash -= amount if cash_mode else 0.0
        return 0.0 if cash_mode else amount
    if action in ("transfer in", "transfer out"):
        _transfer(holdings, activity)
        return 0.0
    if action == "return of capital":
        _return_capital(holdings, activity)
        holdings.cash += amount if cash_mode else 0.0
        return 0.0 if cash_mode else -amount
    sign = 1.0 if action == "deposit" else -1.0
    holdings.cash += sign * amount
    return sign * amount


def _lot_id(holdings: Holdings, activity: Activity) -> str:
    """The lot a buy or transfer in opens: the id it names (which must be new), else symbol and line (numbered
    when one line holds several, as in a one-line OFX file)."""
    taken = {lot.id for lots in holdings.lots.values() for lot in lots} | holdings.closed_lots
    if activity.lot:
        if activity.lot in taken:
            raise InputError(
                f"Line {activity.line}: lot '{activity.lot}' is already used by an earlier buy; give each lot its own id."
            )
        holdings.closed_lots.add(activity.lot)
        return activity.lot
    lot_id, number = f"{activity.symbol}-{activity.line}", 1
    while lot_id in taken:
        number += 1
        lot_id = f"{activity.symbol}-{activity.line}-{number}"
    holdings.closed_lots.add(lot_id)
    return lot_id


def _transfer(holdings: Holdings, activity: Activity) -> None:
    """Shares in (a lot of their own, cost as stated) or out (oldest lots first, no sale)."""
    symbol = activity.symbol or ""
    sign = 1.0 if activity.action == "transfer in" else -1.0
    holdings.day_transfers[symbol] = holdings.day_transfers.get(symbol, 0.0) + sign * activity.quantity
    if sign > 0:
        lot = Lot(_lot_id(holdings, activity), symbol, activity.date, activity.quantity, activity.amount)
        holdings.lots.setdefault(symbol, []).append(lot)
        return
    held = holdings.quantity(symbol)
    if activity.quantity > held + EPSILON:
        raise InputError(
            f"Line {activity.line}: transfers out {activity.quantity:g} {symbol} on {activity.date}, but only "
            f"{held:g} are held then; check for a missing buy or transfer in."
        )
    remaining = activity.quantity
    for lot in sorted(holdings.lots.get(symbol, []), key=lambda lot: lot.opened):
        taken = min(lot.quantity, remaining)
        if lot.cost is not None and lot.quantity > EPSILON:
            lot.cost -= lot.cost * taken / lot.quantity
        lot.quantity -= taken
        remaining -= taken
    holdings.lots[symbol] = [lot for lot in holdings.lots.get(symbol, []) if lot.quantity > EPSILON]


def _return_capital(holdings: Holdings, activity: Activity) -> None:
    """Cash paid back on a holding: its lots' cost goes down in proportion to their shares (never below zero)."""
    amount = activity.amount or 0.0
    holdings.returned_capital += amount
    lots = holdings.lots.get(activity.symbol or "", [])
    held = holdings.quantity(activity.symbol or "")
    for lot in lots:
        if lot.cost is not None and held > EPSILON:
            lot.cost = max(0.0, lot.cost - amount * lot.quantity / held)


def _sell(holdings: Holdings, activity: Activity, proceeds: float) -> None:
    """Take the sold shares from the named lot, or from the oldest lots first (FIFO), recording the gains."""
    lots = holdings.lots.get(activity.symbol, [])
    held = holdings.quantity(activity.symbol)
    if activity.quantity > held + EPSILON:
        raise InputError(
            f"Line {activity.line}: sells {activity.quantity:g} {activity.symbol} on {activity.date}, but only "
            f"{held:g} are held then. Short sales are not supported; check for a missing buy or split."
        )
    if activity.lot is not None:
        chosen = [lot for lot in lots if lot.id == activity.lot]
        if not chosen:
            known = ", ".join(lot.id for lot in lots if lot.quantity > EPSILON) or "none"
            raise InputError(
                f"Line {activity.line}: lot '{activity.lot}' of {activity.symbol} is not held (open lots: {known})."
            )
        if activity.quantity > chosen[0].quantity + EPSILON:
            raise InputError(
                f"Line {activity.line}: sells {activity.quantity:g} {activity.symbol} from lot '{activity.lot}', "
                f"which has {chosen[0].quantity:g} left."
            )
    else:
        chosen = sorted(lots, key=lambda lot: lot.opened)
    remaining = activity.quantity
    for lot in chosen:
        if remaining <= EPSILON:
            break
        taken = min(lot.quantity, remaining)
        if taken <= EPSILON:
            continue
        cost = None if lot.cost is None else lot.cost * taken / lot.quantity
        share = proceeds * taken / activity.quantity
        holdings.realised.append(
            Realisation(
                activity.line,
                activity.date,
                activity.symbol,
                lot.id,
                taken,
                share,
                cost,
                None if cost is None else share - cost,
                (activity.date - lot.opened).days,
            )
        )
        lot.quantity -= taken
        if lot.cost is not None and cost is not None:
            lot.cost -= cost
        remaining -= taken
    holdings.lots[activity.symbol] = [lot for lot in lots if lot.quantity > EPSILON]
