"""Date and amount columns of exported tables: formats detected, every value parsed or refused with its line."""

from __future__ import annotations

import re
from datetime import datetime

import polars as pl

from codexcontinue import InputError

from .messages import listed

DATE_FORMATS = [
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d-%b-%y",
    "%Y%m%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
]
DAY_FIRST = {"%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d/%m/%Y %H:%M"}
AMOUNT_PATTERN = (
    r"(?i)^\(?\s*[+\-−]?\s*(?:[A-Z]{3}\s*)?[£€$¥₹]?\s*[+\-−]?\s*[\d][\d.,' ]*\s*(?:[A-Z]{3})?\s*(?:DR|CR|-)?\s*\)?$"
)
AMOUNT_TEXT = re.compile(AMOUNT_PATTERN)


def looks_like_amount(value: str) -> bool:
    """Whether `value` is written like an amount ('-5.75', '£1,234.56', '(45.00)')."""
    return bool(AMOUNT_TEXT.match(value))


def parses_as_date(value: str) -> bool:
    """Whether `value` is a date in one of the known formats."""
    for fmt in DATE_FORMATS:
        try:
            datetime.strptime(value, fmt)
        except ValueError:
            continue
        return True
    return False


def read_dates(
    frame: pl.DataFrame, column: str, fmt: str | None, override_hint: str
) -> tuple[pl.Series, str, list[str]]:
    """The dates in `column` of `frame` (which has a `line` column), the format read (`fmt`, or the one
    detected), and a note when day and month could be either way round. `override_hint` says how a user
    names the format, for the error messages."""
    values = frame[column].str.strip_chars()
    blank = frame.filter(values.is_null() | (values == ""))
    if not blank.is_empty():
        raise InputError(f"Lines {listed(blank['line'].to_list())} have no date in column {column!r}.")
    notes: list[str] = []
    if fmt is None:
        unique = values.unique()
        failures = {f: _parse(unique, f).null_count() for f in DATE_FORMATS}
        fitting = [f for f in DATE_FORMATS if failures[f] == 0]
        if fitting:
            fmt = fitting[0]
        else:  # the format most values have; the ones that do not are named below
            fmt = min(DATE_FORMATS, key=lambda f: failures[f])
            if failures[fmt] * 2 > unique.len():
                sample = listed(unique.head(3).to_list(), 3)
                raise InputError(
                    f"The dates in column {column!r} (e.g. {sample}) match no known format; {override_hint}, "
                    "e.g. '%d/%m/%Y'."
                )
        if len(fitting) > 1 and {fitting[0], fitting[1]} & DAY_FIRST:
            notes.append(
                f"Every date in column {column!r} reads both as {fitting[0]} and {fitting[1]}; {fmt} was used. "
                f"To read them the other way, {override_hint}."
            )
    parsed = _parse(values, fmt)
    bad = frame.filter(parsed.is_null())
    if not bad.is_empty():
        raise InputError(f"Dates in column {column!r} do not match the format {fmt}: {examples(bad, column)}.")
    return parsed, fmt, notes


def _parse(values: pl.Series, fmt: str) -> pl.Series:
    if "%H" in fmt:
        return values.str.strptime(pl.Datetime, fmt, strict=False).dt.date()
    return values.str.strptime(pl.Date, fmt, strict=False)


def read_amounts(frame: pl.DataFrame, column: str, decimal_comma: bool = False) -> pl.Series:
    """The amounts written in `column` ('-5.75', '(45.00)', '£1,234.56', '12.00 DR'); blanks are null."""
    text = frame[column].str.strip_chars().fill_null("")
    digits = text.str.replace_all(r"[^0-9.,]", "")
    if decimal_comma:
        digits = digits.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    else:
        digits = digits.str.replace_all(",", "", literal=True)
    value = digits.cast(pl.Float64, strict=False)
    negative = text.str.contains(r"[\-−(]") | text.str.to_uppercase().str.ends_with("DR")
    bad = (text != "") & (value.is_null() | ~text.str.contains(AMOUNT_PATTERN))
    if bad.any():
        raise InputError(f"Column {column!r} has values that are not amounts: {examples(frame.filter(bad), column)}.")
    return value.zip_with(~negative | value.is_null(), -value)


def examples(rows: pl.DataFrame, column: str) -> str:
    """The first few offending values of `column` in `rows`, with their lines, for an error message."""
    return listed(
        [f"line {line}: {value!r}" for line, value in rows.select("line", column).rows()],
        3,
    )
