"""Names of the places whose law can govern a contract: countries (ISO 3166 through pycountry) and the
states, provinces and nations that have their own contract law (United States, Canada, Australia,
United Kingdom), with the other names contracts use for them ('PRC', 'the Commonwealth of
Massachusetts', 'Washington, D.C.')."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry

_SUBDIVISION_COUNTRIES = {"US": "United States", "CA": "Canada", "AU": "Australia", "GB": "United Kingdom"}
_SUBDIVISION_TYPES = {"State", "District", "Province", "Territory", "Country"}
_EXTRA_NAMES = {
    # name written in contracts -> the name we give
    "People's Republic of China": "China", "PRC": "China", "P.R.C.": "China", "Mainland China": "China",
    "United States of America": "United States", "U.S.A.": "United States", "USA": "United States",
    "U.S.": "United States", "United Kingdom of Great Britain and Northern Ireland": "United Kingdom",
    "Great Britain": "United Kingdom", "UK": "United Kingdom", "U.K.": "United Kingdom",
    "England and Wales": "England and Wales", "England & Wales": "England and Wales",
    "Holland": "Netherlands", "Republic of Korea": "South Korea", "Korea": "South Korea",
    "Russia": "Russian Federation", "Hong Kong SAR": "Hong Kong", "Washington, D.C.": "District of Columbia",
    "Washington D.C.": "District of Columbia", "D.C.": "District of Columbia", "Czech Republic": "Czechia",
    "Republic of China": "Taiwan", "Republic of Ireland": "Ireland", "Macau": "Macao",
}  # fmt: skip


@dataclass(frozen=True)
class Jurisdiction:
    """A place whose law can govern a contract: its name, and the country it belongs to when it is
    a state or province ('Ontario', 'Canada')."""

    name: str
    country: str | None = None

    @property
    def display(self) -> str:
        """'New York' (US states stand alone, as lawyers write them), 'Ontario, Canada', 'Germany'."""
        if self.country and self.country not in ("United States", "United Kingdom"):
            return f"{self.name}, {self.country}"
        return self.name


def _clean(name: str) -> str:
    name = re.sub(r"\s*\[.*?\]", "", name)  # 'Wales [Cymru GB-CYM]'
    if ", " in name:  # 'Korea, Republic of' -> 'Republic of Korea'
        head, tail = name.split(", ", 1)
        if tail.endswith(" of") or tail.endswith(" of the"):
            return f"{tail} {head}"
        return ""
    return name


@cache
def _names() -> dict[str, Jurisdiction]:
    """Every written name (lower case) and the jurisdiction it means; states win over countries of the
    same name (a US contract's 'laws of Georgia' means the state)."""
    names: dict[str, Jurisdiction] = {}
    for country in pycountry.countries:
        given = getattr(country, "common_name", None) or _clean(country.name) or country.name
        place = Jurisdiction(given)
        for written in {country.name, _clean(country.name), given, getattr(country, "official_name", "")}:
            if written and ", " not in written:
                names[written.lower()] = place
    for code, country_name in _SUBDIVISION_COUNTRIES.items():
        for subdivision in pycountry.subdivisions.get(country_code=code):
            if subdivision.type in _SUBDIVISION_TYPES:
                name = _clean(subdivision.name)
                if name:
                    names[name.lower()] = Jurisdiction(name, country_name)
    for written, given in _EXTRA_NAMES.items():
        names[written.lower()] = names.get(given.lower(), Jurisdiction(given))
    return names


@cache
def _pattern() -> re.Pattern[str]:
    alternatives = sorted(_names(), key=len, reverse=True)
    return re.compile(
        r"(?<![\w.])(?:the\s{1,3})?(?:(?:state|commonwealth|province|republic|kingdom|federal\s{1,3}republic)"
        r"\s{1,3}of\s{1,3})?(?P<name>" + "|".join(re.escape(name) for name in alternatives) + r")(?![\w])",
        re.IGNORECASE,
    )


@dataclass(frozen=True)
class JurisdictionMention:
    """A jurisdiction named in a text, and where."""

    start: int
    end: int
    jurisdiction: Jurisdiction


def find_jurisdictions(text: str) -> list[JurisdictionMention]:
    """Every jurisdiction named in `text`, in order."""
    names = _names()
    return [
        JurisdictionMention(match.start(), match.end(), names[match.group("name").lower()])
        for match in _pattern().finditer(text)
    ]


def canonical(name: str) -> str | None:
    """The name we give for a written place name ('State of New York' -> 'New York'), or None."""
    match = _pattern().fullmatch(name.strip().rstrip("."))
    return _names()[match.group("name").lower()].name if match else None


_ADJECTIVES = {
    "english": "England", "scottish": "Scotland", "welsh": "Wales", "irish": "Ireland", "german": "Germany",
    "french": "France", "swiss": "Switzerland", "dutch": "Netherlands", "swedish": "Sweden", "danish": "Denmark",
    "norwegian": "Norway", "finnish": "Finland", "italian": "Italy", "spanish": "Spain", "japanese": "Japan",
    "chinese": "China", "prc": "China", "korean": "South Korea", "indian": "India", "israeli": "Israel",
    "singaporean": "Singapore", "canadian": "Canada", "australian": "Australia", "mexican": "Mexico",
    "brazilian": "Brazil", "belgian": "Belgium", "austrian": "Austria", "polish": "Poland", "taiwanese": "Taiwan",
}  # fmt: skip


def place_named(words: str) -> str | None:
    """The jurisdiction a few words before 'law' name ('English' -> England, 'New York' -> New York,
    'PRC' -> China), as `Jurisdiction.display` gives it; None when they name none."""
    cleaned = " ".join(words.split()).strip(" .")
    if cleaned.lower() in _ADJECTIVES:
        return _names()[_ADJECTIVES[cleaned.lower()].lower()].display
    match = _pattern().fullmatch(cleaned)
    return _names()[match.group("name").lower()].display if match else None
