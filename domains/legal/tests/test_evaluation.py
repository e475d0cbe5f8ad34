"""`codexcontinue legal eval --cuad DIR` on folders in CUAD's format: one the tests write, and CUAD's
development contracts beside the repository (those tests skip, saying why, when they are absent)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codexcontinue_legal.categories import CATEGORY_NAMES
from codexcontinue_legal.cuad import read_cuad
from codexcontinue_legal.detector import shipped_model, text_fingerprint
from codexcontinue_legal.evaluation import evaluate

CUAD = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "cuad"
NEEDS_CUAD = pytest.mark.skipif(
    not (CUAD / "master_clauses.csv").is_file(),
    reason=f"CUAD's development contracts are not at {CUAD} (they sit beside the repository; CI has them)",
)


def write_cuad_folder(folder: Path, contracts: dict[str, tuple[str, dict[str, list[str]], dict[str, str]]]) -> Path:
    """A folder in CUAD's format: name -> (text, clauses per category, answers per category)."""
    (folder / "contracts").mkdir(parents=True)
    header = ["Filename"]
    for category in CATEGORY_NAMES:
        header += [category, f"{category}- Answer" if category.startswith("Notice Period") else f"{category}-Answer"]
    with open(folder / "master_clauses.csv", "w", newline="", encoding="utf-8") as table:
        writer = csv.writer(table)
        writer.writerow(header)
        for name, (text, clauses, answers) in contracts.items():
            (folder / "contracts" / f"{name}.txt").write_text(text, encoding="utf-8")
            row = [f"{name}.pdf"]
            for category in CATEGORY_NAMES:
                found = clauses.get(category, [])
                default = ("Yes" if found else "No") if category not in answers else ""
                row += [repr(found), answers.get(category, default)]
            writer.writerow(row)
    return folder


@pytest.fixture
def small_cuad(tmp_path, services_agreement) -> Path:
    """Three versions of the services agreement, labelled the way CUAD labels contracts."""
    delaware = services_agreement.replace("the State of New York,", "the State of Delaware,").replace(
        "ninety (90) days before", "sixty (60) days before"
    )
    renewal = (
        "This Agreement shall automatically renew for successive one (1) year renewal terms unless either Party "
        "gives the other Party written notice of non-renewal at least ninety (90) days before the end of the "
        "then-current term."
    )
    law = "This Agreement shall be governed by and construed in accordance with the laws of the State of New York"
    answers = {
        "Parties": 'Northwind Analytics, Inc. ("Northwind"); Contoso Health Partners, LLC ("Customer")',
        "Agreement Date": "3/3/21", "Effective Date": "3/3/21", "Expiration Date": "3/3/23",
        "Renewal Term": "successive 1 year", "Notice Period To Terminate Renewal": "90 days",
        "Governing Law": "New York",
    }  # fmt: skip
    clauses = {"Governing Law": [law], "Renewal Term": [renewal], "Notice Period To Terminate Renewal": [renewal]}
    return write_cuad_folder(tmp_path / "cuad", {
        "services-new-york": (services_agreement, clauses, answers),
        "services-delaware": (
            delaware,
            {**clauses, "Governing Law": [law.replace("New York", "Delaware")]},
            {**answers, "Governing Law": "Delaware", "Notice Period To Terminate Renewal": "60 days"},
        ),
        "services-wrong-answer": (services_agreement, clauses, {**answers, "Governing Law": "California"}),
    })  # fmt: skip


def run_eval(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", "legal", "eval", *map(str, arguments)],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}, timeout=600,
    )  # fmt: skip


def test_eval_prints_presence_per_category_and_each_values_precision_and_recall(small_cuad, tmp_path):
    markdown = tmp_path / "table.md"
    done = run_eval("--cuad", small_cuad, "--mode", "shipped", "--markdown", markdown)
    assert done.returncode == 0, done.stderr
    assert "Clause presence" in done.stdout and "Governing Law" in done.stdout
    assert "Values against CUAD's answers" in done.stdout
    page = markdown.read_text()
    assert "| governing_law | 2 | 1 | 0 | 0 | 0 | 0.667 | 0.667 |" in page
    assert "| notice_period | 3 | 0 | 0 | 0 | 0 | 1.000 | 1.000 |" in page
    assert "the detector shipped in the pack" in page
    assert "| Governing Law | 3 |" in page


def test_eval_cross_validates_by_contract_when_asked(small_cuad):
    evaluation = evaluate(small_cuad, "cross-validated", folds=2)
    assert (evaluation.mode, evaluation.contracts) == ("cross-validated", 3)
    assert {score.value for score in evaluation.values} >= {"governing_law", "agreement_date", "notice_period"}


def test_eval_says_what_is_wrong_with_a_folder_that_is_not_cuads_format(tmp_path):
    done = run_eval("--cuad", tmp_path)
    assert done.returncode == 2
    assert "has no master_clauses.csv" in done.stderr + done.stdout


@NEEDS_CUAD
def test_the_shipped_detector_knows_the_development_contracts_it_was_fitted_on():
    contracts, _ = read_cuad(CUAD, CATEGORY_NAMES)
    fitted_on = shipped_model().fingerprints
    assert sum(text_fingerprint(c.text) in fitted_on for c in contracts) == len(contracts)


@NEEDS_CUAD
def test_cuads_own_folder_is_read_with_its_odd_answer_column(tmp_path):
    contracts, _ = read_cuad(CUAD, CATEGORY_NAMES)
    assert len(contracts) >= 300
    assert any(c.answer("Notice Period To Terminate Renewal") for c in contracts)  # the '- Answer' column
    assert all(c.spans("Governing Law") for c in contracts if c.has("Governing Law"))
