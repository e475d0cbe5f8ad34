"""Lengths of time written in contracts: 'ninety (90) days', '30 days', 'one year', 'twelve-month',
'six (6) calendar months', 'two weeks', with the amount read from the digits or the words.

Every pattern is a bounded regular expression without nested repetition, so a scan is linear in
the text's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

Unit = Literal["day", "business day", "week", "month", "year"]
_ONES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SMALL = r"(?:" + "|".join(sorted([*_ONES, *_TENS], key=len, reverse=True)) + r")"
# 'one hundred and twenty', 'forty-five', 'sixty', 'a', 'an'
_WORDS = (
    r"(?P<words>(?:" + _SMALL + r"[ \t]{1,3}hundred(?:[ \t]{1,3}and)?[ \t]{1,3})?" + _SMALL
    + r"(?:[ \t-]{1,3}" + _SMALL + r")?|" + _SMALL + r"[ \t]{1,3}hundred|an?)"
)  # fmt: skip
_DIGITS = r"(?P<digits>\d{1,4}(?:,\d{3})?)"
_UNIT = (
    r"(?P<unit>calendar[ \t]{1,3}days?|business[ \t]{1,3}days?|working[ \t]{1,3}days?|banking[ \t]{1,3}days?"
    r"|days?|weeks?|calendar[ \t]{1,3}months?|months?|calendar[ \t]{1,3}years?|years?)\b"
)
_DURATION = re.compile(
    r"(?:\b" + _WORDS + r"[ \t]{0,3}(?:\([ \t]{0,2}" + r"(?P<paren>\d{1,4})[ \t]{0,2}\)[ \t]{0,3})?"
    r"|\(?\b" + _DIGITS + r"\)?[ \t]{0,3}(?:\([ \t]{0,2}[a-z -]{3,40}\)[ \t]{0,3})?)"
    r"-?[ \t]{0,3}(?:\(\s?\d{1,4}\s?\)[ \t]{0,3})?" + _UNIT,
    re.IGNORECASE,
)
_UNIT_DAYS = {"day": 1, "business day": 1, "week": 7, "month": 30, "year": 360}


class Duration(BaseModel):
    """A length of time as the contract writes it."""

    amount: int = Field(description="How many units, e.g. 90.")
    unit: Unit
    text: str = Field(description="The words written, e.g. 'ninety (90) days'.")

    @property
    def days(self) -> int:
        """The length in days, counting a month as 30 days and a year as 12 months (for comparing)."""
        return self.amount * _UNIT_DAYS[self.unit]

    def describe(self) -> str:
        """'90 days', '1 year', '10 business days'."""
        return f"{self.amount} {self.unit}{'' if self.amount == 1 else 's'}"


@dataclass(frozen=True)
class DurationMention:
    """A duration and where it is written."""

    start: int
    end: int
    duration: Duration


def words_to_number(words: str) -> int | None:
    """'one hundred and twenty' -> 120, 'forty-five' -> 45, 'a' -> 1; None when not a number."""
    total = current = 0
    seen = False
    for word in re.split(r"[\s-]+", words.lower().strip()):
        if word in ("a", "an"):
            current, seen = 1, True
        elif word in _ONES:
            current, seen = current + _ONES[word], True
        elif word in _TENS:
            current, seen = current + _TENS[word], True
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "and":
            continue
        else:
            return None
    return total + current if seen else None


def find_durations(text: str) -> list[DurationMention]:
    """Every duration in `text`, in order."""
    found = []
    for match in _DURATION.finditer(text):
        amount = _amount(match)
        if amount is None or amount == 0:
            continue
        unit = _unit(match.group("unit"))
        written = " ".join(match.group(0).split())
        found.append(DurationMention(match.start(), match.end(), Duration(amount=amount, unit=unit, text=written)))
    return found


def _amount(match: re.Match[str]) -> int | None:
    if match.group("paren"):
        return int(match.group("paren"))
    if match.group("digits"):
        return int(match.group("digits").replace(",", ""))
    words = match.group("words")
    return words_to_number(words) if words else None


def _unit(written: str) -> Unit:
    words = written.lower().split()
    base = words[-1].rstrip("s")
    if base == "day" and words[0] in ("business", "working", "banking"):
        return "business day"
    return base  # type: ignore[return-value]
