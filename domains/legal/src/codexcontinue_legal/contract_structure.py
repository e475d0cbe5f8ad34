"""Telling a contract from text that is not one, so the review refuses what it cannot review.

A contract is prose (mostly words, not symbols or numbers) with the marks every contract has: the
document calls itself an agreement (or contract, lease, licence ...), names parties, and binds them
('shall', 'agrees'). Text without two of those three marks is refused with what was found, before
any clause is read; a refusal costs one pass over the text.
"""

from __future__ import annotations

import re

MIN_CHARACTERS = 200
SAMPLE_CHARACTERS = 50_000
"""Only the start is read: a contract shows its marks early, and a refusal stays cheap whatever the size."""
MIN_WORD_SHARE = 0.6
_TOKEN = re.compile(r"\S{1,64}")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{1,40}[.,;:)]?")
_MARKS = {
    "the words agreement or contract": re.compile(
        r"\b(?:agreement|contract|lease|licen[cs]e|memorandum\s{1,3}of\s{1,3}understanding|terms\s{1,3}and\s{1,3}conditions"
        r"|addendum|amendment|deed|indenture)\b",
        re.IGNORECASE,
    ),
    "parties": re.compile(
        r"\bpart(?:y|ies)\b|\bby\s{1,3}and\s{1,3}between\b|\bbetween\s{1,3}\S[^;\n]{0,200}?\s{1,3}and\s|\bhereinafter\b"
        r"|\bundersigned\b|\bIN\s{1,3}WITNESS\s{1,3}WHEREOF\b|\bBy\s{0,3}:\s{0,3}/s/",
        re.IGNORECASE,
    ),
    "obligations ('shall', 'agrees')": re.compile(
        r"\bshall\b|\bagrees?\b|\bundertakes?\b|\bwill\s{1,3}(?:not\s{1,3})?(?:provide|pay|deliver|indemnify|maintain)\b"
        r"|\bobligations?\b|\bcovenants?\b|\bfees?\b|\bpayments?\b|\bpayable\b|\bterm\s{1,3}of\b",
        re.IGNORECASE,
    ),
}


def contract_problem(name: str, text: str) -> str | None:
    """Why `text` cannot be reviewed as a contract (a sentence saying what was received and what to send),
    or None when it reads as one."""
    stripped = text.strip()
    if len(stripped) < MIN_CHARACTERS:
        return (
            f"'{name}' holds {len(stripped)} characters of text; a contract to review is longer. Send the whole "
            "contract."
        )
    sample = stripped[:SAMPLE_CHARACTERS]
    tokens = _TOKEN.findall(sample)
    words = sum(1 for token in tokens if _WORD.fullmatch(token))
    if not tokens or words / len(tokens) < MIN_WORD_SHARE:
        share = words / len(tokens) if tokens else 0.0
        return (
            f"'{name}' does not read as prose: only {share:.0%} of what it holds are words (a contract is mostly "
            "words). It may be data, code or a file read with the wrong encoding; send the contract's text, "
            "or the contract as .docx or PDF."
        )
    found = [mark for mark, pattern in _MARKS.items() if pattern.search(sample)]
    if len(found) < 2:
        missing = [mark for mark in _MARKS if mark not in found]
        return (
            f"'{name}' does not read as a contract: it has no sign of {' or of '.join(missing)}. Send the contract "
            "itself (the review reads agreements, licences, leases and the like)."
        )
    return None
