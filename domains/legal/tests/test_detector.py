"""The clause splitter and the shipped detector model."""

from __future__ import annotations

from codexcontinue_legal.categories import CATEGORY_NAMES
from codexcontinue_legal.clauses import split_clauses, split_passages
from codexcontinue_legal.detector import MODEL_PATH, detect, shipped_model

CONTRACT = """SERVICES AGREEMENT

This Agreement is made on May 1, 2020 between Acme Corp. ("Acme") and Beta LLC ("Beta").

1. TERM. This Agreement starts on the Effective Date and lasts two (2) years.

2. GOVERNING LAW

This Agreement shall be governed by the laws of the State of Texas.   3. ASSIGNMENT. Neither party may assign this Agreement without the prior written consent of the other party.
"""


def test_a_contract_is_split_at_numbered_sections_and_headings():
    clauses = split_clauses(CONTRACT)
    assert [(c.number, c.heading) for c in clauses] == [
        (None, "SERVICES AGREEMENT"), ("1", "TERM"), ("2", "GOVERNING LAW"), ("3", "ASSIGNMENT"),
    ]  # fmt: skip
    assert all(CONTRACT[c.start : c.end] == c.text for c in clauses)
    passages = split_passages(clauses[0])
    assert [p.text for p in passages] == [
        "SERVICES AGREEMENT",
        'This Agreement is made on May 1, 2020 between Acme Corp. ("Acme") and Beta LLC ("Beta").',
    ]


def test_the_shipped_model_is_small_and_covers_every_category():
    assert MODEL_PATH.stat().st_size < 4 * 1024 * 1024
    assert shipped_model().categories == CATEGORY_NAMES


def test_the_detector_finds_the_clauses_of_a_short_contract():
    clauses, detections = detect(CONTRACT)
    found = {(d.category, clauses[d.passage.clause].number) for d in detections}
    assert {("Governing Law", "2"), ("Anti-Assignment", "3"), ("Parties", None)} <= found
