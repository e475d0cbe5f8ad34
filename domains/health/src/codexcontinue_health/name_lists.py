"""The word lists the name recogniser reads: census first and last names, and common words."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class NameLists:
    """Lowercase sets: first and last names; everyday words, never a name without a title; and
    eponyms (names that are also words of diagnoses: "Jones fracture"), names only after a cue."""

    first: frozenset[str]
    last: frozenset[str]
    common: frozenset[str]
    eponyms: frozenset[str]

    def listed(self, word: str) -> bool:
        """Whether `word` is in the first or last name list at all (even if also an everyday word)."""
        lower = word.lower()
        return lower in self.first or lower in self.last

    def is_name(self, word: str) -> bool:
        """Whether `word` is a listed first or last name that is neither an everyday word nor an eponym."""
        lower = word.lower()
        return (lower in self.first or lower in self.last) and lower not in self.common and lower not in self.eponyms


def _read(file: str) -> frozenset[str]:
    return frozenset(line.strip().lower() for line in (DATA / file).read_text().splitlines() if line.strip())


@cache
def name_lists() -> NameLists:
    """The lists shipped in the package (built by scripts/build_name_lists.py), read once."""
    return NameLists(
        _read("first_names.txt"), _read("last_names.txt"), _read("common_words.txt"), _read("eponyms.txt")
    )
