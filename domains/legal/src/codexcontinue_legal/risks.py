"""Risks a reviewer should look at, each following from a value read in the contract and quoting the
passage it comes from; never from a category tag alone.

- Uncapped liability: only where a passage says liability is unlimited, or excepts claims
  (indemnities, confidentiality, fraud, ...) from a limitation of liability; never on a sentence
  that caps liability.
- Automatic renewal with long notice: only from a notice period read with high confidence, quoting it.
- Automatic renewal whose notice period is not stated: low, quoting the renewal clause.
- One-sided termination for convenience: one named party may terminate without cause, the other not.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from .contract_values import ContractValues, SourcePassage
from .detector import ScoredContract
from .liability import uncapped_passage

Severity = Literal["high", "medium", "low"]
HIGH_CONFIDENCE = 0.85
"""A value read with at least this confidence may raise a high-severity risk."""
_MUTUAL = re.compile(r"\b(?:either|each|both|any)\s+part(?:y|ies)\b|\bthe\s+parties\b", re.IGNORECASE)
_TERMINATES = re.compile(
    r"\b(?:may|can|shall\s+have\s+the\s+right\s+to|has\s+the\s+right\s+to|is\s+entitled\s+to)\b[^.]{0,60}?\bterminat",
    re.IGNORECASE,
)
_WITHOUT_CAUSE = re.compile(
    r"\bfor\s+convenience\b|\bwithout\s+cause\b|\bfor\s+any\s+(?:or\s+no\s+)?reason\b|\bat\s+any\s+time\b|\bin\s+its\s+(?:sole\s+)?discretion\b"
    r"|\bupon\s+(?:at\s+least\s+)?(?:\w+\s+)?\(?\d{1,3}\)?\s+days'?\s+(?:prior\s+)?(?:written\s+)?notice\b",
    re.IGNORECASE,
)
_FOR_CAUSE = re.compile(r"\bbreach|\bdefault|\binsolven|\bbankrupt|\bfor\s+cause\b", re.IGNORECASE)


class Risk(BaseModel):
    """Something in the contract a reviewer should look at, why, and the words it comes from."""

    kind: Literal["uncapped_liability", "auto_renewal_long_notice", "auto_renewal_notice_not_stated", "one_sided_termination"]
    severity: Severity
    message: str
    quote: str = Field(description="The words of the contract the risk follows from.")
    passage: SourcePassage


def find_risks(scored: ScoredContract, values: ContractValues, *, renewal_notice_risk_days: int) -> list[Risk]:
    """The risks that follow from the contract's values and passages."""
    risks = []
    uncapped = _uncapped(scored)
    if uncapped is not None:
        risks.append(uncapped)
    risks += _renewal(values, renewal_notice_risk_days)
    one_sided = _one_sided_termination(scored)
    if one_sided is not None:
        risks.append(one_sided)
    return risks


def _source(scored: ScoredContract, start: int, end: int, clause: int) -> SourcePassage:
    return SourcePassage(clause=clause, start=start, end=end, text=scored.text[start:end])


def _uncapped(scored: ScoredContract) -> Risk | None:
    seen: set[int] = set()
    for category in ("Uncapped Liability", "Cap On Liability"):
        for passage, _ in scored.ranked(category):
            if passage.start in seen:
                continue
            seen.add(passage.start)
            words = uncapped_passage(passage.text)
            if words is not None:
                return Risk(
                    kind="uncapped_liability", severity="high", quote=words,
                    passage=_source(scored, passage.start, passage.end, passage.clause),
                    message=f"Liability is not capped for some claims: '{words}'. Check which claims, and whether "
                    "insurance covers them.",
                )  # fmt: skip
    return None


def _renewal(values: ContractValues, notice_limit: int) -> list[Risk]:
    automatic = values.auto_renewal
    if not automatic.value or automatic.passage is None or (automatic.confidence or 0) < HIGH_CONFIDENCE:
        return []
    notice = values.notice_period
    if notice.value is not None and notice.passage is not None:
        if (notice.confidence or 0) >= HIGH_CONFIDENCE and notice.value.days >= notice_limit:
            return [Risk(
                kind="auto_renewal_long_notice", severity="high", quote=notice.passage.text, passage=notice.passage,
                message=f"The contract renews automatically and stopping it needs notice of {notice.value.describe()} "
                f"('{notice.value.text}'; flagged from {notice_limit} days): diarise the last day to give it.",
            )]  # fmt: skip
        return []
    return [Risk(
        kind="auto_renewal_notice_not_stated", severity="low", quote=automatic.passage.text, passage=automatic.passage,
        message="The contract renews automatically and the notice needed to stop it is not stated plainly: read "
        "the renewal clause to find when to give notice.",
    )]  # fmt: skip


def _one_sided_termination(scored: ScoredContract) -> Risk | None:
    granting = []
    for passage, _ in scored.ranked("Termination For Convenience"):
        holder = _TERMINATES.search(passage.text)
        if holder is None or not _WITHOUT_CAUSE.search(passage.text) or _FOR_CAUSE.search(passage.text):
            continue
        if _MUTUAL.search(passage.text[: holder.start() + 1]):
            return None  # either party may terminate for convenience
        granting.append((passage, holder))
    if not granting:
        return None
    passage, holder = granting[0]
    subject = " ".join(passage.text[: holder.start()].split()[-4:]) or "one party"
    return Risk(
        kind="one_sided_termination", severity="medium", quote=passage.text,
        passage=_source(scored, passage.start, passage.end, passage.clause),
        message=f"Only one side may terminate without cause ('{subject} may terminate ...'); check whether the "
        "other side needs the same right.",
    )  # fmt: skip
