"""The word lists the de-identifier reads: census names, English words, US places and clinical terms.

All are general (scripts/build_word_lists.py says where each comes from); none is taken from the
notes the pack is measured on. Everything is lower case and read once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class WordLists:
    """Lower-case sets of words, and the clinical terms as written.

    `first` and `last`: census first and last names (`last` maps each to its frequency rank, 0 the
    most frequent). `english`: everyday English words (a name or a
    place only where the context says so: 'dr green' but 'green sputum'), and the proper nouns that
    are no one's name and no US place ('Tuesday', 'Russian', 'Bermuda'). `places`: US cities and
    counties, single words and phrases. `clinical`: every word of the clinical terms and of the
    nursing vocabulary, which is never taken for a name or a place. `clinical_terms`: the terms
    themselves ('Lasix', 'BP 142/84'). `features`: what the name recogniser worked out for each word
    it met, kept for the next note.
    """

    first: frozenset[str]
    last: dict[str, int]
    english: frozenset[str]
    places: frozenset[str]
    clinical: frozenset[str]
    clinical_terms: tuple[str, ...]
    features: dict[str, tuple] = field(default_factory=dict, compare=False, repr=False)

    def listed(self, word: str) -> bool:
        """Whether the lower-case `word` is a census first or last name."""
        return word in self.first or word in self.last

    def vocabulary(self, word: str) -> bool:
        """Whether the lower-case `word` is an English or clinical word."""
        return word in self.english or word in self.clinical


def _lines(file: str) -> list[str]:
    lines = (DATA / file).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def clinical_words(terms: tuple[str, ...], nursing: frozenset[str]) -> frozenset[str]:
    """Every word of the clinical terms (two letters or more), and the nursing vocabulary."""
    return frozenset(word for term in terms for word in WORD.findall(term.lower()) if len(word) > 1) | nursing


@cache
def word_lists() -> WordLists:
    """The lists shipped in the package, read once.

    `nursing_words.txt` is the vocabulary of ICU nursing notes that is never PHI, made by
    scripts/build_nursing_vocabulary.py (docs/deid-quality.md says how, and how it was validated).
    """
    terms = tuple(_lines("clinical_terms.txt"))
    clinical = clinical_words(terms, frozenset(_lines("nursing_words.txt")))
    return WordLists(
        first=frozenset(_lines("first_names.txt")),
        last={name: rank for rank, name in enumerate(_lines("last_names.txt"))},
        english=frozenset(_lines("english_words.txt")) | frozenset(_lines("proper_words.txt")),
        places=frozenset(place.lower() for place in _lines("us_places.txt")),
        clinical=clinical,
        clinical_terms=terms,
    )
