"""Contract review: clauses, the CUAD categories found in them, their values, and the risks that follow."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from codexcontinue import InputError
from codexcontinue.cpu_work import checkpoint

from .categories import CATEGORY_NAMES
from .contract_structure import contract_problem
from .contract_values import ContractValues
from .detector import DetectorModel, ScoredContract, score_contract
from .presence import found_passages
from .risks import Risk, find_risks


class ClauseFinding(BaseModel):
    """A passage of the contract that belongs to a category, and where it is."""

    category: str
    clause: int = Field(description="Index of the clause (see `clauses`).")
    start: int = Field(description="Character offset of the passage in the contract text.")
    end: int
    text: str
    confidence: float | None = Field(description="The detector's probability, 0..1; None for LLM findings.")
    source: Literal["detector", "value", "llm"] = Field(
        default="detector",
        description="detector: its probability reached the category's threshold; value: a value read from the "
        "passage shows the category (e.g. a notice period to stop renewal); llm: the LLM pass added it.",
    )


class ReviewedClause(BaseModel):
    """A clause of the contract with the categories found in it."""

    index: int
    number: str | None
    heading: str | None
    start: int
    end: int
    text: str
    categories: list[str]


class ContractReview(BaseModel):
    """Everything the review found in one contract."""

    name: str = Field(description="The file name or title the contract was submitted with.")
    characters: int
    clauses: list[ReviewedClause]
    findings: list[ClauseFinding]
    categories_found: list[str] = Field(description="Categories with at least one finding, in CUAD order.")
    categories_missing: list[str]
    values: ContractValues
    risks: list[Risk]


def scored_contract(name: str, text: str, model: DetectorModel | None = None) -> ScoredContract:
    """The contract split and scored by the detector; `InputError` (422) when the text is not a contract."""
    problem = contract_problem(name, text)
    if problem is not None:
        raise InputError(problem)
    return score_contract(text, model)


def review_findings(scored: ScoredContract, values: ContractValues) -> list[ClauseFinding]:
    """The passages of each category present (the detector's, completed by the values: `presence`)."""
    return [
        ClauseFinding(
            category=f.category, clause=f.passage.clause, start=f.passage.start, end=f.passage.end,
            text=f.passage.text, confidence=round(f.probability, 3), source=f.source,
        )
        for f in found_passages(scored, values)
    ]  # fmt: skip


def assemble(
    name: str,
    scored: ScoredContract,
    values: ContractValues,
    findings: list[ClauseFinding],
    *,
    renewal_notice_risk_days: int,
) -> ContractReview:
    """Build the review: the findings (see `review_findings`, plus any an LLM pass added), values and risks."""
    checkpoint()
    found = [category for category in CATEGORY_NAMES if any(f.category == category for f in findings)]
    by_clause: dict[int, set[str]] = {}
    for finding in findings:
        by_clause.setdefault(finding.clause, set()).add(finding.category)
    return ContractReview(
        name=name,
        characters=len(scored.text),
        clauses=[
            ReviewedClause(**clause.model_dump(), categories=sorted(by_clause.get(clause.index, ())))
            for clause in scored.clauses
        ],
        findings=sorted(findings, key=lambda f: (f.start, f.category)),
        categories_found=found,
        categories_missing=[category for category in CATEGORY_NAMES if category not in found],
        values=values,
        risks=find_risks(scored, values, renewal_notice_risk_days=renewal_notice_risk_days),
    )
