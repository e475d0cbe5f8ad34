"""Comparing the values the review reads with CUAD's normalised answers, by rules written down in
`docs/contract-review.md` ("How values are scored").

CUAD writes its answers by hand: dates as 'M/D/YY' with '[]' for a blank ('[]/[]/2015'),
expiration as a date or 'perpetual', lengths as '90 days', 'successive 1 year', '(6) months',
places as 'New York', 'Ontario, Canada', 'England; Wales', parties as 'Name ("Alias"); Name 2
("Alias 2")'. Each comparison gives one of five outcomes, counted into precision and recall.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from dataclasses import dataclass, field
from typing import Literal

from .durations import Duration
from .jurisdictions import find_jurisdictions
from .parties import Party

Outcome = Literal["right", "wrong", "missed", "extra", "neither", "unscorable"]
"""right / wrong: both gave a value; missed: only CUAD did; extra: only the review did;
neither: no value on either side; unscorable: CUAD's answer cannot be read as a value."""

_CUAD_DATE = re.compile(r"(?P<month>\d{1,2}|\[\s?\])\s?/\s?(?P<day>\d{1,2}|\[\s?\])\s?/\s?(?P<year>\d{2,4}|\d{0,3}\[\s?\](?:\[\s?\])?)")
_CUAD_LENGTH = re.compile(r"(?P<amount>\d+(?:\.\d+)?)\s?\)?\s{0,3}(?:successive\s{1,3})?(?P<unit>day|week|month|year)s?", re.I)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 360}
DURATION_TOLERANCE = 0.02
"""Two lengths are the same when they differ by at most 2% (so 1 year, 12 months and 365 days agree)."""


@dataclass
class Tally:
    """Outcomes of one value over many contracts, and precision and recall from them."""

    counts: dict[str, int] = field(default_factory=lambda: {o: 0 for o in Outcome.__args__})  # type: ignore[attr-defined]

    def add(self, outcome: Outcome, times: int = 1) -> None:
        """Count `outcome` (`times` times)."""
        self.counts[outcome] += times

    @property
    def given(self) -> int:
        """Values the review gave that could be scored."""
        return self.counts["right"] + self.counts["wrong"] + self.counts["extra"]

    @property
    def expected(self) -> int:
        """Values CUAD gives."""
        return self.counts["right"] + self.counts["wrong"] + self.counts["missed"]

    @property
    def precision(self) -> float | None:
        """Right over every value given (a value where CUAD has none counts against it)."""
        return self.counts["right"] / self.given if self.given else None

    @property
    def recall(self) -> float | None:
        """Right over every value CUAD gives."""
        return self.counts["right"] / self.expected if self.expected else None


def _outcome(ours_given: bool, answer_given: bool, same: bool) -> Outcome:
    if ours_given and answer_given:
        return "right" if same else "wrong"
    if answer_given:
        return "missed"
    return "extra" if ours_given else "neither"


@dataclass(frozen=True)
class CuadDate:
    """A date as CUAD writes it: parts left blank are None; a two-digit year ('45') leaves the
    century open, so 1945 and 2045 both match it."""

    year: int | None
    month: int | None
    day: int | None
    two_digit_year: bool

    def matches(self, iso: str) -> bool:
        """Whether an ISO date ('2045-09-01', or '2015' / '2018-03' with blanks) is this date."""
        pieces = [int(piece) for piece in iso.split("-")] + [None, None]
        year, month, day = pieces[0], pieces[1], pieces[2]
        same_year = self.year == (year % 100 if self.two_digit_year else year)
        return same_year and (self.month, self.day) == (month, day)


def cuad_date(answer: str | None) -> CuadDate | None:
    """The date in CUAD's 'M/D/YY' ('[]' for a part left blank); None when the answer holds no date or
    no part of one ('[]/[]/[]')."""
    if not answer:
        return None
    match = _CUAD_DATE.search(answer)
    if match is None:
        return None

    def part(name: str) -> int | None:
        value = match.group(name)
        return int(value) if value.isdigit() else None

    year, written = part("year"), match.group("year")
    if year is not None and len(written) == 3:
        year = None  # '200[]': a decade is not a year
    parsed = CuadDate(year, part("month"), part("day"), two_digit_year=len(written) == 2)
    return None if (parsed.year, parsed.month, parsed.day) == (None, None, None) else parsed


def score_date(ours: str | None, answer: str | None) -> Outcome:
    """Same year, month and day; a part CUAD leaves blank must be left out by the review too
    ('[]/[]/2015' is matched by '2015' alone). An answer with every part blank ('[]/[]/[]') is no
    value: a date given there counts against precision."""
    expected = cuad_date(answer)
    same = ours is not None and expected is not None and expected.matches(ours)
    return _outcome(ours is not None, expected is not None, same)


def score_expiration(ours: str | None, answer: str | None) -> Outcome:
    """'perpetual' matches 'perpetual' (any case); dates as `score_date`."""
    if answer and answer.strip().lower().startswith("perpetual"):
        return _outcome(ours is not None, True, ours == "perpetual")
    if ours == "perpetual":
        expected = cuad_date(answer)
        return _outcome(True, expected is not None, False) if expected or not answer else "unscorable"
    return score_date(ours, answer)


def cuad_length(answer: str | None) -> float | None:
    """A CUAD length in days (a month as 30 days, a year as 360): '90 days', 'successive 1 year',
    '(6) months', '4 years, 6 months' (added up). With several lengths separated by ';', the first."""
    if not answer:
        return None
    first = answer.split(";")[0]
    pieces = _CUAD_LENGTH.findall(first)
    if not pieces:
        return None
    return sum(float(amount) * _UNIT_DAYS[unit.lower()] for amount, unit in pieces)


def score_duration(ours: Duration | None, answer: str | None) -> Outcome:
    """The same length of time (see `DURATION_TOLERANCE`); an answer that is no length
    ('perpetual', '[]') cannot be scored."""
    if answer and answer.strip() and cuad_length(answer) is None:
        return "unscorable"
    expected = cuad_length(answer)
    alternatives = [cuad_length(piece) for piece in (answer or "").split(";")]
    same = ours is not None and any(
        length is not None and abs(ours.days - length) <= DURATION_TOLERANCE * max(ours.days, length)
        for length in alternatives
    )
    return _outcome(ours is not None, expected is not None, same)


def score_governing_law(ours: str | None, answer: str | None) -> Outcome:
    """Right when the place the review gives is one CUAD names ('Ontario, Canada' and 'Province of
    Ontario, Canada' both name Ontario; 'England and Wales' names England and Wales); an answer
    that names no place (e.g. 'the state in which the restaurant is located') cannot be scored."""
    expected = _places(answer) if answer else set()
    if answer and not expected:
        return "unscorable"
    same = ours is not None and bool(_places(ours) & expected)
    return _outcome(ours is not None, bool(expected), same)


def _places(text: str) -> set[str]:
    places = set()
    for mention in find_jurisdictions(text):
        name = mention.jurisdiction.name
        places.update(("England", "Wales") if name == "England and Wales" else (name,))
    if places - {"United States", "Canada", "Australia", "United Kingdom"}:  # 'Ontario, Canada' names Ontario
        places -= {"United States", "Canada", "Australia", "United Kingdom"}
    return places


def normalise_name(name: str) -> str:
    """A party name for comparison: accents, case, punctuation and a leading 'the' dropped."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"[^a-z0-9& ]+", " ", plain)
    words = plain.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def cuad_parties(answer: str | None) -> list[str]:
    """The party names in CUAD's 'Name ("Alias"); Name 2 ("Alias 2")', without their aliases and without
    the entries that only name the parties together ('A and B ("Parties")')."""
    names = []
    for entry in re.split(r";", answer or ""):
        if re.search(r"[\"“”]\s{0,2}part(?:y|ies)\b", entry, re.IGNORECASE):
            continue
        name = re.split(r"\s{0,3}\(|[\"“]", entry, maxsplit=1)[0].strip(" ,;")
        if name and normalise_name(name):
            names.append(name)
    return names


def score_parties(ours: list[Party], answer: str | None) -> tuple[int, int, int]:
    """(right, given, expected): a party given is right when its name matches one of CUAD's parties
    (see `normalise_name`; one may add a trailing word such as a suffix the other left out)."""
    expected = [normalise_name(name) for name in cuad_parties(answer)]
    matched = set()
    right = 0
    for party in ours:
        mine = normalise_name(party.name)
        for index, theirs in enumerate(expected):
            if index not in matched and _same_name(mine, theirs):
                matched.add(index)
                right += 1
                break
    return right, len(ours), len(expected)


def _same_name(mine: str, theirs: str) -> bool:
    mine, theirs = _without_tail(mine), _without_tail(theirs)
    if not mine or not theirs:
        return False
    shorter, longer = sorted((mine, theirs), key=len)
    if longer.startswith(shorter + " ") and all(word in _COMPANY_SUFFIXES for word in longer[len(shorter) :].split()):
        return True  # 'cargill' and 'cargill incorporated'
    return SequenceMatcher(None, mine, theirs).ratio() >= NAME_SIMILARITY


def _without_tail(name: str) -> str:
    """A name without what follows 'd b a', 'f k a', 'on behalf of', 'together with' (normalised text)."""
    return re.split(r"\s(?:d b a|dba|f k a|on behalf of|together with|and its affiliates)\b", name)[0].strip()


_COMPANY_SUFFIXES = {
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "l", "p", "lp", "plc",
    "sa", "s", "a", "ag", "gmbh", "bv", "b", "v", "nv", "n", "pty", "pte", "srl", "spa", "llp",
}


NAME_SIMILARITY = 0.9
"""Names this similar (difflib's ratio) are the same party: CUAD's answers carry typos ('Berkely')."""
