"""Trade histories: a CSV of buys, sells, dividends, splits and cash movements read into checked activities.

Columns (header names in any case; Date, Action and the ones an action needs are required):
Date, Action (buy, sell, dividend, split, deposit, withdrawal, fee, interest, transfer in, transfer
out, return of capital), Symbol, Quantity, Price, Fees, Amount, Lot (a buy's lot id, or the lot a
sell takes from), Ratio ('4:1' for a four-for-one split), Asset Class, Currency.

A transfer in brings shares from elsewhere: its Amount is their cost basis, and without one the
cost is 'not stated' (never guessed). A transfer out sends shares away (oldest lots first) without
a sale. A return of capital pays cash back and lowers the lots' cost.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

import polars as pl

from codexcontinue import InputError

from .messages import listed
from .amount_columns import read_amounts_plainly
from .date_columns import read_dates_plainly

COLUMN_NAMES: dict[str, list[str]] = {
    "date": ["date", "trade date", "transaction date", "run date", "settlement date"],
    "action": ["action", "type", "transaction type", "activity"],
    "symbol": ["symbol", "ticker", "security"],
    "quantity": ["quantity", "qty", "shares", "units"],
    "price": ["price", "price per share", "unit price"],
    "fees": ["fees", "fee", "commission", "fees comm", "fees commissions"],
    "amount": ["amount", "net amount", "total", "value"],
    "lot": ["lot", "lot id"],
    "ratio": ["ratio", "split ratio"],
    "asset_class": ["asset class", "class", "asset type"],
    "currency": ["currency", "ccy"],
}
ACTIONS = {
    "buy": "buy",
    "bought": "buy",
    "purchase": "buy",
    "sell": "sell",
    "sold": "sell",
    "sale": "sell",
    "dividend": "dividend",
    "div": "dividend",
    "cash dividend": "dividend",
    "split": "split",
    "stock split": "split",
    "deposit": "deposit",
    "contribution": "deposit",
    "cash in": "deposit",
    "withdrawal": "withdrawal",
    "cash out": "withdrawal",
    "fee": "fee",
    "interest": "interest",
    "transfer in": "transfer in",
    "transfer out": "transfer out",
    "return of capital": "return of capital",
}
#: Order of actions on the same day: money and splits first, then buys before sells.
SAME_DAY_ORDER = {
    "transfer in": 0,
    "deposit": 0,
    "split": 1,
    "buy": 2,
    "sell": 3,
    "transfer out": 3,
    "dividend": 4,
    "interest": 5,
    "return of capital": 5,
    "fee": 6,
    "withdrawal": 7,
}
RATIO = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(?::|/|-for-|\s+for\s+)\s*(\d+(?:\.\d+)?)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Activity:
    """One checked row of a trade history. `amount` is the cash of a buy or sell (fees included), dividend,
    interest, fee, deposit or withdrawal, or the cost basis of a transfer in (None: not stated)."""

    line: int
    date: date
    action: str
    symbol: str | None
    quantity: float
    price: float
    fees: float
    amount: float | None
    lot: str | None
    ratio: float
    asset_class: str | None
    currency: str | None


def read_activity(text: str, filename: str) -> list[Activity]:
    """The activities of a trade-history CSV, in the order they apply; `InputError` naming every problem row."""
    try:
        raw = pl.read_csv(io.BytesIO(text.encode()), infer_schema=False)
    except pl.exceptions.PolarsError as error:
        raise InputError(f"'{filename}' could not be read as CSV: {str(error).splitlines()[0]}") from None
    raw = raw.filter(~pl.all_horizontal(pl.all().is_null()))
    normal = {" ".join(re.sub(r"[^a-z0-9]+", " ", c.lower()).split()): c for c in raw.columns}
    columns = {field: next((normal[n] for n in names if n in normal), None) for field, names in COLUMN_NAMES.items()}
    missing = [f for f in ("date", "action") if columns[f] is None]
    if missing or raw.is_empty():
        raise InputError(
            f"'{filename}' needs a header with at least Date and Action columns and rows under it "
            f"(it has: {', '.join(raw.columns)}). The columns are: Date, Action, Symbol, Quantity, Price, "
            "Fees, Amount, Lot, Ratio, Asset Class, Currency."
        )
    frame = raw.with_row_index("line", offset=2)
    dates = read_dates_plainly(frame, columns["date"])
    numeric = [f for f in ("quantity", "price", "fees", "amount") if columns[f]]
    read = read_amounts_plainly(frame, [columns[f] for f in numeric])
    numbers = {f: read[columns[f]] if columns[f] else None for f in ("quantity", "price", "fees", "amount")}
    texts = {
        f: frame[columns[f]].str.strip_chars() if columns[f] else None
        for f in ("action", "symbol", "lot", "ratio", "asset_class", "currency")
    }
    activities, problems = [], []
    for index in range(frame.height):
        try:
            activities.append(_activity(frame["line"][index], dates[index], numbers, texts, index))
        except ValueError as problem:
            problems.append(f"line {frame['line'][index]}: {problem}")
    if problems:
        raise InputError(f"'{filename}' has rows that cannot be used: {listed(problems, 5)}.")
    currencies = {a.currency for a in activities if a.currency}
    if len(currencies) > 1:
        raise InputError(
            f"'{filename}' mixes currencies ({', '.join(sorted(currencies))}); import one portfolio per currency."
        )
    return sorted(activities, key=lambda a: (a.date, SAME_DAY_ORDER[a.action]))


def _activity(line: int, day: date, numbers: dict, texts: dict, index: int) -> Activity:
    def text(field: str) -> str | None:
        column = texts[field]
        value = column[index] if column is not None else None
        return value or None

    def number(field: str) -> float | None:
        column = numbers[field]
        return None if column is None else column[index]

    written = (text("action") or "").lower()
    action = ACTIONS.get(written)
    if action is None:
        raise ValueError(f"action {written!r} is not one of {', '.join(sorted(set(ACTIONS.values())))}")
    symbol = (text("symbol") or "").upper() or None
    quantity, price, fees, amount = (
        number("quantity"),
        number("price"),
        number("fees") or 0.0,
        number("amount"),
    )
    ratio = 1.0
    if action in ("buy", "sell"):
        if symbol is None or not quantity or price is None:
            raise ValueError(f"a {action} needs Symbol, Quantity and Price")
        quantity, price, fees = abs(quantity), abs(price), abs(fees)
        expected = quantity * price + (fees if action == "buy" else -fees)
        if amount is not None and abs(abs(amount) - expected) > 0.01:
            raise ValueError(
                f"Amount {abs(amount):.2f} does not equal Quantity × Price {'+' if action == 'buy' else '−'} "
                f"Fees = {expected:.2f}"
            )
        amount = abs(amount) if amount is not None else expected
    elif action in ("transfer in", "transfer out"):
        if symbol is None or not quantity:
            raise ValueError(f"a {action} needs Symbol and Quantity")
        quantity, price = abs(quantity), 0.0
        amount = abs(amount) if action == "transfer in" and amount is not None else None
    elif action == "split":
        written_ratio = text("ratio") or ""
        match = RATIO.match(written_ratio) or RATIO.match(f"{written_ratio}:1")
        if symbol is None or match is None or float(match.group(2)) == 0:
            raise ValueError("a split needs Symbol and Ratio, e.g. '4:1' for four new shares for each old one")
        ratio = float(match.group(1)) / float(match.group(2))
        quantity = price = 0.0
    else:
        if amount is None or amount == 0:
            raise ValueError(f"a {action} needs a non-zero Amount")
        if action in ("dividend", "return of capital") and symbol is None:
            raise ValueError(f"a {action} needs the Symbol that paid it")
        amount, quantity, price = abs(amount), 0.0, 0.0
    return Activity(
        line=line,
        date=day,
        action=action,
        symbol=symbol,
        quantity=quantity,
        price=price,
        fees=fees,
        amount=amount,
        lot=text("lot"),
        ratio=ratio,
        asset_class=text("asset_class"),
        currency=(text("currency") or "").upper() or None,
    )


def activity_text(activities: list[Activity]) -> str:
    """`activities` written as a trade-history CSV that `read_activity` reads back to the same activities."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Date", "Action", "Symbol", "Quantity", "Price", "Fees", "Amount", "Lot", "Ratio", "Asset Class", "Currency"])
    for a in activities:
        trade = a.action in ("buy", "sell", "transfer in", "transfer out")
        writer.writerow(
            [
                a.date.isoformat(),
                a.action,
                a.symbol or "",
                _number(a.quantity) if trade else "",
                _number(a.price) if a.action in ("buy", "sell") else "",
                _number(a.fees) if a.fees else "",
                "" if a.amount is None else _number(a.amount),
                a.lot or "",
                f"{_number(a.ratio)}:1" if a.action == "split" else "",
                a.asset_class or "",
                a.currency or "",
            ]
        )
    return buffer.getvalue()


def _number(value: float) -> str:
    """A number with '.' as the decimal mark, at least two decimals and no more than ten."""
    whole, _, fraction = f"{value:.10f}".partition(".")
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction.ljust(2, '0')}"
