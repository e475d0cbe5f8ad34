"""Price CSVs: a Yahoo-style download (Date, Open, ..., Close, Adj Close), a long table (Date, Symbol, Close)
or a wide one (Date, AAPL, VTI, ...), all read into one long table of closing prices."""

from __future__ import annotations

import io
import re

import polars as pl

from codexcontinue import InputError

from .amount_columns import read_amounts_plainly
from .date_columns import read_dates_plainly
from .messages import examples

PRICE_NAMES = [
    "adj close",
    "adjusted close",
    "adj_close",
    "close",
    "closing price",
    "price",
    "last",
    "nav",
    "value",
]
SYMBOL_NAMES = ["symbol", "ticker", "security", "instrument"]
IGNORED_NAMES = {
    "open",
    "high",
    "low",
    "volume",
    "dividends",
    "stock splits",
    "change",
    "change %",
}


def read_prices(text: str, filename: str, default_symbol: str) -> pl.DataFrame:
    """Columns `date`, `symbol`, `close`, sorted by symbol and date; one price per symbol and date.

    A single-series file (one price column) gets `default_symbol`. Prices must be positive.
    """
    try:
        raw = pl.read_csv(io.BytesIO(text.encode()), infer_schema=False, truncate_ragged_lines=False)
    except pl.exceptions.PolarsError as error:
        raise InputError(f"'{filename}' could not be read as CSV: {str(error).splitlines()[0]}") from None
    raw = raw.filter(~pl.all_horizontal(pl.all().is_null()))
    if raw.is_empty() or raw.width < 2:
        raise InputError(f"'{filename}' needs a date column and at least one price column, with rows under them.")
    normal = {_normal(c): c for c in raw.columns}
    date_column = next((c for c in raw.columns if "date" in _normal(c)), raw.columns[0])
    frame = raw.with_row_index("line", offset=2)
    dates = read_dates_plainly(frame, date_column)
    symbol_column = next((normal[n] for n in SYMBOL_NAMES if n in normal), None)
    price_column = next((normal[n] for n in PRICE_NAMES if n in normal), None)
    if symbol_column:
        if price_column is None:
            raise InputError(f"'{filename}' has a {symbol_column!r} column but no price column (Close or Price).")
        symbols = frame[symbol_column].str.strip_chars().str.to_uppercase()
        long = pl.DataFrame(
            {
                "line": frame["line"],
                "date": dates,
                "symbol": symbols,
                "close": read_amounts_plainly(frame, [price_column])[price_column],
            }
        )
    elif price_column:
        long = pl.DataFrame(
            {
                "line": frame["line"],
                "date": dates,
                "symbol": default_symbol,
                "close": read_amounts_plainly(frame, [price_column])[price_column],
            }
        )
    else:
        columns = [c for c in raw.columns if c != date_column and _normal(c) not in IGNORED_NAMES]
        closes = read_amounts_plainly(frame, columns)
        long = pl.concat(
            [
                pl.DataFrame(
                    {
                        "line": frame["line"],
                        "date": dates,
                        "symbol": column.strip().upper(),
                        "close": closes[column],
                    }
                )
                for column in columns
            ]
        ).filter(pl.col("close").is_not_null())
    missing = long.filter(pl.col("close").is_null() | (pl.col("close") <= 0))
    if not missing.is_empty():
        raise InputError(f"Prices must be positive numbers; '{filename}' has {examples(_shown(missing), 'close')}.")
    repeated = long.filter(pl.len().over("symbol", "date") > 1)
    if not repeated.is_empty():
        lines = repeated.select(
            "line",
            pl.concat_str("symbol", pl.lit(" "), pl.col("date").cast(pl.String)).alias("at"),
        )
        raise InputError(
            f"'{filename}' gives more than one price for the same symbol and date: {examples(lines, 'at')}."
        )
    return long.drop("line").sort("symbol", "date")


def _normal(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", name.lower()).split())


def _shown(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.with_columns(pl.col("close").cast(pl.String).fill_null("(blank)"))
