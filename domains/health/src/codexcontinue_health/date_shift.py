"""Shifting a date written in a clinical note by a number of days, keeping the way it was written.

    shift_date("2nd of May", -10)     -> "22nd of April"
    shift_date("04-Mar-2021", 30)     -> "03-Apr-2021"
    shift_date("3/4", 1)              -> "3/5"

Each part (month, day, year) is replaced where it stands, so zero padding, abbreviations, capitals,
ordinals and separators stay as they were. A date with no year is shifted within a leap year; a
month and year alone ('March 2021') are shifted from the middle of the month. Text that is not a
whole date ('the 14th', 'Christmas') gives None: the caller redacts it instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
MONTH_WORD = re.compile(r"\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?", re.IGNORECASE)
NUMERIC = re.compile(r"^(?P<m>\d{1,2})(?P<sep>[/.-])(?P<d>\d{1,2})(?:(?P=sep)(?P<y>\d{2}|\d{4}))?$")
ISO = re.compile(r"^(?P<y>\d{4})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})$")
COMPACT = re.compile(r"^(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})$")
DAY = re.compile(r"\b(?P<d>\d{1,2})(?P<ord>st|nd|rd|th)?\b", re.IGNORECASE)
YEAR = re.compile(r"(?P<y>\b(?:19|20)\d{2}\b|'\d{2}\b)")
LEAP_YEAR = 2000


@dataclass
class _Part:
    start: int
    end: int
    kind: str  # "m", "d" or "y"


def shift_date(text: str, days: int) -> str | None:
    """`text` moved by `days` days, written the same way; None when `text` is not a whole date."""
    parts = _parts(text.strip())
    if parts is None:
        return None
    stripped = text.strip()
    values = {p.kind: stripped[p.start : p.end] for p in parts}
    month_word = "m" in values and not values["m"].isdigit()
    month = _month_number(values["m"]) if month_word else int(values["m"])
    day = int(re.sub(r"\D", "", values["d"])) if "d" in values else 15
    year = _year(values["y"]) if "y" in values else LEAP_YEAR
    try:
        shifted = date(year, month, day) + timedelta(days=days)
    except ValueError:
        return None
    numbers = [values[k] for k in ("m", "d") if k in values and values[k].isdigit()]
    padded = any(n.startswith("0") for n in numbers) or len(numbers) == 2 and all(len(n) == 2 for n in numbers)
    new = {"m": _write_month(values["m"], shifted.month, padded), "y": _write_year(values.get("y", ""), shifted.year)}
    if "d" in values:
        new["d"] = _write_day(values["d"], shifted.day, padded)
    out = stripped
    for part in sorted(parts, key=lambda p: p.start, reverse=True):
        out = out[: part.start] + new[part.kind] + out[part.end :]
    return text[: len(text) - len(text.lstrip())] + out + text[len(text.rstrip()) :]


def _parts(text: str) -> list[_Part] | None:
    """Where the month, day and year are in `text`, or None when it is not a whole date."""
    for pattern in (ISO, NUMERIC, COMPACT):
        if match := pattern.match(text):
            return [_Part(*match.span(k), k) for k in ("y", "m", "d") if match.group(k) is not None]
    month = MONTH_WORD.search(text)
    if month is None:
        return None
    parts = [_Part(month.start(1), month.end(1), "m")]
    rest = text[: month.start()] + " " * (month.end() - month.start()) + text[month.end() :]
    year = YEAR.search(rest)
    if year:
        parts.append(_Part(year.start(), year.end(), "y"))
        rest = rest[: year.start()] + " " * (year.end() - year.start()) + rest[year.end() :]
    day = DAY.search(rest)
    if day and 1 <= int(day.group("d")) <= 31:
        parts.append(_Part(day.start(), day.end(), "d"))
    if re.sub(r"[\s,.'-]|of|the", "", rest[: (day.start() if day else len(rest))] + (rest[day.end() :] if day else ""), flags=re.IGNORECASE):
        return None  # other words around: not a date we can rewrite
    return parts


def _month_number(word: str) -> int:
    return next(i for i, name in enumerate(MONTHS, 1) if name.startswith(word.lower().rstrip(".")[:3]))


def _year(written: str) -> int:
    if written.startswith("'") or len(written) == 2:
        two = int(written.lstrip("'"))
        return 2000 + two if two < 50 else 1900 + two
    return int(written)


def _write_month(written: str, month: int, padded: bool) -> str:
    if written.isdigit():
        return f"{month:02d}" if padded else str(month)
    name = MONTHS[month - 1]
    full = written.lower() in MONTHS
    word = name if full else ("sept" if month == 9 and written.lower().startswith("sept") else name[:3])
    if written.isupper():
        return word.upper()
    return word.capitalize() if written[0].isupper() else word


def _write_day(written: str, day: int, padded: bool) -> str:
    digits = re.sub(r"\D", "", written)
    suffix = written[len(digits) :]
    number = f"{day:02d}" if padded else str(day)
    if suffix:
        ordinal = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day, "th")
        number += ordinal.upper() if suffix.isupper() else ordinal
    return number


def _write_year(written: str, year: int) -> str:
    if written.startswith("'"):
        return f"'{year % 100:02d}"
    return f"{year % 100:02d}" if len(written) == 2 else str(year)
