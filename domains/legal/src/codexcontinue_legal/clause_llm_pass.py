"""The structured LLM pass of contract review: it adds clauses the detector missed, never removes any.

The model gets the contract clause by clause (in batches that fit its context) and answers JSON:
the category, a word-for-word quote and the answer value. A quote is kept only when it is found
in the contract and no detector finding of the same category already covers it; quotes that are
not in the contract are reported back, not dropped in silence.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from codexcontinue.ml.runtime import LLMRuntime

from .analyst_model import ANALYST_MODEL
from .categories import CATEGORIES, CATEGORY_NAMES
from .clauses import Clause
from .review import ClauseFinding

BATCH_CHARACTERS = 12_000
CategoryName = Literal[CATEGORY_NAMES]  # type: ignore[valid-type]


class LLMClause(BaseModel):
    """One clause the model found."""

    category: CategoryName  # type: ignore[valid-type]
    quote: str = Field(description="The clause's words, copied exactly from the contract.")
    answer: str | None = Field(default=None, description="The value, e.g. 'Delaware' or '90 days'.")


class LLMClauses(BaseModel):
    """The model's answer for one batch of clauses."""

    clauses: list[LLMClause]


class LLMPassReport(BaseModel):
    """What the LLM pass added to the review, what it said that could not be used, or why it was skipped."""

    model: str = ANALYST_MODEL
    ran: bool = Field(description="False when the pass was skipped; the review is then the detector's alone.")
    skipped_reason: str | None = Field(default=None, description="Why the pass was skipped, for a person to read.")
    added: int = Field(default=0, description="Findings the LLM added that the detector had not made.")
    confirmed: int = Field(default=0, description="LLM clauses that the detector had already found.")
    unmatched_quotes: list[str] = Field(
        default_factory=list, description="Quotes the model gave that are not in the contract."
    )
    answers: dict[str, list[str]] = Field(
        default_factory=dict, description="Answer values the model read, by category."
    )

    @classmethod
    def skipped(cls, reason: str) -> LLMPassReport:
        """The report of a pass that could not run (the LLM is unavailable, the model is missing ...)."""
        return cls(
            ran=False,
            skipped_reason=f"The LLM pass was skipped: {reason}. The review shows the rule-based detector's findings.",
        )


async def llm_clause_pass(
    llm: LLMRuntime, text: str, clauses: list[Clause], findings: list[ClauseFinding]
) -> tuple[list[ClauseFinding], LLMPassReport]:
    """Ask the 'legal-analyst' model for clauses; return the new findings and a report."""
    added: list[ClauseFinding] = []
    unmatched: list[str] = []
    answers: dict[str, list[str]] = {}
    confirmed = 0
    model = ANALYST_MODEL
    for batch in _batches(clauses):
        result = await llm.generate(ANALYST_MODEL, _prompt(batch), pack="legal", schema=LLMClauses)
        model = result.model
        for item in result.data.clauses:
            if item.answer:
                answers.setdefault(item.category, []).append(item.answer)
            span = _locate(text, item.quote)
            if span is None:
                unmatched.append(item.quote)
                continue
            if any(_covers(f, span) and f.category == item.category for f in [*findings, *added]):
                confirmed += 1
                continue
            clause = next(c for c in clauses if c.start <= span[0] < c.end)
            added.append(
                ClauseFinding(
                    category=item.category, clause=clause.index, start=span[0], end=span[1],
                    text=text[span[0] : span[1]], confidence=None, source="llm",
                )
            )  # fmt: skip
    report = LLMPassReport(
        model=model, ran=True, added=len(added), confirmed=confirmed, unmatched_quotes=unmatched, answers=answers
    )
    return added, report


def _batches(clauses: list[Clause]) -> list[list[Clause]]:
    batches: list[list[Clause]] = [[]]
    size = 0
    for clause in clauses:
        if batches[-1] and size + len(clause.text) > BATCH_CHARACTERS:
            batches.append([])
            size = 0
        batches[-1].append(clause)
        size += len(clause.text)
    return [batch for batch in batches if batch]


def _prompt(batch: list[Clause]) -> str:
    categories = "\n".join(f"- {c.name}: {c.description}" for c in CATEGORIES)
    text = "\n\n".join(clause.text.strip()[:BATCH_CHARACTERS] for clause in batch)
    return (
        "Find the clauses of these categories in the contract excerpt below. For each one give the "
        "category, a quote copied word for word from the excerpt (one sentence or clause), and "
        "the answer value when the category has one (a state, a date, a number of days). Answer "
        f"with an empty list when none is present.\n\nCATEGORIES:\n{categories}\n\nEXCERPT:\n{text}"
    )


def _locate(text: str, quote: str) -> tuple[int, int] | None:
    words = quote.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(word) for word in words), text)
    return match.span() if match else None


def _covers(finding: ClauseFinding, span: tuple[int, int]) -> bool:
    return finding.start < span[1] and span[0] < finding.end
