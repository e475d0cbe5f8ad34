"""The de-identifier on the labelled synthetic corpus: recall and precision stay at their targets.

The corpus (tests/data/deid_corpus.jsonl) is made by scripts/generate_deid_corpus.py; the table in
docs/deid-quality.md is written by scripts/measure_deid.py from the same measurement.
"""

from pathlib import Path

import pytest
from codexcontinue_health.phi_categories import GROUPS, PhiCategory
from codexcontinue_health.phi_quality import load_corpus, measure

CORPUS = Path(__file__).parent / "data" / "deid_corpus.jsonl"
RECALL, PRECISION = 0.97, 0.75


@pytest.fixture(scope="module")
def report():
    return measure(load_corpus(CORPUS))


def test_the_corpus_has_300_notes_and_every_category(report):
    assert report.notes >= 300
    assert {c for c, t in report.categories.items() if t.labelled} == set(PhiCategory)


@pytest.mark.parametrize("group", list(GROUPS))
def test_each_target_group_meets_recall_and_precision(report, group):
    tally = report.group(group)
    assert tally.recall >= RECALL, f"{group}: recall {tally.recall:.3f}"
    assert tally.precision >= PRECISION, f"{group}: precision {tally.precision:.3f}"


@pytest.mark.parametrize("category", list(PhiCategory))
def test_each_category_meets_recall_and_precision(report, category):
    tally = report.categories[category]
    assert tally.recall >= RECALL, f"{category}: recall {tally.recall:.3f}, missed {[m for m in report.misses if m[1] is category][:5]}"
    assert tally.precision >= PRECISION, f"{category}: precision {tally.precision:.3f}"


def test_names_missing_from_the_lists_are_found_too(report):
    assert report.unlisted_names.labelled > 300
    assert report.unlisted_names.recall >= RECALL
