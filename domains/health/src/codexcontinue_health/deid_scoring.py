"""Scoring the de-identifier on annotated notes, the way the PhysioNet corpus's own `stat.pm` does.

A gold span is found when any detected span overlaps it; a detected span that overlaps no gold span
is a false positive. Recall is found / gold (overall and per gold category), PPV (precision) is
found / (found + false positives). Speed is characters per second of the detector alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .annotated_corpus import AnnotatedNote
from .phi_detector import PhiSpan, detect_phi

Detector = Callable[[str], list[PhiSpan]]


@dataclass
class CategoryScore:
    """Gold spans of one category and how many were found."""

    gold: int = 0
    found: int = 0

    @property
    def recall(self) -> float:
        """Found / gold (1.0 when there is no gold span)."""
        return self.found / self.gold if self.gold else 1.0


@dataclass
class DeidScore:
    """The score of one run over a corpus."""

    notes: int = 0
    characters: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    categories: dict[str, CategoryScore] = field(default_factory=dict)
    false_positives: int = 0
    misses: list[tuple[str, str, int, int]] = field(default_factory=list)  # note id, category, start, end

    @property
    def gold(self) -> int:
        """Gold spans in all."""
        return sum(c.gold for c in self.categories.values())

    @property
    def found(self) -> int:
        """Gold spans found."""
        return sum(c.found for c in self.categories.values())

    @property
    def recall(self) -> float:
        """Found / gold."""
        return self.found / self.gold if self.gold else 1.0

    @property
    def ppv(self) -> float:
        """Found / (found + false positives): precision."""
        return self.found / (self.found + self.false_positives) if self.found + self.false_positives else 1.0

    @property
    def mb_per_s(self) -> float:
        """Millions of characters per second of detection, by the clock."""
        return self.characters / 1e6 / self.seconds if self.seconds else 0.0

    @property
    def cpu_mb_per_s(self) -> float:
        """Millions of characters per second of this process's CPU time: one core's speed, whatever
        else the machine is running."""
        return self.characters / 1e6 / self.cpu_seconds if self.cpu_seconds else 0.0

    def add(self, other: DeidScore) -> None:
        """Add another run's counts (a fold of a cross-validation) to this one."""
        self.notes += other.notes
        self.characters += other.characters
        self.seconds += other.seconds
        self.cpu_seconds += other.cpu_seconds
        self.false_positives += other.false_positives
        self.misses += other.misses
        for name, category in other.categories.items():
            mine = self.categories.setdefault(name, CategoryScore())
            mine.gold += category.gold
            mine.found += category.found

    def lines(self) -> list[str]:
        """The score as text: overall, then each category, most frequent first."""
        out = [
            (
                f"{self.notes} notes, {self.gold} PHI spans: recall {self.recall:.3f}, PPV {self.ppv:.3f} "
                f"({self.found} found, {self.gold - self.found} missed, {self.false_positives} false positives); "
                f"{self.characters / 1e6:.2f} MB in {self.seconds:.2f} s = {self.mb_per_s:.2f} MB/s "
                f"({self.cpu_mb_per_s:.2f} MB/s of CPU time)"
            )
        ]
        for name, category in sorted(self.categories.items(), key=lambda item: -item[1].gold):
            out.append(f"  {name:18s} {category.found:5d}/{category.gold:<5d} recall {category.recall:.3f}")
        return out


def score_corpus(notes: Iterable[AnnotatedNote], detect: Detector = detect_phi) -> DeidScore:
    """Run `detect` on every note and score it against the annotations (timed after one warm-up call,
    which reads the word lists)."""
    score = DeidScore()
    detect("Warm up: Dr. Smith saw the patient on 3/4.")
    for note in notes:
        started, cpu_started = time.perf_counter(), time.process_time()
        found = detect(note.text)
        score.seconds += time.perf_counter() - started
        score.cpu_seconds += time.process_time() - cpu_started
        score.notes += 1
        score.characters += len(note.text)
        for gold in note.spans:
            category = score.categories.setdefault(gold.category, CategoryScore())
            category.gold += 1
            if any(s.start < gold.end and gold.start < s.end for s in found):
                category.found += 1
            else:
                score.misses.append((note.id, gold.category, gold.start, gold.end))
        score.false_positives += sum(
            1 for s in found if not any(g.start < s.end and s.start < g.end for g in note.spans)
        )
    return score
