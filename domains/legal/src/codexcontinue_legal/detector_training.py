"""Fitting the clause detector on contracts in CUAD's format (scikit-learn), and its thresholds.

Passages that overlap a labelled clause are the positives of its category. One logistic regression
per category (liblinear, L2) is fitted on the passages' features; passages labelled with no category
are subsampled (a fixed share, weighted up to stand for the rest), which makes fitting about three
times faster with the same results. A category's threshold is the one with the best contract-level
F1 on contracts the model was not fitted on. Everything is deterministic: fixed seeds, contracts
split by a hash of their name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .cuad import CuadContract, fold_of
from .detector import DetectorModel, contract_passages, text_fingerprint

MIN_DOCUMENT_FREQUENCY = 3
REGULARISATION_C = 0.3
NEGATIVE_SHARE = 0.35
MIN_OVERLAP = 0.5
MIN_WEIGHT = 0.02
"""A feature whose weight is below this for every category is dropped: the model file halves (4.6 to 2.5
MB) and 3 of 2,384 detections on 60 CUAD contracts change."""
THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)
Progress = Callable[[str], None]


@dataclass
class ContractExamples:
    """One contract's passages as features, with the categories each passage belongs to."""

    name: str
    fingerprint: str
    features: list[list[str]]
    labels: np.ndarray  # (passages, categories) of 0/1
    present: np.ndarray  # (categories,) bool: the annotators labelled the category in this contract


def examples(contract: CuadContract, categories: Sequence[str]) -> ContractExamples:
    """The passages of a contract, their features and labels."""
    _, passages, features = contract_passages(contract.text)
    labels = np.zeros((len(passages), len(categories)), dtype=np.float32)
    for column, category in enumerate(categories):
        for start, end in contract.spans(category):
            for row, passage in enumerate(passages):
                overlap = min(end, passage.end) - max(start, passage.start)
                if overlap > 0 and overlap >= MIN_OVERLAP * min(end - start, passage.end - passage.start):
                    labels[row, column] = 1.0
    present = np.array([contract.has(category) for category in categories])
    return ContractExamples(contract.name, text_fingerprint(contract.text), features, labels, present)


def fit(
    training: Sequence[ContractExamples], categories: Sequence[str], thresholds: np.ndarray | None = None
) -> DetectorModel:
    """A detector fitted on `training`; thresholds default to 0.5."""
    from sklearn.linear_model import LogisticRegression

    frequency = Counter(f for contract in training for passage in contract.features for f in passage)
    vocabulary = {f: i for i, f in enumerate(sorted(f for f, n in frequency.items() if n >= MIN_DOCUMENT_FREQUENCY))}
    rows, labels, weights = _sample(training)
    if not rows:
        labels = np.zeros((0, len(categories)), dtype=np.float32)
    matrix = _matrix(rows, vocabulary)
    coefficients = np.zeros((len(vocabulary), len(categories)), dtype=np.float32)
    bias = np.zeros(len(categories), dtype=np.float32)
    for column in range(len(categories)):
        target = labels[:, column]
        if len(target) == 0 or target.min() == target.max():
            bias[column] = 10.0 if len(target) and target[0] else -10.0
            continue
        model = LogisticRegression(
            C=REGULARISATION_C, solver="liblinear", class_weight="balanced", intercept_scaling=10.0, max_iter=300
        )
        model.fit(matrix, target, sample_weight=weights)
        coefficients[:, column] = model.coef_[0]
        bias[column] = model.intercept_[0]
    used = np.flatnonzero(np.abs(coefficients).max(axis=1) >= MIN_WEIGHT)
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    return DetectorModel(
        categories=tuple(categories),
        vocabulary={names[index]: position for position, index in enumerate(used)},
        weights=coefficients[used],
        bias=bias,
        thresholds=np.full(len(categories), 0.5) if thresholds is None else np.asarray(thresholds, dtype=np.float32),
        fingerprints=frozenset(contract.fingerprint for contract in training),
    )


def _sample(training: Sequence[ContractExamples]) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """Every labelled passage, and a fixed share of the unlabelled ones weighted to stand for the rest."""
    rng = np.random.default_rng(0)
    rows: list[list[str]] = []
    labels, weights = [], []
    for contract in training:
        keep = (contract.labels.max(axis=1) > 0) if len(contract.labels) else np.zeros(0, bool)
        chance = rng.random(len(keep))
        for row, labelled in enumerate(keep):
            if labelled or chance[row] < NEGATIVE_SHARE:
                rows.append(contract.features[row])
                labels.append(contract.labels[row])
                weights.append(1.0 if labelled else 1.0 / NEGATIVE_SHARE)
    return rows, np.array(labels), np.array(weights)


def _matrix(rows: list[list[str]], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    indices, pointers = [], [0]
    for row in rows:
        indices.extend(vocabulary[f] for f in row if f in vocabulary)
        pointers.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix((data, np.array(indices, dtype=np.int64), np.array(pointers)), shape=(len(rows), len(vocabulary)))


def contract_maxima(model: DetectorModel, contracts: Sequence[ContractExamples]) -> np.ndarray:
    """Per contract and category, the highest passage probability."""
    maxima = np.zeros((len(contracts), len(model.categories)))
    for row, contract in enumerate(contracts):
        if contract.features:
            maxima[row] = model.probabilities(contract.features).max(axis=0)
    return maxima


def best_thresholds(maxima: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per category, the threshold with the best contract-level F1 (ties: the middle one)."""
    thresholds = []
    for column in range(truth.shape[1]):
        scores = [f1_score(maxima[:, column] >= t, truth[:, column]) for t in THRESHOLD_GRID]
        best = max(scores)
        candidates = [t for t, s in zip(THRESHOLD_GRID, scores) if s >= best - 1e-9]
        thresholds.append(candidates[len(candidates) // 2])
    return np.array(thresholds)


def f1_score(predicted: np.ndarray, truth: np.ndarray) -> float:
    """F1 of boolean predictions against boolean truth (0 when nothing is right)."""
    true_positives = float(np.sum(predicted & truth))
    if true_positives == 0:
        return 0.0
    return 2 * true_positives / (float(np.sum(predicted)) + float(np.sum(truth)))


def train(
    training: Sequence[ContractExamples], categories: Sequence[str], progress: Progress = lambda _: None
) -> DetectorModel:
    """Fit on four fifths of `training` (split by name), tune thresholds on the other fifth, then refit on
    all of it with those thresholds."""
    fitting = [c for c in training if fold_of("tune:" + c.name, 5) != 0]
    tuning = [c for c in training if fold_of("tune:" + c.name, 5) == 0]
    progress(f"fitting on {len(fitting)} contracts to tune thresholds on {len(tuning)}")
    draft = fit(fitting, categories)
    truth = np.array([c.present for c in tuning])
    thresholds = best_thresholds(contract_maxima(draft, tuning), truth)
    progress(f"fitting on all {len(training)} contracts")
    return fit(training, categories, thresholds)
