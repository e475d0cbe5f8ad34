"""Train the clause detector on CUAD's "train" split and write the pack's model artefact.

    python domains/legal/scripts/train_detector.py [--cuad ../shared/data/cuad]

Passages that overlap a labelled CUAD clause are positives for its category. One logistic model
per category is fitted by full-batch gradient descent (Adam, L2), deterministically. Thresholds are
tuned for contract-level F1 on the "tune" split with a model trained on "train" alone; the shipped
model is then refitted on "train" + "tune" with those thresholds. "test" is never read here.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from cuad import DEFAULT_CUAD, Contract, load_contracts  # noqa: E402

from codexcontinue_legal.categories import CATEGORY_NAMES  # noqa: E402
from codexcontinue_legal.detector import MODEL_PATH, DetectorModel, contract_passages  # noqa: E402

MIN_DOCUMENT_FREQUENCY = 3
ITERATIONS = 300
LEARNING_RATE = 0.05
L2 = 1e-4
NEGATIVE_SHARE = 0.35  # negatives kept (deterministically) per contract; the rest stand in via weights
MIN_OVERLAP = 0.5


class Passages:
    """The passages of a set of contracts as a sparse matrix, with their labels."""

    def __init__(self, contracts: list[Contract]) -> None:
        rows = [
            (contract, passage, features)
            for contract in contracts
            for passage, features in _passages(contract)
        ]
        frequency = Counter(f for _, _, features in rows for f in features)
        kept = sorted(f for f, count in frequency.items() if count >= MIN_DOCUMENT_FREQUENCY)
        self.vocabulary = vocabulary = {f: index for index, f in enumerate(kept)}
        self.labels = np.array(
            [_labels(contract, passage) for contract, passage, _ in rows], dtype=np.float32
        )
        columns = [[vocabulary[f] for f in features if f in vocabulary] for _, _, features in rows]
        self.indptr = np.cumsum([0] + [len(c) for c in columns])
        self.indices = np.array([i for c in columns for i in c], dtype=np.int64)


_PASSAGE_CACHE: dict[str, list] = {}


def _passages(contract: Contract) -> list:
    if contract.name not in _PASSAGE_CACHE:
        _, passages, features = contract_passages(contract.text)
        _PASSAGE_CACHE[contract.name] = list(zip(passages, features))
    return _PASSAGE_CACHE[contract.name]


def _labels(contract: Contract, passage) -> list[float]:  # noqa: ANN001 - a Passage
    labels = []
    for category in CATEGORY_NAMES:
        hit = 0.0
        for start, end in contract.spans(category):
            overlap = min(end, passage.end) - max(start, passage.start)
            if overlap > 0 and overlap >= MIN_OVERLAP * min(end - start, passage.end - passage.start):
                hit = 1.0
                break
        labels.append(hit)
    return labels


def fit(data: Passages) -> tuple[np.ndarray, np.ndarray]:
    """Logistic regression per category on the sparse passages (deterministic)."""
    rng = np.random.default_rng(0)
    positive_anywhere = data.labels.max(axis=1) > 0
    keep = positive_anywhere | (rng.random(len(data.labels)) < NEGATIVE_SHARE)
    sample_weight = np.where(positive_anywhere, 1.0, 1.0 / NEGATIVE_SHARE)[keep]
    rows = np.flatnonzero(keep)
    sub_indices = np.concatenate([data.indices[data.indptr[r] : data.indptr[r + 1]] for r in rows])
    sub_rows = np.repeat(np.arange(len(rows)), [data.indptr[r + 1] - data.indptr[r] for r in rows])
    labels = data.labels[rows]
    # Balance each category: positives weigh as much, in total, as a third of the negatives.
    positives = labels.sum(axis=0)
    class_weight = np.where(
        labels > 0, np.maximum(1.0, (len(rows) - positives) / (3 * np.maximum(positives, 1))), 1.0
    )
    weight = class_weight * sample_weight[:, None]
    weight /= weight.sum(axis=0)
    size, categories = len(data.vocabulary), labels.shape[1]
    weights = np.zeros((size, categories))
    bias = np.zeros(categories)
    moments = [np.zeros_like(weights), np.zeros_like(weights), np.zeros_like(bias), np.zeros_like(bias)]
    for step in range(1, ITERATIONS + 1):
        logits = np.zeros((len(rows), categories))
        np.add.at(logits, sub_rows, weights[sub_indices])
        logits += bias
        residual = (1.0 / (1.0 + np.exp(-logits)) - labels) * weight
        gradient = np.stack(
            [
                np.bincount(sub_indices, weights=residual[sub_rows, c], minlength=size)
                for c in range(categories)
            ],
            axis=1,
        )
        gradient += L2 * weights
        bias_gradient = residual.sum(axis=0)
        for value, grad, first, second in ((weights, gradient, 0, 1), (bias, bias_gradient, 2, 3)):
            moments[first] = 0.9 * moments[first] + 0.1 * grad
            moments[second] = 0.999 * moments[second] + 0.001 * grad**2
            corrected = moments[first] / (1 - 0.9**step)
            value -= LEARNING_RATE * corrected / (np.sqrt(moments[second] / (1 - 0.999**step)) + 1e-8)
    return weights, bias


def contract_maxima(model: DetectorModel, contracts: list[Contract]) -> np.ndarray:
    """Per contract and category, the highest passage probability."""
    maxima = np.zeros((len(contracts), len(model.categories)))
    for row, contract in enumerate(contracts):
        features = [f for _, f in _passages(contract)]
        if features:
            maxima[row] = model.probabilities(features).max(axis=0)
    return maxima


def best_thresholds(maxima: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per category, the threshold with the best contract-level F1 (ties: the middle one)."""
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    thresholds = []
    for column in range(truth.shape[1]):
        scores = [_f1(maxima[:, column] >= t, truth[:, column]) for t in grid]
        best = max(scores)
        candidates = [t for t, s in zip(grid, scores) if s >= best - 1e-9]
        thresholds.append(candidates[len(candidates) // 2])
    return np.array(thresholds)


def _f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    true_positives = float(np.sum(predicted & truth))
    if true_positives == 0:
        return 0.0
    precision, recall = true_positives / predicted.sum(), true_positives / truth.sum()
    return 2 * precision * recall / (precision + recall)


def train(contracts: list[Contract], thresholds: np.ndarray | None = None) -> DetectorModel:
    """Fit a model on `contracts`; thresholds default to 0.5."""
    data = Passages(contracts)
    weights, bias = fit(data)
    weights[np.abs(weights) < 1e-3] = 0.0
    used = np.flatnonzero(np.abs(weights).max(axis=1) > 0)
    vocabulary = sorted(data.vocabulary, key=data.vocabulary.__getitem__)
    return DetectorModel(
        categories=CATEGORY_NAMES,
        vocabulary={vocabulary[index]: position for position, index in enumerate(used)},
        weights=weights[used].astype(np.float32),
        bias=bias.astype(np.float32),
        thresholds=np.full(len(CATEGORY_NAMES), 0.5) if thresholds is None else thresholds,
    )


def main() -> None:
    """Tune thresholds on "tune", then fit the shipped model on "train" + "tune"."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cuad", type=Path, default=DEFAULT_CUAD, help="CUAD folder (master_clauses.csv, contracts/)"
    )
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="Where to write the model")
    arguments = parser.parse_args()
    contracts = load_contracts(arguments.cuad)
    train_set = [c for c in contracts if c.split == "train"]
    tune_set = [c for c in contracts if c.split == "tune"]
    print(f"train {len(train_set)} contracts, tune {len(tune_set)}; test split left out", flush=True)
    draft = train(train_set)
    truth = np.array([[c.has(name) for name in CATEGORY_NAMES] for c in tune_set])
    thresholds = best_thresholds(contract_maxima(draft, tune_set), truth)
    for name, threshold in zip(CATEGORY_NAMES, thresholds):
        print(f"  threshold {name}: {threshold:.2f}")
    model = train(train_set + tune_set, thresholds)
    model.save(arguments.out)
    print(
        f"wrote {arguments.out} ({arguments.out.stat().st_size // 1024} KiB, {len(model.vocabulary)} features)"
    )


if __name__ == "__main__":
    main()
