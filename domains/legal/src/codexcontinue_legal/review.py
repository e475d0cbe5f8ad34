"""Contract review: clauses, the CUAD categories found in them, their values, and the risks they carry."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

from . import contract_values as values
from .categories import CATEGORY_NAMES
from .clauses import Clause
from .detector import Detection, detect

Severity = Literal["high", "medium", "low"]
_MUTUAL = re.compile(r"\b(?:either|each|both|any)\s+part(?:y|ies)\b|\bthe\s+parties\b", re.IGNORECASE)
_TERMINATES = re.compile(
    r"\b(?:may|can|shall\s+have\s+the\s+right\s+to|has\s+the\s+right\s+to|is\s+entitled\s+to)\b[^.]{0,60}?\bterminat",
    re.IGNORECASE,
)


class ClauseFinding(BaseModel):
    """A passage of the contract that belongs to a category, and where it is."""

    category: str
    clause: int = Field(description="Index of the clause (see `clauses`).")
    start: int = Field(description="Character offset of the passage in the contract text.")
    end: int
    text: str
    confidence: float | None = Field(description="The detector's probability, 0..1; None for LLM findings.")
    source: Literal["detector", "llm"] = "detector"


class ReviewedClause(BaseModel):
    """A clause of the contract with the categories found in it."""

    index: int
    number: str | None
    heading: str | None
    start: int
    end: int
    text: str
    categories: list[str]


class Risk(BaseModel):
    """Something in the contract a reviewer should look at, and why."""

    kind: Literal[
        "uncapped_liability", "no_liability_cap", "auto_renewal_long_notice", "one_sided_termination"
    ]
    severity: Severity
    message: str
    clause: int | None = Field(default=None, description="Index of the clause it comes from, if any.")


class ContractReview(BaseModel):
    """Everything the review found in one contract."""

    name: str = Field(description="The file name or title the contract was submitted with.")
    characters: int
    clauses: list[ReviewedClause]
    findings: list[ClauseFinding]
    categories_found: list[str] = Field(description="Categories with at least one finding, in CUAD order.")
    categories_missing: list[str]
    values: values.ContractValues
    risks: list[Risk]


def detector_findings(text: str) -> tuple[list[Clause], list[ClauseFinding]]:
    """The contract's clauses and what the shipped detector finds in them (no LLM involved)."""
    clauses, detections = detect(text)
    return clauses, [_finding(d) for d in detections]


def assemble(
    name: str,
    text: str,
    clauses: list[Clause],
    findings: list[ClauseFinding],
    *,
    renewal_notice_risk_days: int,
) -> ContractReview:
    """Build the review from clauses and findings: the detector's, plus any an LLM pass added."""
    by_category: dict[str, list[ClauseFinding]] = {category: [] for category in CATEGORY_NAMES}
    for finding in findings:
        by_category.setdefault(finding.category, []).append(finding)
    found = [category for category, items in by_category.items() if items]
    extracted = _values(by_category)
    return ContractReview(
        name=name,
        characters=len(text),
        clauses=[
            ReviewedClause(
                **clause.model_dump(),
                categories=sorted({f.category for f in findings if f.clause == clause.index}),
            )
            for clause in clauses
        ],
        findings=sorted(findings, key=lambda f: (f.start, f.category)),
        categories_found=found,
        categories_missing=[category for category in CATEGORY_NAMES if category not in found],
        values=extracted,
        risks=_risks(by_category, extracted, renewal_notice_risk_days),
    )


def _finding(detection: Detection) -> ClauseFinding:
    passage = detection.passage
    return ClauseFinding(
        category=detection.category,
        clause=passage.clause,
        start=passage.start,
        end=passage.end,
        text=passage.text,
        confidence=round(detection.probability, 3),
    )


def _values(by_category: dict[str, list[ClauseFinding]]) -> values.ContractValues:
    def first(category: str, read: Callable[[str], Any]) -> Any:
        """What `read` finds in the category's passages, the most confident passage first."""
        for finding in sorted(by_category.get(category, []), key=lambda f: -(f.confidence or 0.0)):
            value = read(finding.text)
            if value not in (None, [], (False, None)):
                return value
        return None

    automatic, term = first("Renewal Term", values.renewal) or (None, None)
    notice = first("Notice Period To Terminate Renewal", values.notice_days)
    if notice is None and automatic:
        notice = first("Renewal Term", values.notice_days)
    return values.ContractValues(
        governing_law=first("Governing Law", values.governing_law),
        parties=first("Parties", values.defined_parties) or [],
        agreement_date=first("Agreement Date", values.first_date),
        effective_date=first("Effective Date", values.first_date),
        expiration_date=first("Expiration Date", values.first_date),
        initial_term=first("Expiration Date", values.term_length),
        renewal_term=term,
        auto_renewal=automatic,
        notice_period_days=notice,
    )


def _risks(
    by_category: dict[str, list[ClauseFinding]], extracted: values.ContractValues, notice_limit: int
) -> list[Risk]:
    risks = []
    for finding in by_category.get("Uncapped Liability", [])[:1]:
        risks.append(Risk(
            kind="uncapped_liability", severity="high", clause=finding.clause,
            message="Liability is uncapped for some claims: check which, and whether insurance covers them.",
        ))  # fmt: skip
    if not by_category.get("Cap On Liability"):
        risks.append(Risk(
            kind="no_liability_cap", severity="medium",
            message="No limitation-of-liability clause was found: liability may be unlimited.",
        ))  # fmt: skip
    if extracted.auto_renewal:
        renewal = by_category["Renewal Term"][0]
        notice = extracted.notice_period_days
        if notice is not None and notice >= notice_limit:
            risks.append(Risk(
                kind="auto_renewal_long_notice", severity="high", clause=renewal.clause,
                message=f"The contract renews automatically and stopping it takes {notice} days' notice "
                f"(flagged from {notice_limit} days): diarise the notice date.",
            ))  # fmt: skip
        elif notice is None:
            risks.append(Risk(
                kind="auto_renewal_long_notice", severity="low", clause=renewal.clause,
                message="The contract renews automatically and no notice period to stop it was found.",
            ))  # fmt: skip
    risks += _one_sided_termination(by_category.get("Termination For Convenience", []))
    return risks


def _one_sided_termination(findings: list[ClauseFinding]) -> list[Risk]:
    granting = [f for f in findings if _TERMINATES.search(f.text)]
    if not granting or any(
        _MUTUAL.search(f.text[: _TERMINATES.search(f.text).start() + 1]) for f in granting
    ):
        return []
    holder = _TERMINATES.search(granting[0].text)
    subject = " ".join(granting[0].text[: holder.start()].split()[-4:]) or "one party"
    return [Risk(
        kind="one_sided_termination", severity="medium", clause=granting[0].clause,
        message=f"Only one side may terminate for convenience ('{subject} may terminate …'); "
        "check whether the other side needs the same right.",
    )]  # fmt: skip
