"""What an import asks before it stores anything: a question about the file, with the answers a user can give.

A file that could be read two ways (day-first or month-first dates, a card export whose charges are
positive, a balance column that does not follow the amounts) is never imported on a guess. The
preview shows each question with its answers; each answer is a set of `mapping` fields, and an
import that sends one of them (or whose account remembers it) goes ahead.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from codexcontinue import InputError


class Answer(BaseModel):
    """One way to answer a question: what it means, and the mapping fields that say it."""

    label: str
    mapping: dict[str, Any] = Field(description="Fields to send in `mapping` to give this answer.")


class Question(BaseModel):
    """Something the file does not plainly say, which the user must decide before the import."""

    id: str = Field(description="date_order, decimal_separator, sign, balance, or columns.")
    text: str
    lines: list[int] = Field(default_factory=list, description="Lines of the file the question is about.")
    answers: list[Answer]


def refuse_unanswered(questions: list[Question], filename: str) -> None:
    """Raise `InputError` (422) naming every open question and how to answer it; nothing when there is none."""
    if not questions:
        return
    parts = []
    for question in questions:
        options = " or ".join(_as_json(answer.mapping) for answer in question.answers)
        parts.append(f"{question.text} Answer with mapping {options}.")
    raise InputError(
        f"'{filename}' was not imported: it needs an answer first (the preview asks the same). " + " ".join(parts)
    )


def _as_json(fields: dict[str, Any]) -> str:
    return json.dumps(fields, ensure_ascii=False)
