"""Date columns of exported tables, read the way the whole column says, never on a guess.

    column = read_date_column(frame, "Date", order=None)

A column holds one kind of date: ISO (`2024-01-31`, with or without a time and zone), compact
(`20240131`), Unix-epoch seconds or milliseconds, numbers with separators (`31/01/2024`,
`1.2.24`, `01-31-2024`), or a month name (`31 Jan 2024`, `Jan 31, 2024`, `31. März 2024`,
`2 janv. 2024`; English, French, German, Spanish, Italian, Dutch and Portuguese names, from
babel's locale data). For numbers, the order of day and month is the one every value of the
column fits; when both fit and the readings differ, the caller gets a question instead of dates.
Two-digit years are 20yy up to next year, else 19yy. Every date must fall between 1970-01-01 and
a year from today, or the column is refused with the lines concerned.

Values are parsed once per distinct text (a ledger has few distinct days), so a million rows cost
little more than a thousand.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

import polars as pl
from babel.dates import get_day_names, get_month_names

from codexcontinue import InputError

from .messages import examples, listed
from .questions import Answer, Question

EARLIEST = date(1970, 1, 1)
ORDERS = {"DMY": "day first", "MDY": "month first", "YMD": "year first"}
MONTH_LOCALES = ("en", "fr", "de", "de_AT", "es", "it", "nl", "pt")
#: The longest text read as a date (a date, a time and a zone); longer values are not dates.
LONGEST = 40

#: A time (and zone) after the date part: ' 13:00', 'T13:00:00Z', ' 1:05 PM', 'T13:00:00.000+01:00'.
TIME_PART = r"(?:T|\s+|,\s*)\d{1,2}:\d{2}.*$"

_WEEKDAY = re.compile(r"([^\W\d_]{2,12})\.?,?\s+")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EPOCH_SECONDS = re.compile(r"\d{9,10}(?:\.\d{1,6})?")
_EPOCH_MILLIS = re.compile(r"\d{12,13}")
_NUMERIC = re.compile(r"(\d{1,2})([./\- ])(\d{1,2})\2(\d{4}|\d{2})\.?")
_DAY_NAME_YEAR = re.compile(r"(\d{1,2})\.?[\s\-/.]{0,3}([^\W\d_]{3,12})\.?[\s\-/.,]{0,3}(\d{4}|\d{2})")
_NAME_DAY_YEAR = re.compile(r"([^\W\d_]{3,12})\.?[\s\-]{0,3}(\d{1,2})(?:st|nd|rd|th)?,?[\s\-]{0,3}(\d{4}|\d{2})")


@dataclass(frozen=True)
class DateColumn:
    """The dates of a column, how they were written, and the question to ask when they could be read two ways."""

    dates: pl.Series | None
    written_as: str
    order: str | None = None
    question: Question | None = None
    note: str | None = None


def latest_plausible(today: date | None = None) -> date:
    """The latest date an export may hold: a year from today (scheduled payments)."""
    return (today or datetime.now(UTC).date()) + timedelta(days=365)


def looks_like_date(value: str) -> bool:
    """Whether `value` is written like a date in any of the kinds this module reads."""
    text = _date_part(value.strip())
    if not text or len(value) > LONGEST:
        return False
    kind, parts = _shape(text)
    if kind in ("iso", "compact"):
        return _valid(*(int(p) for p in parts))
    if kind == "numeric":
        first, second = int(parts[0]), int(parts[1])
        return 1 <= first <= 31 and 1 <= second <= 31 and min(first, second) <= 12
    return kind in ("day-name", "name-day", "epoch")


def read_date_column(
    frame: pl.DataFrame,
    column: str,
    order: str | None,
    *,
    asked_with: str = "mapping.date_order",
    today: date | None = None,
) -> DateColumn:
    """Read `column` of `frame` (which has a `line` column). `order` ('DMY', 'MDY' or 'YMD') settles
    numeric dates; without it the column decides, or the result carries a question and no dates.
    `InputError` names the lines of values that are missing, not dates, or outside the plausible window."""
    values = frame[column].str.strip_chars()
    blank = frame.filter(values.is_null() | (values == ""))
    if not blank.is_empty():
        raise InputError(
            f"Lines {listed(blank['line'].to_list())} have no date in column {column!r}; fill them in or export the file "
            "again."
        )
    too_long = frame.filter(values.str.len_chars() > LONGEST)
    if not too_long.is_empty():
        raise InputError(
            f"Column {column!r} has values too long to be dates: {examples(too_long, column)}. Check which column holds "
            "the date (mapping.date)."
        )
    parts = values.str.replace(TIME_PART, "").str.strip_chars()
    unique = parts.unique().to_list()
    shapes = {text: _shape(text) for text in unique}
    kinds: dict[str, list[str]] = {}
    for text, (kind, _) in shapes.items():
        kinds.setdefault(kind, []).append(text)
    if "unknown" in kinds:
        bad = frame.filter(parts.is_in(kinds["unknown"]))
        raise InputError(
            f"Column {column!r} has values that are not dates: {examples(bad, column)}. Write dates such as "
            "2024-01-31, 31/01/2024 or 31 Jan 2024."
        )
    if len(kinds) > 1:
        common = max(kinds, key=lambda k: len(kinds[k]))
        odd = [text for kind, texts in kinds.items() if kind != common for text in texts]
        bad = frame.filter(parts.is_in(odd))
        raise InputError(
            f"Column {column!r} mixes ways of writing dates ({', '.join(sorted(kinds))}); these differ from the "
            f"rest: {examples(bad, column)}. Export the file again with one date format."
        )
    kind = next(iter(kinds))
    if kind == "epoch":
        return _epoch(frame, column, values, today)
    if kind in ("iso", "compact"):
        readings = {text: _checked(*(int(p) for p in shapes[text][1])) for text in unique}
        written = "ISO 8601 (year-month-day)" if kind == "iso" else "year, month and day without separators"
        return _finish(frame, column, parts, readings, written, "YMD", today)
    if kind == "numeric":
        return _numeric(frame, column, parts, {t: shapes[t][1] for t in unique}, order, asked_with, today)
    readings = {text: _named(kind, shapes[text][1]) for text in unique}
    return _finish(frame, column, parts, readings, "day, month name and year", None, today)


def read_dates_plainly(frame: pl.DataFrame, column: str) -> pl.Series:
    """The dates of `column` for files that have no preview to ask in (trade histories, prices): an ambiguous
    column is refused, saying how to write the dates instead."""
    read = read_date_column(frame, column, None)
    if read.question is not None:
        raise InputError(f"{read.question.text.split(' Which')[0]} Write the dates as YYYY-MM-DD (2024-01-31).")
    assert read.dates is not None
    return read.dates


# ------------------------------------------------------------------------------------------ shapes


def _date_part(value: str) -> str:
    return re.sub(TIME_PART, "", value).strip()


def _shape(text: str) -> tuple[str, tuple[str, ...]]:
    """The kind of date `text` is written as (after any weekday: 'Tue, 02 Jan 2024'), and its parts."""
    kind = _kind(text)
    weekday = _WEEKDAY.match(text)
    if kind[0] == "unknown" and weekday and _plain(weekday.group(1)) in _weekday_names():
        return _kind(text[weekday.end() :])
    return kind


def _kind(text: str) -> tuple[str, tuple[str, ...]]:
    if match := _ISO.fullmatch(text):
        return "iso", match.groups()
    if match := _COMPACT.fullmatch(text):
        return "compact", match.groups()
    if _EPOCH_SECONDS.fullmatch(text) or _EPOCH_MILLIS.fullmatch(text):
        return "epoch", (text,)
    if match := _NUMERIC.fullmatch(text):
        first, _, second, year = match.groups()
        return "numeric", (first, second, year)
    if (match := _DAY_NAME_YEAR.fullmatch(text)) and _month_number(match.group(2)):
        return "day-name", match.groups()
    if (match := _NAME_DAY_YEAR.fullmatch(text)) and _month_number(match.group(1)):
        return "name-day", match.groups()
    return "unknown", ()


@cache
def _month_names() -> dict[str, int]:
    """Month names and abbreviations (without accents or dots, lower case) in the supported languages."""
    names: dict[str, set[int]] = {}
    for locale in MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    plain = _plain(name)
                    for key in {plain, plain[:3], plain[:4]} if width == "wide" else {plain}:
                        if len(key) >= 3:
                            names.setdefault(key, set()).add(number)
    return {name: next(iter(numbers)) for name, numbers in names.items() if len(numbers) == 1}


@cache
def _weekday_names() -> frozenset[str]:
    """Weekday names and abbreviations (without accents or dots, lower case) in the supported languages."""
    names: set[str] = set()
    for locale in MONTH_LOCALES:
        for width in ("wide", "abbreviated", "short"):
            names |= {_plain(name) for name in get_day_names(width, "format", locale).values()}
    return frozenset(names)


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip(". ")


def _month_number(name: str) -> int | None:
    return _month_names().get(_plain(name))


def _year(text: str, today: date | None) -> int:
    """A four-digit year as written; a two-digit one as 20yy up to next year, else 19yy."""
    year = int(text)
    if len(text) == 4:
        return year
    pivot = (today or datetime.now(UTC).date()).year + 1
    return 2000 + year if 2000 + year <= pivot else 1900 + year


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _checked(year: int, month: int, day: int) -> date | None:
    return date(year, month, day) if _valid(year, month, day) else None


def _named(kind: str, parts: tuple[str, ...]) -> date | None:
    day, name, year = parts if kind == "day-name" else (parts[1], parts[0], parts[2])
    month = _month_number(name)
    return _checked(_year(year, None), month, int(day)) if month else None


# ------------------------------------------------------------------------------------------ readings


def _numeric(
    frame: pl.DataFrame,
    column: str,
    parts: pl.Series,
    shapes: dict[str, tuple[str, ...]],
    order: str | None,
    asked_with: str,
    today: date | None,
) -> DateColumn:
    """Numeric dates: the order given, else the one every value fits, else a question."""

    def reading(text: str, as_order: str) -> date | None:
        first, second, year = shapes[text]
        if as_order == "YMD":  # '24.01.31' style: year first with two digits
            return _checked(_year(first, today), int(second), int(year))
        day, month = (first, second) if as_order == "DMY" else (second, first)
        return _checked(_year(year, today), int(month), int(day))

    two_digit = any(len(p[2]) == 2 for p in shapes.values())
    note = "Two-digit years are read as 20yy up to next year, else 19yy." if two_digit else None
    if order is not None:
        readings = {text: reading(text, order) for text in shapes}
        return _finish(frame, column, parts, readings, f"numbers, {ORDERS[order]}", order, today, note)
    candidates = {o: {text: reading(text, o) for text in shapes} for o in ("DMY", "MDY")}
    fitting = [o for o, readings in candidates.items() if all(readings.values())]
    if len(fitting) == 2:
        differing = [t for t in shapes if candidates["DMY"][t] != candidates["MDY"][t]]
        if not differing:  # day and month are equal in every value: both readings agree
            return _finish(frame, column, parts, candidates["DMY"], "numbers (day and month agree)", "DMY", today, note)
        asked = frame.with_columns(parts.alias("_part")).filter(pl.col("_part").is_in(differing))
        lines = asked["line"].head(10).to_list()
        sample = asked["_part"][0]  # the first in the file, so the question reads the same every time
        day_first, month_first = candidates["DMY"][sample], candidates["MDY"][sample]
        question = Question(
            id="date_order",
            text=(
                f"Every date in column {column!r} can be read day-first or month-first: '{sample}' is "
                f"{day_first:%d %B %Y} day-first but {month_first:%B %d, %Y} month-first. Which does your bank write?"
            ),
            lines=lines,
            answers=[
                Answer(label=f"Day first ({day_first:%d %b %Y})", mapping={"date_order": "DMY"}),
                Answer(label=f"Month first ({month_first:%b %d, %Y})", mapping={"date_order": "MDY"}),
            ],
        )
        return DateColumn(dates=None, written_as="numbers, order not settled", question=question, note=note)
    if len(fitting) == 1:
        chosen = fitting[0]
        return _finish(frame, column, parts, candidates[chosen], f"numbers, {ORDERS[chosen]}", chosen, today, note)
    best = max(candidates, key=lambda o: sum(1 for d in candidates[o].values() if d))
    return _finish(frame, column, parts, candidates[best], f"numbers, {ORDERS[best]}", best, today, note)


def _finish(
    frame: pl.DataFrame,
    column: str,
    parts: pl.Series,
    readings: dict[str, date | None],
    written_as: str,
    order: str | None,
    today: date | None,
    note: str | None = None,
) -> DateColumn:
    """Map each value to its reading; refuse values that are no date or fall outside the plausible window."""
    last = latest_plausible(today)
    for wrong, problem, advice in (
        (lambda day: day is None, "values that are not valid dates", f"If the order is different, send {_order_hint(order)}."),
        (lambda day: day is not None and not EARLIEST <= day <= last, f"dates outside {EARLIEST} to {last}",
         "Check those lines (a two-digit or mistyped year?) and export again."),
    ):  # fmt: skip
        offending = [text for text, day in readings.items() if wrong(day)]
        if offending:
            bad = frame.filter(parts.is_in(offending))
            raise InputError(f"Column {column!r} has {problem} when read as {written_as}: {examples(bad, column)}. {advice}")
    keys = list(readings)
    dates = parts.replace_strict(keys, [readings[k] for k in keys], return_dtype=pl.Date)
    return DateColumn(dates=dates.alias("date"), written_as=written_as, order=order, note=note)


def _order_hint(order: str | None) -> str:
    others = [o for o in ORDERS if o != order]
    return " or ".join(f'mapping {{"date_order": "{o}"}}' for o in others)


def _epoch(frame: pl.DataFrame, column: str, values: pl.Series, today: date | None) -> DateColumn:
    """Unix-epoch seconds (9 or 10 digits) or milliseconds (12 or 13), as UTC dates."""
    millis = values.str.len_chars().max() >= 12
    numbers = values.cast(pl.Float64, strict=False)
    seconds = numbers / 1000 if millis else numbers
    last = latest_plausible(today)
    stamps = (seconds * 1_000_000).cast(pl.Int64).cast(pl.Datetime("us", "UTC")).dt.date()
    outside = frame.filter((stamps < EARLIEST) | (stamps > last))
    if not outside.is_empty():
        raise InputError(
            f"Column {column!r} has Unix timestamps outside {EARLIEST} to {last}: {examples(outside, column)}. Check "
            "those lines and export the file again."
        )
    unit = "milliseconds" if millis else "seconds"
    return DateColumn(
        dates=stamps.alias("date"),
        written_as=f"Unix time in {unit}",
        note="Unix timestamps are read as dates in UTC.",
    )
