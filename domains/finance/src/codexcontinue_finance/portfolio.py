"""Replaying a trade history into holdings: FIFO lots (or the lot a sell names), splits, realised gains, dividends, cash.

External cash flows (what the investor put in or took out) are what the returns are measured
against. A history with deposits or withdrawals keeps a cash balance and those are its flows; a
history of trades alone is valued as securities only, so each buy is money put in and each sale,
dividend or interest payment is money taken out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from codexcontinue import InputError

from .activity_csv import Activity

EPSILON = 1e-9


@dataclass
class Lot:
    """Shares bought together: what is left of them and what that part cost (fees included)."""

    id: str
    symbol: str
    opened: date
    quantity: float
    cost: float


@dataclass(frozen=True)
class Realisation:
    """Part of a sale matched to one lot: proceeds (after fees), cost and the gain."""

    line: int
    date: date
    symbol: str
    lot: str
    quantity: float
    proceeds: float
    cost: float
    gain: float
    held_days: int


@dataclass
class Snapshot:
    """Holdings and cash at the end of a day that had activity, and that day's external flow (+ = money in)."""

    date: date
    quantities: dict[str, float]
    cash: float
    flow: float


@dataclass
class Holdings:
    """The result of replaying a history up to a date."""

    tracks_cash: bool
    lots: dict[str, list[Lot]] = field(default_factory=dict)
    cash: float = 0.0
    dividends: dict[str, float] = field(default_factory=dict)
    interest: float = 0.0
    fees: float = 0.0
    realised: list[Realisation] = field(default_factory=list)
    asset_classes: dict[str, str] = field(default_factory=dict)
    trade_prices: dict[str, list[tuple[date, float]]] = field(default_factory=dict)
    snapshots: list[Snapshot] = field(default_factory=list)

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
        day_flow += _apply(holdings, activity)
        following = activities[index + 1] if index + 1 < len(activities) else None
        if following is None or following.date != activity.date or (until is not None and following.date > until):
            quantities = {s: holdings.quantity(s) for s in holdings.lots}
            holdings.snapshots.append(Snapshot(activity.date, quantities, holdings.cash, day_flow))
            day_flow = 0.0
    return holdings


def _apply(holdings: Holdings, activity: Activity) -> float:
    """Apply one activity; the external flow it makes (+ = money in)."""
    if activity.symbol and activity.asset_class:
        holdings.asset_classes[activity.symbol] = activity.asset_class
    action, cash_mode = activity.action, holdings.tracks_cash
    if action == "buy":
        cost = activity.quantity * activity.price + activity.fees
        lot_id = activity.lot or f"{activity.symbol}-{activity.line}"
        if any(lot.id == lot_id for lots in holdings.lots.values() for lot in lots):
            raise InputError(
                f"Line {activity.line}: lot '{lot_id}' is already used by an earlier buy; give each lot its own id."
            )
        holdings.lots.setdefault(activity.symbol, []).append(
            Lot(lot_id, activity.symbol, activity.date, activity.quantity, cost)
        )
        holdings.trade_prices.setdefault(activity.symbol, []).append((activity.date, activity.price))
        holdings.cash -= cost if cash_mode else 0.0
        return 0.0 if cash_mode else cost
    if action == "sell":
        proceeds = activity.quantity * activity.price - activity.fees
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
    if action in ("dividend", "interest"):
        if action == "dividend":
            holdings.dividends[activity.symbol] = holdings.dividends.get(activity.symbol, 0.0) + activity.amount
        else:
            holdings.interest += activity.amount
        holdings.cash += activity.amount if cash_mode else 0.0
        return 0.0 if cash_mode else -activity.amount
    if action == "fee":
        holdings.fees += activity.amount
        holdings.cash -= activity.amount if cash_mode else 0.0
        return 0.0 if cash_mode else activity.amount
    sign = 1.0 if action == "deposit" else -1.0
    holdings.cash += sign * activity.amount
    return sign * activity.amount


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
        cost = lot.cost * taken / lot.quantity
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
                share - cost,
                (activity.date - lot.opened).days,
            )
        )
        lot.quantity -= taken
        lot.cost -= cost
        remaining -= taken
    holdings.lots[activity.symbol] = [lot for lot in lots if lot.quantity > EPSILON]
