"""Calendar dates written in contracts, whole or with blanks: 'July 31, 2019', '31st day of July 2019',
'7/31/2019' (month first, as US contracts write it; '18/9/2008', which can only be day first, is read
so), 'this ___ day of March, 2018' (month and year only), '________, 2015' (year only).

Every pattern is a bounded regular expression without nested repetition, so a scan is linear in
the text's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)\b"
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_ORDINAL_WORDS = (
    r"(?:(?:twenty|thirty)[\s-]{1,2}(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r")"
)
# '31', '31st', '31 st' and '31s t' (text from PDFs splits the suffix), 'thirty-first'
_DAY = (
    r"(?P<day>[0-3]?\d(?:\s?(?:s\s?t|n\s?d|r\s?d|t\s?h))?\b|" + _ORDINAL_WORDS + r"\b)"
    r"(?:[ \t]{0,2}\([0-3]?\d(?:st|nd|rd|th)?\))?"  # 'first (1st)'
)
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_BLANK = r"(?:_{2,40}|\[\s?[·•]?\s?\]|\[\s?\*\s?\*\s?\*\s?\])"
_PATTERNS = [
    # July 31, 2019 / July 31 2019 / Sept. 1st, 2019
    re.compile(_MONTH + r"[ \t]{0,3}" + _DAY + r"[ \t]{0,2},?[ \t\n]{0,3}" + _YEAR, re.IGNORECASE),
    # 31 July 2019 / 31st day of July, 2019 / this 31 day of July 2019 / 1st day of <spaces and a rule
    # a converted PDF left> November, 2003 / 20th day of Friday, March 2020
    re.compile(
        _DAY + r"[ \t]{0,3}(?:day[ \t]{1,3}of[ \t\n-]{1,120}(?:" + _WEEKDAY + r",?[ \t]{1,3})?)?"
        + _MONTH + r"[ \t]{0,2},?[ \t\n]{0,3}" + _YEAR,
        re.IGNORECASE,
    ),
    # 2019-07-31
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)\b"),
    # 7/31/2019, 07-31-2019, 7/31/19
    re.compile(r"\b(?P<month>[01]?\d)([/-])(?P<day>[0-3]?\d)\2(?P<year>(?:19|20)\d\d|\d\d)\b"),
    # ___ day of March, 2018 / March ___, 2018 / March, 2018 / March 2018 (month and year)
    re.compile(
        r"(?:" + _BLANK + r"[ \t]{0,3}(?:day[ \t]{1,3}of[ \t]{1,3})?)?" + _MONTH + r"(?:[ \t]{0,3}" + _BLANK + r")?[ \t]{0,3},?[ \t]{0,3}" + _YEAR,
        re.IGNORECASE,
    ),
    # ________, 2015 / the ___ day of ______, 2004 (year only)
    re.compile(r"(?:" + _BLANK + r"[ \t]{0,3}day[ \t]{1,3}of[ \t]{1,3})?" + _BLANK + r"[ \t]{0,3},?[ \t]{0,3}" + _YEAR),
    # 'as of , 2013' / 'this day of , 2012': the blanks left out altogether (year only)
    re.compile(r"(?:(?<=\bof)|(?<=\bthis)|(?<=dated)|(?<=DATED)|(?<=\bday)|(?<=AGREEMENT))\s{1,6},[ \t]{0,3}" + _YEAR),
]


@dataclass(frozen=True)
class DateMention:
    """A date written in a text; `month` and `day` are None where the text leaves them blank."""

    start: int
    end: int
    year: int
    month: int | None
    day: int | None

    @property
    def iso(self) -> str:
        """'2019-07-31', or '2018-03' / '2015' for a date with blanks."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def complete(self) -> date | None:
        """The date, when day, month and year are all written."""
        if self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)


def find_dates(text: str) -> list[DateMention]:
    """Every date in `text`, in order; where two readings overlap, the earlier and fuller one wins."""
    found: list[DateMention] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            mention = _mention(match)
            if mention is not None:
                found.append(mention)
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[DateMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _mention(match: re.Match[str]) -> DateMention | None:
    groups = match.groupdict()
    year = int(groups["year"])
    if year < 100:  # a two-digit year: 1930..2029
        year += 2000 if year < 30 else 1900
    month_text = groups.get("month")
    month = None
    if month_text:
        month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower().rstrip(".")]
    day = _day(groups["day"]) if groups.get("day") else None
    if month_text and month_text.isdigit() and month is not None and month > 12 and day is not None and day <= 12:
        month, day = day, month  # '18/9/2008' can only be day/month/year
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            date(year, month or 1, day)
        except ValueError:
            return None
    return DateMention(match.start(), match.end(), year, month, day)


def _day(written: str) -> int:
    digits = re.match(r"\d+", written)
    if digits:
        return int(digits.group(0))
    words = re.split(r"[\s-]+", written.lower())
    tens = {"twenty": 20, "thirty": 30}.get(words[0], 0)
    return tens + _ORDINALS[words[-1]] if tens else _ORDINALS[words[-1]]
