"""Measure clause detection per category on CUAD's "test" split and write the table to the docs.

    python domains/legal/scripts/measure_detector.py [--cuad ../shared/data/cuad]

Contract level: for each test contract and category, the detector says present or absent, and
CUAD's annotators say whether they labelled any clause of that category. The detector's model was
built from the "train" and "tune" splits only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from cuad import DEFAULT_CUAD, load_contracts  # noqa: E402

from codexcontinue_legal.categories import CATEGORY_NAMES  # noqa: E402
from codexcontinue_legal.detector import MODEL_PATH, DetectorModel, detect  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs" / "clause-detection.md"


def measure(cuad: Path, model_path: Path) -> tuple[list[tuple[str, int, float, float, float]], int]:
    """Per category (name, contracts with it, precision, recall, F1), and the number of contracts."""
    model = DetectorModel.load(model_path)
    contracts = [c for c in load_contracts(cuad) if c.split == "test"]
    found = []
    for contract in contracts:
        _, detections = detect(contract.text, model)
        found.append({d.category for d in detections})
    rows = []
    for category in CATEGORY_NAMES:
        truth = [c.has(category) for c in contracts]
        predicted = [category in f for f in found]
        true_positives = sum(t and p for t, p in zip(truth, predicted))
        precision = true_positives / sum(predicted) if sum(predicted) else 0.0
        recall = true_positives / sum(truth) if sum(truth) else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append((category, sum(truth), precision, recall, f1))
    return rows, len(contracts)


def table(rows: list[tuple[str, int, float, float, float]], contracts: int) -> str:
    """The Markdown page with the measurement table."""
    macro = sum(row[4] for row in rows) / len(rows)
    lines = [
        "# Clause detection: measurement",
        "",
        "Written by `scripts/measure_detector.py`; do not edit by hand.",
        "",
        f'Split: CUAD v1 contracts whose `sha256(file name) mod 5 == 0` (the "test" split, '
        f"{contracts} contracts of the 386 with text in `shared/data/cuad`). The shipped model "
        'was fitted on the "train" (mod 5 in 2..4) and "tune" (mod 5 == 1) splits, with '
        'per-category thresholds tuned on "tune" by a model fitted on "train" alone; it never '
        "saw these contracts.",
        "",
        "Contract level: a category counts as found when the detector marks at least one passage "
        "of it; the truth is whether CUAD's annotators labelled at least one clause of it.",
        "",
        "| category | test contracts with it | precision | recall | F1 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {name} | {n} | {p:.3f} | {r:.3f} | {f:.3f} |" for name, n, p, r, f in rows]
    lines += ["", f"**Macro-F1 over the {len(rows)} categories: {macro:.3f}**", ""]
    lines += [
        "CUAD v1 is by The Atticus Project, licensed under CC BY 4.0 "
        "(https://www.atticusprojectai.org/cuad).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Measure and write `docs/clause-detection.md`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cuad", type=Path, default=DEFAULT_CUAD, help="CUAD folder (master_clauses.csv, contracts/)"
    )
    parser.add_argument("--model", type=Path, default=MODEL_PATH, help="The model to measure")
    parser.add_argument("--out", type=Path, default=DOCS, help="Where to write the table")
    arguments = parser.parse_args()
    rows, contracts = measure(arguments.cuad, arguments.model)
    page = table(rows, contracts)
    arguments.out.write_text(page, encoding="utf-8")
    print(page)


if __name__ == "__main__":
    main()
