"""Measure the de-identifier per PHI category on the synthetic corpus and write the table to the docs.

    python domains/health/scripts/measure_deid.py

Reads tests/data/deid_corpus.jsonl (scripts/generate_deid_corpus.py), runs the pack's detector on
every note, and rewrites the table between the markers in docs/deid-quality.md. The test
tests/test_deid_quality.py fails when the same measurement drops below the targets.
"""

from __future__ import annotations

import time
from pathlib import Path

from codexcontinue_health.phi_categories import GROUPS, SAFE_HARBOR, PhiCategory
from codexcontinue_health.phi_quality import QualityReport, load_corpus, measure

HEALTH = Path(__file__).resolve().parents[1]
CORPUS = HEALTH / "tests" / "data" / "deid_corpus.jsonl"
DOCS = HEALTH / "docs" / "deid-quality.md"
BEGIN, END = "<!-- table:begin -->", "<!-- table:end -->"


def table(report: QualityReport, seconds: float) -> str:
    """The Markdown tables: per category, per target group, overall."""
    lines = [
        f"{report.notes} notes, {report.overall.labelled} labelled spans, measured in {seconds:.1f} s.",
        "",
        "| Category | Safe Harbor | Labelled | Recall | Detected | Precision |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for category in PhiCategory:
        t = report.categories[category]
        lines.append(
            f"| {category.value} | {SAFE_HARBOR[category].split(')')[0]})| {t.labelled} | {t.recall:.3f} | {t.detected} | {t.precision:.3f} |"
        )
    lines += ["", "| Target group | Recall | Precision | Target met |", "| --- | ---: | ---: | --- |"]
    for group in GROUPS:
        t = report.group(group)
        met = "yes" if t.recall >= 0.97 and t.precision >= 0.75 else "**no**"
        lines.append(f"| {group} | {t.recall:.3f} | {t.precision:.3f} | {met} |")
    overall = report.overall
    lines.append(f"| **overall** | {overall.recall:.3f} | {overall.precision:.3f} | {'yes' if overall.recall >= 0.97 and overall.precision >= 0.75 else '**no**'} |")
    unlisted = report.unlisted_names
    lines += ["", f"Names in no shipped list (held out): {unlisted.found}/{unlisted.labelled} found, recall {unlisted.recall:.3f}."]
    return "\n".join(lines)


def main() -> None:
    """Measure and rewrite the docs' table."""
    started = time.perf_counter()
    report = measure(load_corpus(CORPUS))
    text = table(report, time.perf_counter() - started)
    print(text)
    doc = DOCS.read_text()
    head, _, rest = doc.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOCS.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")


if __name__ == "__main__":
    main()
