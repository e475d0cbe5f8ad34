"""Limits on liability in contract text: the cap (an amount or a formula) and the claims a contract
leaves uncapped ('the foregoing limitation shall not apply to breaches of confidentiality',
'liability for fraud is unlimited').

A cap is read from a sentence that limits liability ('shall not exceed', 'limited to', 'in no event
... exceed') and names an amount ('$1,000,000', 'USD 500,000') or a formula ('the fees paid in the
twelve (12) months preceding the claim'). A sentence that only excludes kinds of damages
('indirect, consequential') caps nothing and is not read as a cap.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

_LIMITS = re.compile(
    r"\b(?:shall|will|may)\s{1,3}not\s{1,3}(?:in\s{1,3}the\s{1,3}aggregate\s{1,3})?exceed\b|\bnot\s{1,3}to\s{1,3}exceed\b"
    r"|\bin\s{1,3}no\s{1,3}event\b[^.;]{0,200}?\bexceed\b|\b(?:be\s{1,3})?limited\s{1,3}to\b|\bcapped\s{1,3}at\b"
    r"|\bmaximum\s{1,3}(?:aggregate\s{1,3})?(?:liability|amount)\b|\bno\s{1,3}more\s{1,3}than\b|\bexceed(?:ing)?\s{1,3}(?:in\s{1,3}the\s{1,3}aggregate\s{1,3})?(?:the\s{1,3})?(?:lesser|greater)\b",
    re.IGNORECASE,
)
_ABOUT_LIABILITY = re.compile(r"\bliab(?:le|ility|ilities)\b|\bdamages\b|\bclaims?\b", re.IGNORECASE)
_AMOUNT = re.compile(
    r"(?:(?:US|U\.S\.|CAD|C|A|HK|NZ|S)?\$|USD|EUR|GBP|CHF|RMB|€|£|¥)\s{0,2}\d{1,3}(?:[,.]\d{3}){0,4}(?:\.\d{1,2})?"
    r"(?:\s{1,3}(?:million|thousand|billion))?"
    r"|\b\d{1,3}(?:,\d{3}){1,4}\s{1,3}(?:dollars|U\.S\.\s{1,3}dollars|euros?|pounds)\b",
    re.IGNORECASE,
)
_FORMULA = re.compile(
    r"\b(?:the\s{1,3})?(?:total\s{1,3}|aggregate\s{1,3}|actual\s{1,3})?(?:amount|amounts|fees|sums|charges|price|compensation|payments|royalties|consideration)"
    r"\s{1,3}(?:actually\s{1,3})?(?:paid|payable|received|owed|due|charged)\b[^.;]{0,160}",
    re.IGNORECASE,
)
_MULTIPLE = re.compile(
    r"\b(?:\w+\s{1,3}\(\d{1,2}\)|\d{1,2}|one|two|three|four|five)\s{0,3}(?:times|x)\s{1,3}(?:the\s{1,3})?[^.;]{0,120}", re.IGNORECASE
)
_UNCAPPED = re.compile(
    r"\b(?:shall|will|does|do)\s{1,3}not\s{1,3}apply\s{1,3}to\b|\bexcept\s{1,3}(?:for|with\s{1,3}respect\s{1,3}to|in\s{1,3}the\s{1,3}case\s{1,3}of)\b"
    r"|\bother\s{1,3}than\b|\bexclud(?:e|es|ing)\b|\bexclusions?\b|\bnotwithstanding\b",
    re.IGNORECASE,
)
_UNCAPPED_CLAIMS = re.compile(
    r"\bindemnif\w{0,9}|\bconfidential\w{0,6}|\bgross(?:ly)?\s{1,3}neglig\w{0,6}|\bwil(?:l)?ful\w{0,3}|\bfraud\w{0,6}"
    r"|\binfring\w{0,6}|\bdeath\b|\bbodily\s{1,3}injury|\bpersonal\s{1,3}injury|\bintellectual\s{1,3}property",
    re.IGNORECASE,
)
_UNLIMITED = re.compile(
    r"\bliab(?:le|ility)\b[^.;]{0,80}\b(?:shall|will|is)\s{1,3}(?:be\s{1,3})?unlimited\b|\bunlimited\s{1,3}liability\b"
    r"|\bwithout\s{1,3}(?:any\s{1,3})?limit(?:ation)?\b[^.;]{0,40}\bliab",
    re.IGNORECASE,
)
_LIMITATION = re.compile(r"\blimit\w{0,6}\b|\bcap\b|\bexclusion|\bexceed\b|\bin\s{1,3}no\s{1,3}event\b", re.IGNORECASE)


class LiabilityCap(BaseModel):
    """A cap on liability: an amount when one is named, and the words that set it."""

    amount: str | None = Field(default=None, description="e.g. '$1,000,000'.")
    formula: str | None = Field(default=None, description="e.g. 'the fees paid in the twelve (12) months before the claim'.")

    def describe(self) -> str:
        """'$1,000,000', or the formula, or both."""
        return " or ".join(part for part in (self.amount, self.formula) if part) or "a cap"


def find_cap(text: str) -> LiabilityCap | None:
    """The cap a sentence about liability sets, or None when it sets none (or only excludes kinds of damages)."""
    if not _ABOUT_LIABILITY.search(text):
        return None
    for limit in _LIMITS.finditer(text):
        after = text[limit.end() : limit.end() + 260]
        sentence_end = re.search(r"(?<!\bU\.S)[.;](?:\s|$)", after)
        after = after[: sentence_end.start()] if sentence_end else after
        amount = _AMOUNT.search(after)
        formula = _FORMULA.search(after) or _MULTIPLE.search(after)
        if amount or formula:
            return LiabilityCap(
                amount=" ".join(amount.group(0).split()) if amount else None,
                formula=_tidy(formula.group(0)) if formula and not amount else None,
            )
    return None


def _tidy(words: str) -> str:
    return " ".join(words.split()).rstrip(" ,")


def uncapped_passage(text: str) -> str | None:
    """The words that leave some liability uncapped: 'liability ... shall be unlimited', or an exception to
    a limitation of liability that names the claims it leaves out (indemnities, confidentiality, fraud,
    gross negligence, wilful misconduct, infringement, death or injury). None when there are none."""
    unlimited = _UNLIMITED.search(text)
    if unlimited:
        return _tidy(unlimited.group(0))
    if not _LIMITATION.search(text):
        return None
    for exception in _UNCAPPED.finditer(text):
        following = text[exception.start() : exception.start() + 240]
        if _UNCAPPED_CLAIMS.search(following):
            end = re.search(r"[.;](?:\s|$)", following)
            return _tidy(following[: end.start()] if end else following)
    return None
