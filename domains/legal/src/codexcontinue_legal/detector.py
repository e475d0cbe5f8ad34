"""The clause detector: a small logistic model over passage words, trained on CUAD, shipped in the pack.

Each passage (sentence) of a contract gets a probability per category; a category is present in
the contract when its best passage reaches the category's threshold (tuned on held-out training
contracts for contract-level F1). The artefact `data/clause_detector.npz` is built by
`codexcontinue legal train-detector` (see `detector_training`) from CUAD v1 (The Atticus Project,
CC BY 4.0).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from codexcontinue.cpu_work import checkpoint

from .clauses import Clause, Passage, split_clauses, split_passages

MODEL_PATH = Path(__file__).parent / "data" / "clause_detector.npz"
_WORD = re.compile(r"[a-z]+|\d+")


def _words(text: str) -> tuple[str, ...]:
    return tuple("<n>" if word.isdigit() else word for word in _WORD.findall(text.lower()))


def passage_features(
    words: Sequence[str], heading: str | None, before: Sequence[str], after: Sequence[str]
) -> tuple[str, ...]:
    """The features of one passage: its words and word pairs, the words of its heading, and the words of
    the passages just before and after it (marked 'p:' and 'n:'). A tuple of strings, which the garbage
    collector leaves alone (see `Passage`)."""
    features = set(words)
    features.update(f"{first}_{second}" for first, second in zip(words, words[1:]))
    if heading:
        features.update(f"h:{word}" for word in _WORD.findall(heading.lower()) if not word.isdigit())
    features.update(f"p:{word}" for word in before)
    features.update(f"n:{word}" for word in after)
    return tuple(sorted(features))


def contract_passages(text: str) -> tuple[list[Clause], list[Passage], list[tuple[str, ...]]]:
    """The clauses and passages of a contract, and each passage's features."""
    clauses = split_clauses(text)
    passages: list[Passage] = []
    headings: list[str | None] = []
    heading = None
    for clause in clauses:
        checkpoint()
        heading = clause.heading or heading
        for passage in split_passages(clause):
            passages.append(passage)
            headings.append(heading)
    words = [_words(passage.text) for passage in passages]
    features = []
    for row in range(len(passages)):
        if row % 2000 == 0:
            checkpoint()
        before = words[row - 1] if row else ()
        after = words[row + 1] if row + 1 < len(words) else ()
        features.append(passage_features(words[row], headings[row], before, after))
    return clauses, passages, features


def text_fingerprint(text: str) -> str:
    """A short fingerprint of a contract's text (its words, spacing ignored): the model records those of
    the contracts it was fitted on, so a measurement can tell when it would be scoring its own training."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class DetectorModel:
    """The trained weights: one logistic model per category over a shared vocabulary."""

    categories: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray  # (len(vocabulary), len(categories))
    bias: np.ndarray  # (len(categories),)
    thresholds: np.ndarray  # (len(categories),)
    fingerprints: frozenset[str] = frozenset()

    def probabilities(self, features: Sequence[Sequence[str]]) -> np.ndarray:
        """Per passage and category, the probability that the passage is a clause of that category."""
        scores = np.tile(self.bias.astype(np.float64), (len(features), 1))
        for row, passage in enumerate(features):
            if row % 2000 == 0:
                checkpoint()
            indices = [self.vocabulary[f] for f in passage if f in self.vocabulary]
            if indices:
                scores[row] += self.weights[indices].astype(np.float64).sum(axis=0)
        return 1.0 / (1.0 + np.exp(-scores))

    def save(self, path: Path) -> None:
        """Write the model as a compressed, deterministic .npz file."""
        vocabulary = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez_compressed(
            path,
            categories=np.frombuffer("\n".join(self.categories).encode(), dtype=np.uint8),
            vocabulary=np.frombuffer("\n".join(vocabulary).encode(), dtype=np.uint8),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            thresholds=self.thresholds.astype(np.float32),
            fingerprints=np.frombuffer("\n".join(sorted(self.fingerprints)).encode(), dtype=np.uint8),
        )

    @classmethod
    def load(cls, path: Path) -> DetectorModel:
        """Read a model written by `save`."""
        with np.load(path) as data:
            words = bytes(data["vocabulary"]).decode().split("\n")
            return cls(
                categories=tuple(bytes(data["categories"]).decode().split("\n")),
                vocabulary={word: index for index, word in enumerate(words)},
                weights=data["weights"].astype(np.float32),
                bias=data["bias"],
                thresholds=data["thresholds"],
                fingerprints=frozenset(bytes(data["fingerprints"]).decode().split("\n")) - {""}
                if "fingerprints" in data
                else frozenset(),
            )


@cache
def shipped_model() -> DetectorModel:
    """The model shipped inside the pack (loaded once)."""
    return DetectorModel.load(MODEL_PATH)


class Detection(NamedTuple):
    """A passage the detector assigns to a category, with its probability (a tuple: see `Passage`)."""

    category: str
    passage: Passage
    probability: float


@dataclass(frozen=True)
class ScoredContract:
    """A contract's clauses and passages, with every passage's probability for every category."""

    text: str
    clauses: list[Clause]
    passages: list[Passage]
    probabilities: np.ndarray  # (len(passages), len(model.categories))
    model: DetectorModel

    def ranked(self, category: str, floor: float = 1.0) -> list[tuple[Passage, float]]:
        """The passages whose probability for `category` reaches `floor` times its threshold, most
        probable first."""
        if not self.passages:
            return []
        column = self.model.categories.index(category)
        scores = self.probabilities[:, column]
        rows = np.flatnonzero(scores >= floor * self.model.thresholds[column])
        return [(self.passages[row], float(scores[row])) for row in sorted(rows, key=lambda r: -scores[r])]

    def detections(self) -> list[Detection]:
        """Every passage at or above its category's threshold, in the order of the text."""
        found = [
            Detection(category, passage, probability)
            for category in self.model.categories
            for passage, probability in self.ranked(category)
        ]
        return sorted(found, key=lambda d: (d.passage.start, d.category))


def score_contract(text: str, model: DetectorModel | None = None) -> ScoredContract:
    """Split the contract and score every passage for every category."""
    model = model or shipped_model()
    clauses, passages, features = contract_passages(text)
    probabilities = model.probabilities(features) if passages else np.zeros((0, len(model.categories)))
    return ScoredContract(text, clauses, passages, probabilities, model)


def detect(text: str, model: DetectorModel | None = None) -> tuple[list[Clause], list[Detection]]:
    """The contract's clauses, and every passage at or above its category's threshold."""
    scored = score_contract(text, model)
    return scored.clauses, scored.detections()
