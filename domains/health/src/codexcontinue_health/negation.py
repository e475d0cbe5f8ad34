"""Negation in clinical text, NegEx style: 'no chest pain' and 'denies fever' are not findings.

    negated_phrases("Denies fever or chills. Cough for 3 days, no hemoptysis.")
    -> ["fever or chills", "hemoptysis"]

A trigger ('no', 'denies', 'negative for', 'without', 'ruled out' ...) negates the words after it up to
the end of the clause (a full stop, a semicolon, or 'but' / 'however' / 'except'); a few triggers
follow what they negate ('pneumonia was ruled out', 'fever resolved' is not one of them).
"""

from __future__ import annotations

import re

PRE_TRIGGERS = (
    r"no|not|denies|denied|deny|denying|negative for|neg for|without|w/o|absence of|absent|free of|"
    r"no evidence of|no signs? of|no history of|no hx of|never had|rules? out|ruled out|r/o negative|"
    r"unremarkable for|resolved|nor"
)
PRE = re.compile(rf"\b(?:{PRE_TRIGGERS})\b[:\s]+", re.IGNORECASE)
POST = re.compile(r"\b(?:was|were|is|are|has been|have been)\s+(?:ruled out|excluded|negative|absent|denied)\b", re.IGNORECASE)
CLAUSE_END = re.compile(r"[.;:\n]|\b(?:but|however|although|except|aside from|apart from|which|who)\b", re.IGNORECASE)
SENTENCE = re.compile(r"[^.;\n]+")


def negated_phrases(text: str) -> list[str]:
    """The phrases of `text` that a negation trigger covers."""
    phrases = []
    for trigger in PRE.finditer(text):
        rest = text[trigger.end() :]
        end = CLAUSE_END.search(rest)
        phrase = rest[: end.start() if end else len(rest)].strip(" ,")
        if phrase:
            phrases.append(phrase)
    for trigger in POST.finditer(text):
        sentence_start = max(text.rfind(c, 0, trigger.start()) for c in ".;\n") + 1
        phrase = text[sentence_start : trigger.start()].strip(" ,")
        if phrase:
            phrases.append(phrase)
    return phrases


def is_negated(statement: str) -> bool:
    """Whether `statement` (one finding, e.g. 'no chest pain') is stated as absent."""
    return bool(PRE.match(statement.strip()) or POST.search(statement) or re.match(r"^\s*(?:pt|patient)\s+(?:denies|denied)\b", statement, re.IGNORECASE))
