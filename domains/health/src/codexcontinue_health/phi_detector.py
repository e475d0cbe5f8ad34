"""Finding PHI in clinical text: the shape rules (phi_patterns.py) and the names and places found by
context (names_and_places.py), merged, with the clinical terms left alone.

    spans = detect_phi("Pt Maria Lopez, DOB 3/4/1950, MRN 4471123")
    [(s.category, s.start, s.end, s.confidence) for s in spans]

Pure Python and the standard library's `re`: nothing is loaded from the network, and the work is
linear in the text (about 1 MB/s of one core; docs/deid-quality.md). Overlapping findings are merged
into one span that covers them all, labelled with the most confident category. A span whose words
are all clinical vocabulary ('Foley', 'Lasix', 'BP 142/84') is dropped: those are never PHI.
"""

from __future__ import annotations

import re

from codexcontinue.cpu_work import checkpoint
from pydantic import BaseModel, Field

from .names_and_places import Found, names_and_places
from .phi_categories import PhiCategory
from .phi_patterns import find_patterns
from .word_lists import WordLists, word_lists

CONTEXT_CATEGORIES = (PhiCategory.NAME, PhiCategory.LOCATION)
WORDS = re.compile(r"[a-z]+")


class PhiSpan(BaseModel):
    """One piece of PHI: its category, where it is in the text (`text[start:end]`), and how sure."""

    category: PhiCategory
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    confidence: float = Field(ge=0, le=1)


def detect_phi(text: str, lists: WordLists | None = None) -> list[PhiSpan]:
    """Every PHI span in `text`, sorted and not overlapping (`lists`: other word lists than the
    shipped ones, for cross-validation)."""
    lists = lists or word_lists()
    if not text.strip():
        return []
    found: list[Found] = list(find_patterns(text))
    checkpoint()
    found += [span for span in names_and_places(text, lists) if not _clinical(text[span[0] : span[1]], lists)]
    return merge_overlaps(found)


def _clinical(value: str, lists: WordLists) -> bool:
    """Whether every word of a name or place span is a clinical word ('Foley', 'Swan')."""
    words = WORDS.findall(value.lower())
    clinical = lists.clinical
    return bool(words) and all(word in clinical for word in words)


def merge_overlaps(found: list[Found]) -> list[PhiSpan]:
    """One span per group of overlapping findings: their union, with the most confident category."""
    merged: list[PhiSpan] = []
    group: list[Found] = []
    group_end = -1
    for item in sorted(found, key=lambda f: (f[0], -f[1])):
        if group and item[0] >= group_end:
            merged.append(_span(group))
            group, group_end = [], -1
        group.append(item)
        group_end = max(group_end, item[1])
    if group:
        merged.append(_span(group))
    return merged


def _span(group: list[Found]) -> PhiSpan:
    best = max(group, key=lambda f: (f[3], f[1] - f[0]))
    return PhiSpan.model_construct(  # built from checked values: no validation on the hot path
        category=best[2],
        start=min(f[0] for f in group),
        end=max(f[1] for f in group),
        confidence=round(best[3], 2),
    )
