"""Build the word lists the de-identifier ships: census names, common words, and US cities.

    pip install names   # MIT-licensed; ships the Census Bureau's public-domain frequency files
    python domains/health/scripts/build_word_lists.py

Writes src/codexcontinue_health/data/{first,last}_names.txt, common_words.txt, eponyms.txt. Only the names
at even frequency ranks of the most common ones are kept: the synthetic test corpus draws from all ranks, so half
of its names are held out of the lists and the measured recall shows how the rules do on names
the lists have never seen.

common_words.txt holds everyday words that are never taken for a name without a title in front
of them ("Dr. Young" is a name, "young" alone is not): the hand-written seed next to this script.
eponyms.txt holds every census name that is also a word of the ICD-10-CM descriptions (Parkinson,
Jones, Smith, Still, Bell), plus the clinical eponyms of eponyms_seed.txt (Graves, Murphy): these are names after a cue ("pt Jones") but not from the list alone
("Jones fracture").

us_cities.txt holds every second city of us_cities_seed.txt (large US cities); the corpus
generator uses all of them, so half its city names are held out of the gazetteer too.
"""

from __future__ import annotations

import re
from pathlib import Path

import names
import simple_icd_10_cm as icd

CENSUS = Path(names.__file__).parent
DATA = Path(__file__).resolve().parents[1] / "src" / "codexcontinue_health" / "data"
FIRST_NAMES_PER_SEX = {"dist.female.first": 1000, "dist.male.first": 600}
LAST_NAMES = 4000
SEED = Path(__file__).parent / "common_words_seed.txt"
CITIES = Path(__file__).parent / "us_cities_seed.txt"
EPONYMS = Path(__file__).parent / "eponyms_seed.txt"


def census_names(file: str, top: int) -> list[str]:
    """The `top` most frequent names of one census file, most frequent first, in Title case."""
    lines = (CENSUS / file).read_text().splitlines()[:top]
    return [line.split()[0].title() for line in lines]


def even_ranks(ranked: list[str]) -> list[str]:
    """Every second name (ranks 2, 4, 6 ...): the other half is held out for the measurement."""
    return ranked[1::2]


def icd_words() -> set[str]:
    """Every lowercase word of the ICD-10-CM code descriptions."""
    words: set[str] = set()
    for code in icd.get_all_codes(with_dots=True):
        words.update(word.lower() for word in re.findall(r"[A-Za-z]{3,}", icd.get_description(code)))
    return words


def main() -> None:
    """Write the three lists, one entry per line, sorted."""
    first = set()
    for file, top in FIRST_NAMES_PER_SEX.items():
        first.update(even_ranks(census_names(file, top)))
    last = set(even_ranks(census_names("dist.all.last", LAST_NAMES)))
    (DATA / "first_names.txt").write_text("\n".join(sorted(first)) + "\n")
    (DATA / "last_names.txt").write_text("\n".join(sorted(last)) + "\n")
    every_census_name = {
        name.lower()
        for file in ("dist.female.first", "dist.male.first", "dist.all.last")
        for name in census_names(file, 100_000)
    }
    common = set(SEED.read_text().split())
    eponyms = ((icd_words() & every_census_name) | set(EPONYMS.read_text().split())) - common
    (DATA / "common_words.txt").write_text("\n".join(sorted(common)) + "\n")
    (DATA / "eponyms.txt").write_text("\n".join(sorted(eponyms)) + "\n")
    cities = CITIES.read_text().splitlines()[0::2]
    (DATA / "us_cities.txt").write_text("\n".join(cities) + "\n")
    print(f"{len(cities)} cities, {len(common)} common words,", end=" ")
    print(f"{len(first)} first names, {len(last)} last names written to {DATA}")


if __name__ == "__main__":
    main()
