"""The de-identifier's quality: on the real ICU notes of the development half (when ../shared is
there) and on the labelled synthetic corpus that holds every Safe Harbor category.

The figures in docs/deid-quality.md come from `codexcontinue health eval` and the cross-validation
script on the same data; these tests fail when the detector falls under the targets.
"""

from pathlib import Path

import pytest
from codexcontinue_health.annotated_corpus import read_corpus
from codexcontinue_health.deid_scoring import score_corpus
from codexcontinue_health.phi_categories import PhiCategory

HERE = Path(__file__).parent
SYNTHETIC = HERE / "data" / "deid_corpus.jsonl"
DEVELOPMENT = HERE.parents[2].parent / "shared" / "data" / "deid-dev"
TARGET_CATEGORIES = ["HCPName", "Date", "Location", "RelativeProxyName", "PTName", "Phone", "DateYear"]
IDENTIFIERS = [c for c in PhiCategory if c not in (PhiCategory.NAME, PhiCategory.LOCATION)]


@pytest.fixture(scope="module")
def development():
    if not (DEVELOPMENT / "id.text").is_file():
        pytest.skip(f"the development half of the PhysioNet deid corpus is not at {DEVELOPMENT} (a fresh clone has no ../shared)")
    return score_corpus(read_corpus(DEVELOPMENT))


@pytest.fixture(scope="module")
def synthetic():
    return score_corpus(read_corpus(SYNTHETIC))


def test_real_nursing_notes_meet_recall_098_and_ppv_090(development):
    assert development.notes == 1090
    assert development.recall >= 0.98, "\n".join(development.lines())
    assert development.ppv >= 0.90, "\n".join(development.lines())


@pytest.mark.parametrize("category", TARGET_CATEGORIES)
def test_each_category_of_the_real_notes_meets_recall_095(development, category):
    assert development.categories[category].recall >= 0.95, "\n".join(development.lines())


def test_every_safe_harbor_identifier_of_the_synthetic_notes_is_found(synthetic):
    assert {c.value for c in PhiCategory} <= set(synthetic.categories)
    for category in IDENTIFIERS:
        assert synthetic.categories[category.value].recall >= 0.97, f"{category}: {synthetic.lines()}"


def test_names_and_places_of_the_synthetic_notes_are_found(synthetic):
    assert synthetic.categories["NAME"].recall >= 0.95, "\n".join(synthetic.lines())
    assert synthetic.categories["LOCATION"].recall >= 0.88, "\n".join(synthetic.lines())
    assert synthetic.ppv >= 0.95, "\n".join(synthetic.lines())
