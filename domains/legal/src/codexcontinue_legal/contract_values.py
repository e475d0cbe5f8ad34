"""Reading answer values out of detected clauses: governing law, dates, notice periods, renewal, parties."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, Field

US_STATES = (
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii "
    "Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan "
    "Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania "
    "Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming"
).split() + [
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
    "Rhode Island", "South Carolina", "South Dakota", "West Virginia", "District of Columbia",
]  # fmt: skip
OTHER_JURISDICTIONS = [
    "England and Wales", "England", "Scotland", "Ireland", "Ontario", "British Columbia", "Quebec",
    "Alberta", "Canada", "Hong Kong", "Singapore", "Israel", "Germany", "France", "Switzerland",
    "the Netherlands", "Sweden", "Japan", "China", "the People's Republic of China", "India",
    "Australia", "New South Wales", "Victoria", "Bermuda", "the Cayman Islands", "Luxembourg",
]  # fmt: skip
_JURISDICTIONS = {place.lower(): place.removeprefix("the ") for place in US_STATES + OTHER_JURISDICTIONS}
_JURISDICTION = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(_JURISDICTIONS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)", re.IGNORECASE),
    re.compile(
        r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b"),
    re.compile(r"\b(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>(?:19|20)\d\d)\b"),
]
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "seventy-five": 75, "ninety": 90,
    "one hundred twenty": 120, "one hundred eighty": 180,
}  # fmt: skip
_NUMBER = (
    r"(?:(?P<words>" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\s*)?"
    r"(?:\(?(?P<digits>\d{1,3})\)?[\s-]*)?"
)
_DURATION = re.compile(
    r"\b" + _NUMBER + r"(?P<unit>calendar\s+days?|business\s+days?|days?|months?|years?)\b", re.IGNORECASE
)
_UNIT_DAYS = {"day": 1, "month": 30, "year": 365}
_RENEWAL_TERM = re.compile(
    r"(?:successive|additional|renewal|further|consecutive)\s+(?:terms?\s+of\s+|periods?\s+of\s+)?"
    + _NUMBER
    + r"(?P<unit>months?|years?)",
    re.IGNORECASE,
)
_AUTOMATIC = re.compile(
    r"automatic(?:ally)?|shall\s+(?:be\s+)?renew|will\s+(?:be\s+)?renew|evergreen", re.IGNORECASE
)
_DEFINED_PARTY = re.compile(r"[\"“]([A-Z][\w&.,' -]{1,60}?)[\"”]")


class ContractValues(BaseModel):
    """The answers read from the clauses found; None where no clause or no value was found."""

    governing_law: str | None = Field(default=None, description="State or country whose law governs.")
    parties: list[str] = Field(default_factory=list, description="Names the parties are defined by.")
    agreement_date: date | None = None
    effective_date: date | None = None
    expiration_date: date | None = None
    initial_term: str | None = Field(
        default=None, description="The initial term as written, e.g. 'five (5) years'."
    )
    renewal_term: str | None = Field(default=None, description="Each renewal's length, e.g. '1 year'.")
    auto_renewal: bool | None = Field(default=None, description="Whether the contract renews by itself.")
    notice_period_days: int | None = Field(
        default=None, description="Days of notice needed to stop a renewal."
    )


def governing_law(text: str) -> str | None:
    """The jurisdiction named in a governing-law clause."""
    after_laws = re.search(r"laws?\s+(?:of|in)\s+(.{0,120})", text, re.IGNORECASE | re.DOTALL)
    for candidate in (after_laws.group(1) if after_laws else "", text):
        match = _JURISDICTION.search(candidate)
        if match:
            return _JURISDICTIONS[match.group(1).lower()]
    return None


def first_date(text: str) -> date | None:
    """The first calendar date written in `text`."""
    found: list[tuple[int, date]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            month = match.group("month")
            month_number = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
            try:
                found.append(
                    (match.start(), date(int(match.group("year")), month_number, int(match.group("day"))))
                )
            except ValueError:
                continue
    return min(found)[1] if found else None


def durations(text: str) -> list[tuple[int, str]]:
    """Every duration in `text` as (days, the words written), e.g. (90, 'ninety (90) days')."""
    found = []
    for match in _DURATION.finditer(text):
        words, digits = match.group("words"), match.group("digits")
        if digits is None and words is None:
            continue
        amount = int(digits) if digits else _NUMBER_WORDS[words.lower()]
        unit = match.group("unit").lower().split()[-1].rstrip("s")
        found.append((amount * _UNIT_DAYS[unit], " ".join(match.group(0).split())))
    return found


def renewal(text: str) -> tuple[bool, str | None]:
    """Whether a renewal clause renews automatically, and how long each renewal lasts."""
    automatic = bool(_AUTOMATIC.search(text))
    term = _RENEWAL_TERM.search(text)
    if term and (term.group("digits") or term.group("words")):
        amount = term.group("digits") or str(_NUMBER_WORDS[term.group("words").lower()])
        return automatic, f"{amount} {term.group('unit').lower().rstrip('s')}"
    periodic = re.search(r"\b(monthly|annual|yearly)\b", text, re.IGNORECASE)
    if periodic:
        return automatic, "1 month" if periodic.group(1).lower() == "monthly" else "1 year"
    return automatic, None


def term_length(text: str) -> str | None:
    """'perpetual', or the first duration of a month or more as written (e.g. 'five (5) years')."""
    if re.search(r"\bperpetu", text, re.IGNORECASE):
        return "perpetual"
    long_enough = [words for days, words in durations(text) if days >= 28]
    return long_enough[0] if long_enough else None


def notice_days(text: str) -> int | None:
    """Days of notice a clause asks for (the first duration next to 'notice' or 'prior to')."""
    near_notice = re.search(r"notice|prior\s+to|before|in\s+advance", text, re.IGNORECASE)
    if not near_notice:
        return None
    options = durations(text)
    return options[0][0] if options else None


def defined_parties(text: str) -> list[str]:
    """The quoted names parties are defined by in a preamble, e.g. 'Company', 'Distributor'."""
    names = []
    for name in _DEFINED_PARTY.findall(text):
        name = name.strip(" ,.")
        if name and name not in names and name.lower() not in {"agreement", "effective date"}:
            names.append(name)
    return names
