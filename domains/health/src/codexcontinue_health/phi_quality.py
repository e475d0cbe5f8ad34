"""Measuring the de-identifier on a labelled corpus: recall and precision per PHI category.

A labelled span counts as found when every letter and digit of it is inside some detected span
(of any category: what matters is that it is removed). A detected span counts as correct when it
overlaps some labelled span. Recall per category is over the labelled spans of that category;
precision per category over the detected spans the detector gave that category.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .name_lists import name_lists
from .phi_categories import GROUPS, PhiCategory
from .phi_detector import PhiSpan, detect_phi


@dataclass
class Tally:
    """Counts for one category or group."""

    labelled: int = 0
    found: int = 0
    detected: int = 0
    correct: int = 0

    @property
    def recall(self) -> float:
        """Found / labelled (1.0 when nothing was labelled)."""
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        """Correct / detected (1.0 when nothing was detected)."""
        return self.correct / self.detected if self.detected else 1.0

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.labelled += other.labelled
        self.found += other.found
        self.detected += other.detected
        self.correct += other.correct


@dataclass
class QualityReport:
    """Tallies per category, per target group, overall, and for names in no shipped list."""

    notes: int = 0
    categories: dict[PhiCategory, Tally] = field(default_factory=lambda: defaultdict(Tally))
    unlisted_names: Tally = field(default_factory=Tally)
    misses: list[tuple[str, PhiCategory, str]] = field(default_factory=list)

    @property
    def overall(self) -> Tally:
        """All categories together."""
        total = Tally()
        for tally in self.categories.values():
            total.add(tally)
        return total

    def group(self, name: str) -> Tally:
        """The categories of one target group together."""
        total = Tally()
        for category in GROUPS[name]:
            total.add(self.categories[category])
        return total


def load_corpus(path: Path) -> list[dict]:
    """The notes of a JSONL corpus: `{"id", "text", "spans": [{"category", "start", "end"}]}`."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def measure(notes: Iterable[dict]) -> QualityReport:
    """Run the detector on every note and tally it against the labels."""
    report = QualityReport()
    lists = name_lists()
    for note in notes:
        report.notes += 1
        text = note["text"]
        detected = detect_phi(text)
        covered = _covered(detected, len(text))
        for span in note["spans"]:
            category = PhiCategory(span["category"])
            value = text[span["start"] : span["end"]]
            found = all(covered[i] for i in range(span["start"], span["end"]) if text[i].isalnum())
            tally = report.categories[category]
            tally.labelled += 1
            tally.found += found
            if category is PhiCategory.NAME and not any(lists.is_name(w) for w in value.replace(",", " ").split()):
                report.unlisted_names.labelled += 1
                report.unlisted_names.found += found
            if not found:
                report.misses.append((note["id"], category, value))
        for span in detected:
            tally = report.categories[span.category]
            tally.detected += 1
            tally.correct += any(s["start"] < span.end and span.start < s["end"] for s in note["spans"])
    return report


def _covered(spans: list[PhiSpan], length: int) -> list[bool]:
    covered = [False] * length
    for span in spans:
        for i in range(span.start, span.end):
            covered[i] = True
    return covered
