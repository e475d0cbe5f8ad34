"""Which clause categories a contract has: the detector's passages, completed by the values read from
the contract and held to how CUAD's categories relate.

- A value read plainly is evidence of its category: a renewal read (automatic or a renewal length)
  means a Renewal Term clause; a notice period read means a Notice Period To Terminate Renewal clause,
  whatever the detector's probability for that passage.
- A passage that lets a party terminate 'for convenience', 'without cause' or 'for any reason' is a
  Termination For Convenience clause when the detector gives it at least half its threshold.
- Uncapped Liability is an exception to a cap: found only where a Cap On Liability clause is found.
  Change Of Control, in CUAD, is a condition on assignment: found only where Anti-Assignment is.

Measured by `codexcontinue legal eval` (each rule raised cross-validated F1 of its category on CUAD's
development contracts; see `docs/contract-review.md`).
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from .clauses import Passage
from .contract_values import CANDIDATE_FLOOR, ContractValues, SourcePassage
from .detector import ScoredContract

REQUIRES = {"Uncapped Liability": "Cap On Liability", "Change Of Control": "Anti-Assignment"}
_WITHOUT_CAUSE = re.compile(
    r"\bterminat\w{0,5}\b[^.]{0,120}\b(?:for\s{1,3}convenience|without\s{1,3}cause|for\s{1,3}any\s{1,3}(?:or\s{1,3}no\s{1,3})?reason)",
    re.IGNORECASE,
)
MAX_RULE_CANDIDATES = 6


class Found(NamedTuple):
    """A passage of a category, its detector probability, and what found it."""

    category: str
    passage: Passage
    probability: float
    source: Literal["detector", "value"]


def found_passages(scored: ScoredContract, values: ContractValues) -> list[Found]:
    """The passages of each category present in the contract (see the module)."""
    found = [Found(d.category, d.passage, d.probability, "detector") for d in scored.detections()]
    present = {f.category for f in found}
    evidence = {
        "Renewal Term": values.auto_renewal.passage if values.auto_renewal.value is not None else None,
        "Notice Period To Terminate Renewal": values.notice_period.passage if values.notice_period.value else None,
    }
    if evidence["Renewal Term"] is None and values.renewal_term.value is not None:
        evidence["Renewal Term"] = values.renewal_term.passage
    for category, source in evidence.items():
        passage = _passage(scored, source)
        if category not in present and passage is not None:
            found.append(Found(category, passage, _probability(scored, category, passage), "value"))
            present.add(category)
    if "Termination For Convenience" not in present:
        for passage, probability in scored.ranked("Termination For Convenience", CANDIDATE_FLOOR)[:MAX_RULE_CANDIDATES]:
            if _WITHOUT_CAUSE.search(passage.text):
                found.append(Found("Termination For Convenience", passage, probability, "value"))
                present.add("Termination For Convenience")
                break
    kept = [f for f in found if REQUIRES.get(f.category) is None or REQUIRES[f.category] in present]
    return sorted(kept, key=lambda f: (f.passage.start, f.category))


def _passage(scored: ScoredContract, source: SourcePassage | None) -> Passage | None:
    if source is None:
        return None
    return next((p for p in scored.passages if p.start == source.start and p.end == source.end), None)


def _probability(scored: ScoredContract, category: str, passage: Passage) -> float:
    column = scored.model.categories.index(category)
    row = scored.passages.index(passage)
    return float(scored.probabilities[row, column])
