"""Reading a contract's values (governing law, parties, dates, terms, renewal, notice, liability cap),
each with the passage it was read from and a confidence, or 'not stated'.

A value is read only from words that state it plainly: the jurisdiction after 'governed by the laws
of', the date after 'dated as of', the length of time before 'prior to the expiration'. Where the
passage about a value does not state it that way, the value is 'not stated' and the passage is
still given, so a person can read it. The confidence of a value is how often a value read the
same way was right on CUAD's development contracts (see `docs/contract-review.md`).
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from .clauses import Passage
from .dates import DateMention, find_dates
from .detector import ScoredContract
from .durations import Duration, DurationMention, find_durations
from .jurisdictions import find_jurisdictions, place_named
from .liability import LiabilityCap, find_cap
from .parties import Party, find_parties

T = TypeVar("T")
NOT_STATED = "not stated"
CANDIDATE_FLOOR = 0.5
"""Passages scoring at least this share of a category's threshold are read for its value."""
MAX_CANDIDATES = 6


class SourcePassage(BaseModel):
    """The words a value was read from, and where they are in the contract."""

    clause: int = Field(description="Index of the clause (see `clauses`).")
    start: int = Field(description="Character offset in the contract text.")
    end: int
    text: str


class Reading(BaseModel, Generic[T]):
    """One value of the contract: what it is, where it was read, how sure the reading is."""

    value: T | None = Field(default=None, description="The value; null when the contract does not state it plainly.")
    shown: str = Field(default=NOT_STATED, description="The value as a person reads it, or 'not stated'.")
    confidence: float | None = Field(
        default=None, description="0..1: how often a value read this way was right on CUAD's contracts."
    )
    passage: SourcePassage | None = Field(
        default=None, description="Where it was read; for 'not stated', the passage about it that does not say."
    )
    note: str | None = Field(default=None, description="Why a value is not stated, or how it was worked out.")


class ContractValues(BaseModel):
    """The values of one contract, each read with its passage, or 'not stated'."""

    governing_law: Reading[str] = Field(default_factory=Reading)
    parties: Reading[list[Party]] = Field(default_factory=Reading)
    agreement_date: Reading[str] = Field(
        default_factory=Reading, description="ISO date; '2015' or '2018-03' when the contract leaves blanks."
    )
    effective_date: Reading[str] = Field(default_factory=Reading)
    expiration_date: Reading[str] = Field(default_factory=Reading, description="ISO date, or 'perpetual'.")
    initial_term: Reading[Duration] = Field(default_factory=Reading)
    renewal_term: Reading[Duration] = Field(default_factory=Reading)
    auto_renewal: Reading[bool] = Field(default_factory=Reading)
    notice_period: Reading[Duration] = Field(
        default_factory=Reading, description="Notice needed to stop a renewal."
    )
    liability_cap: Reading[LiabilityCap] = Field(default_factory=Reading)


def _source(passage: Passage) -> SourcePassage:
    return SourcePassage(clause=passage.clause, start=passage.start, end=passage.end, text=passage.text)


def _stated(value: T, shown: str, confidence: float, passage: Passage, note: str | None = None) -> Reading[T]:
    return Reading(value=value, shown=shown, confidence=round(confidence, 2), passage=_source(passage), note=note)


def _not_stated(passage: Passage | None, note: str) -> Reading:
    return Reading(passage=_source(passage) if passage else None, note=note)


def _candidates(scored: ScoredContract, category: str) -> list[tuple[Passage, float]]:
    return scored.ranked(category, CANDIDATE_FLOOR)[:MAX_CANDIDATES]


def read_values(scored: ScoredContract) -> ContractValues:
    """Every value of the contract, from its scored passages."""
    agreement = read_agreement_date(scored)
    effective = read_effective_date(scored, agreement)
    initial_term, expiration = read_term(scored, effective, agreement)
    auto_renewal, renewal_term = read_renewal(scored)
    return ContractValues(
        governing_law=read_governing_law(scored),
        parties=read_parties(scored),
        agreement_date=agreement,
        effective_date=effective,
        expiration_date=expiration,
        initial_term=initial_term,
        renewal_term=renewal_term,
        auto_renewal=auto_renewal,
        notice_period=read_notice_period(scored, auto_renewal),
        liability_cap=read_liability_cap(scored),
    )


# governing law -------------------------------------------------------------------------------

_GOVERNED = re.compile(
    r"\b(?:govern(?:ed|s|ing)?|constru(?:ed|e)|interpret(?:ed)?|enforced|controlled|determined|subject\s{1,3}to"
    r"|application\s{1,3}of)\b[^.;]{0,120}?\blaws?\b(?:[^.;]{0,60}?\bof\b|\s{1,3}in\b)",
    re.IGNORECASE,
)
_GOVERNING_WORDS = re.compile(r"\bgovern|\bconstru|\binterpret|\bcontrolled\s{1,3}by\b", re.IGNORECASE)
_FORUM_WORDS = re.compile(r"\barbitrat|\bseat\b|\bvenue\b", re.IGNORECASE)
_PLACE_LAW = re.compile(
    r"\b(?:governed|construed|interpreted)\b[^.;]{0,60}?\b(?:by|under|with)\s{1,3}(?:the\s{1,3})?(?P<place>(?:[A-Z][\w.'’]{1,20}\s{1,3}){1,3})laws?\b"
)
_FEDERAL = {"United States", "Canada", "Australia"}
WINDOW = 220
"""Characters read on each side of a passage: a sentence cut in two by a page break is read whole."""


def _around(scored: ScoredContract, passage: Passage) -> tuple[str, int, int]:
    """The sentence(s) around a passage: the text from the sentence end before it to the one after it
    (at most `WINDOW` characters each side), and where the passage lies in that text."""
    before = scored.text[max(0, passage.start - WINDOW) : passage.start]
    after = scored.text[passage.end : passage.end + WINDOW]
    cut_before = max(before.rfind(". "), before.rfind("; "), before.rfind("\n\n"))
    cut_after = min([i for i in (after.find(". "), after.find("; "), after.find("\n\n")) if i >= 0], default=len(after))
    head = before[cut_before + 2 :] if cut_before >= 0 else before
    window = head + passage.text + after[: cut_after + 1]
    return window, len(head), len(head) + len(passage.text)


def read_governing_law(scored: ScoredContract) -> Reading[str]:
    """The jurisdiction named right after 'governed by / construed under ... the laws of'; or the one
    place a governing-law sentence names ('governed by PRC law', 'the laws thereof')."""
    candidates = _candidates(scored, "Governing Law")
    seen = {passage.start for passage, _ in candidates}
    candidates += [(p, 0.0) for p in scored.passages if p.start not in seen and _GOVERNED.search(p.text)][:3]
    for passage, probability in candidates:
        window, start, end = _around(scored, passage)
        for match in _GOVERNED.finditer(window):
            if match.end() < start or match.start() > end:
                continue
            place = _place_after(window, match.end())
            if place is not None:
                return _stated(place, place, 0.97 if probability else 0.9, passage)
        for match in _PLACE_LAW.finditer(window):
            place = place_named(match.group("place"))
            if place is not None and start - 20 <= match.start() < end:
                return _stated(place, place, 0.95 if probability else 0.9, passage)
        if _GOVERNING_WORDS.search(window) and re.search(r"\blaws?\b", window, re.IGNORECASE) and not _FORUM_WORDS.search(window):
            places = {m.jurisdiction.display for m in find_jurisdictions(window)}
            named = {p for p in places if p not in _FEDERAL} or places
            if len(named) == 1:
                place = named.pop()
                return _stated(place, place, 0.9, passage, "The only place the governing-law sentence names.")
    if candidates and candidates[0][1]:
        return _not_stated(candidates[0][0], "The governing-law clause names no single state or country.")
    return _not_stated(None, "No governing-law clause was found.")


def _place_after(text: str, position: int) -> str | None:
    """The first jurisdiction within a few words of `position`; a state or province before its country
    ('the laws of the United States and the State of New York' -> New York)."""
    window = text[position : position + 90]
    mentions = find_jurisdictions(window)
    if not mentions or mentions[0].start > 25:
        return None
    first = mentions[0].jurisdiction
    if first.name in _FEDERAL:
        for other in mentions[1:]:
            if other.jurisdiction.country == first.name and other.start - mentions[0].end < 40:
                return other.jurisdiction.display
    return first.display


# parties -------------------------------------------------------------------------------------


def read_parties(scored: ScoredContract) -> Reading[list[Party]]:
    """The parties the preamble names, each whole, with the names the contract defines for them."""
    candidates = _candidates(scored, "Parties")
    starts = sorted({passage.start for passage, _ in candidates[:2]}) or [0]
    for start in starts:
        window_start = max(0, start - 400)
        parties = find_parties(scored.text[window_start : start + 3000])
        if parties:
            passage = next((p for p, _ in candidates if p.start == start), None) or _passage_at(scored, start)
            return _stated(parties, "; ".join(p.name for p in parties), 0.9, passage)
    first = candidates[0][0] if candidates else None
    return _not_stated(first, "The preamble does not name the parties with a defined name for each.")


def _passage_at(scored: ScoredContract, offset: int) -> Passage:
    return next((p for p in scored.passages if p.end > offset), scored.passages[0])


# dates ---------------------------------------------------------------------------------------

_DATED = re.compile(
    r"(?:\bdated|\bas\s{1,3}of|\bmade|\bentered\s{1,3}into|\bexecuted)\b[^.;()\"“]{0,40}$|\bsigned\b[^.;()\"“]{0,80}\bon\s{1,3}$"
    r"|\beffective\b[^.;()\"“]{0,15}$|\bthis\s{0,3}$|\b(?:Date|Dated|Updated)\s{0,3}:\s{0,3}$"
    r"|[\"”]Effective\s{1,3}Date[\"”]\)?\s{1,3}(?:is|shall\s{1,3}(?:mean|be))\s{1,3}$|(?-i:\b(?:AGREEMENT|CONTRACT))\s{0,3}(?:_{2,40}\s{0,3})?$",
    re.IGNORECASE,
)
_FILING_NOTE = re.compile(r"Source:[^\n]{0,120}$|\bfiled\b[^.]{0,60}$", re.IGNORECASE)
_OTHER_AGREEMENT = re.compile(
    r"\b(?:to|under|of|with|in|into|by|and|for)\s{1,3}(?:(?:the|that|a|an|certain|each|that\s{1,3}certain)\s{1,3})?"
    r"(?:[\w&,/#-]{1,30}\s{1,3}){0,8}?(?i:agreement|contract|plan|lease|license|indenture|power\s{1,3}of\s{1,3}attorney)\b"
    r"(?:\s{1,3}(?:No\.|Number)\s{0,3}[\w-]{1,12})?(?:\s{0,3}\([^)]{0,60}\))?,?\s{1,3}(?:dated|of|entered)\b[^.;]{0,40}$"
    r"|\bmeans\b[^.;]{0,200}$|\bWHEREAS\b[^;]{0,600}$|\b[Rr]eference\s{1,3}is\s{1,3}(?:hereby\s{1,3})?made\b[^.;]{0,300}$",
)
# 'Distribution Agreement dated ...', 'The Selling Agreement effective as of ...' (not a defined '"Agreement"')
_NAMED_AGREEMENT_DATED = re.compile(r"(?:\S{1,30}\s{1,3}){0,4}(?<![\"“])(?i:agreement)\b[^.;]{0,30}?\bdated\b[^.;]{0,15}$")
_NAMED_AGREEMENT_EFFECTIVE = re.compile(
    r"(?:\S{1,30}\s{1,3}){0,4}(?<![\"“])(?i:agreement)\b[^.;]{0,10}?\beffective\b[^.;]{0,15}$"
)
_DOCUMENT = re.compile(r"\b(?:Agreement|Contract|Amendment|Lease|License|Addendum|Exhibit|Schedule)\b", re.IGNORECASE)
_EFFECTIVE_AT = re.compile(
    r"\beffective\b[^.;]{0,25}$|\bcommenc\w{0,4}\b[^.;]{0,25}$|\bbegin\w{0,5}\b[^.;]{0,25}$|\bstart\w{0,3}\s{0,3}:\s{0,3}$"
    r"|\b(?:Effective|Commencement|Start)\s{1,3}Date\b[^.;]{0,60}?(?:\bis|\bshall\s{1,3}be|\bmeans|\bshall\s{1,3}mean|i\.\s?e\.)\s{0,3}:?,?\s{0,3}$",
    re.IGNORECASE,
)
_DEFINED_EFFECTIVE = re.compile(
    r"^[^.;]{0,25}\(\s{0,2}(?:the\s)?[\"“]Effective\s{1,3}Date[\"”]"
    r"|^[^.;]{0,25}\bhereinafter\s{1,3}(?:referred\s{1,3}to\s{1,3}as|called)\s{1,3}(?:the\s{1,3})?effective\s{1,3}date\b",
    re.IGNORECASE,
)
_AS_AGREEMENT_DATE = re.compile(
    r"date\s{1,3}(?:first\s{1,3})?(?:above|hereinabove|set\s{1,3}forth\s{1,3}above|written\s{1,3}above|first\s{1,3}written)"
    r"|date\s{1,3}(?:of\s{1,3}this\s{1,3}agreement|hereof)|\bAgreement\s{1,3}Date\b",
    re.IGNORECASE,
)
_TAKES_EFFECT = re.compile(
    r"\b(?:effective|take\s{1,3}effect|commenc\w{0,4}|enter\w{0,3}\s{1,3}into\s{1,3}force|come\s{1,3}into\s{1,3}force)\b", re.IGNORECASE
)
_THIS_AGREEMENT = re.compile(r"\bthis\s{1,3}(?:[\w-]{1,25}\s{1,3}){0,3}(?:Agreement|Contract|Amendment)\b|\bEffective\s{1,3}Date\b", re.IGNORECASE)


def _dates(text: str) -> list[DateMention]:
    """The dates of a text that are not part of a filing note ('Source: ..., 8-K, 8/12/2019')."""
    return [m for m in find_dates(text) if not _FILING_NOTE.search(text[max(0, m.start - 140) : m.start])]


def _dates_this_document(text: str, start: int, end: int) -> list[DateMention]:
    """The dates between `start` and `end` of the text that are introduced as this document's ('dated as
    of', 'made this ... day of', 'AGREEMENT May 14, 2014'), not another agreement's ('... to the Supply
    Agreement dated April 1, 2017') or a definition's."""
    found = []
    for mention in _dates(text[max(0, start - 40) : end + 40]):
        at = max(0, start - 40) + mention.start
        if not start - 30 <= at < end:
            continue
        before = " ".join(text[max(0, at - 600) : at].split()) + " "
        other = _OTHER_AGREEMENT.search(before)
        if not _DATED.search(before[-60:]) or (other and not re.search(r"\bthis\b", other.group(0), re.IGNORECASE)):
            continue
        named = _NAMED_AGREEMENT_DATED.search(before[-120:])
        if named and not re.search(r"\bthis\b|(?-i:AGREEMENT)", named.group(0), re.IGNORECASE):
            continue  # 'Distribution Agreement dated November 15, 2010' in a list of other agreements
        if re.search(r"(?:^|[.;:]\s)As\s+of\s*$", before[-60:]):
            continue  # 'As of January 1, 2015, such insurance shall ...'
        after = text[at + (mention.end - mention.start) : at + (mention.end - mention.start) + 80]
        if _DOCUMENT.search(_same_sentence(before[-400:])) or _DOCUMENT.search(after):
            found.append(DateMention(at, at + mention.end - mention.start, mention.year, mention.month, mention.day))
    return found


OPENING_CHARACTERS = 4000
"""How far into the text the opening words (title, preamble) are looked for."""
_SIGNED_ON = re.compile(r"\b(?:Date|Dated|DATE|DATED)\s{0,3}(?:of\s{0,3})?:{1,2}\s{0,3}$|(?-i:\bDATE|\bDATED)\s{0,3}$")
_SIGNATURES = re.compile(r"\bIN\s{1,3}WITNESS\s{1,3}WHEREOF\b|\bBy\s{0,3}:\s{0,3}/s/|/s/", re.IGNORECASE)


def read_agreement_date(scored: ScoredContract) -> Reading[str]:
    """The date the contract is dated or made: the date after 'dated', 'made ... as of', 'entered into on'
    in the passages about it or the opening words; else the date of the last signature."""
    candidates = [passage for passage, _ in _candidates(scored, "Agreement Date")]
    opening = [p for p in scored.passages if p.start < OPENING_CHARACTERS and p not in candidates]
    for passage in [*candidates, *opening]:
        introduced = _dates_this_document(scored.text, passage.start, passage.end)
        if introduced:
            confidence = 0.95 if passage in candidates else 0.9
            chosen = _latest_if_signed(scored.text, introduced)
            if chosen.complete is None and any(m.complete for m in introduced):
                chosen = next(m for m in introduced if m.complete)  # 'dated ___, 2012, but effective as of February 20, 2012'
            if _SIGNED_ON.search(scored.text[max(0, chosen.start - 30) : chosen.start]):
                signed = _last_signature_date(scored)  # the last of the signatures' dates, wherever it is
                if signed is not None and chosen.complete and signed[1].complete > chosen.complete:
                    passage, chosen = signed
            return _stated(chosen.iso, chosen.iso, confidence, passage)
    signed = _last_signature_date(scored)
    if signed is not None:
        passage, mention = signed
        return _stated(mention.iso, mention.iso, 0.8, passage, "The date of the last signature.")
    return _not_stated(None, "No date of the agreement was found.")


def _same_sentence(before: str) -> str:
    """The end of `before` back to the last sentence break ('... company. The' ends a sentence; 'Inc. The'
    does not)."""
    breaks = list(re.finditer(r"[a-z0-9)]\.\s+(?=[A-Z])", before))
    return before[breaks[-1].end() :] if breaks else before


def _latest_if_signed(text: str, dates: list[DateMention]) -> DateMention:
    """The first date, unless the dates are those of signatures ('Date: 1/26/2020 Date: 1/27/2020'): then
    the last signature's, the day the contract was signed by all."""
    signed = [m for m in dates if m.complete and _SIGNED_ON.search(text[max(0, m.start - 30) : m.start])]
    if signed and signed[0] is dates[0]:
        return max(signed, key=lambda m: m.complete)
    return dates[0]


def _last_signature_date(scored: ScoredContract) -> tuple[Passage, DateMention] | None:
    """The latest date written next to a signature ('Date: 3/21/08', 'Signed ... this 25th day of May,
    1999', 'signed ... on November 8, 2002'), after the signatures begin in the second half of the text."""
    block = _SIGNATURES.search(scored.text, int(len(scored.text) * 0.5))
    if block is None:
        return None
    found = []
    for passage in scored.passages:
        if passage.end < block.start() - 400:
            continue
        labelled = [m for m in _dates(passage.text) if _SIGNED_ON.search(passage.text[max(0, m.start - 30) : m.start])]
        dated = [
            DateMention(m.start - passage.start, m.end - passage.start, m.year, m.month, m.day)
            for m in _dates_this_document(scored.text, passage.start, passage.end)
        ]
        found += [(m.complete, passage, m) for m in labelled + dated if m.complete]
    if not found:
        return None
    _, passage, mention = max(found, key=lambda item: item[0])
    return passage, mention


def read_effective_date(scored: ScoredContract, agreement: Reading[str]) -> Reading[str]:
    """The date the contract takes effect: a date defined as the 'Effective Date' or after 'effective
    as of'; the agreement date when the contract is effective 'as of the date first written above'."""
    candidates = _candidates(scored, "Effective Date")
    for passage, _ in candidates:
        window, start, end = _around(scored, passage)
        for mention in _dates(window):
            if not start - 30 <= mention.start < end:
                continue
            before = window[max(0, mention.start - 80) : mention.start]
            after = window[mention.end : mention.end + 60]
            other = _OTHER_AGREEMENT.search(window[max(0, mention.start - 300) : mention.start])
            named = _NAMED_AGREEMENT_EFFECTIVE.search(before)
            if any(m and not re.search(r"\bthis\b|(?-i:AGREEMENT)", m.group(0), re.IGNORECASE) for m in (other, named)):
                continue
            if _DEFINED_EFFECTIVE.search(after) or _EFFECTIVE_AT.search(before):
                return _stated(mention.iso, mention.iso, 0.9, passage)
    for passage, _ in candidates:
        window, start, end = _around(scored, passage)
        if _dates(window):
            continue
        defined = _OTHER_DEFINITION.search(window)
        if defined and "effective" not in defined.group("term").lower():
            continue  # '"Standstill Period" shall mean the period commencing on the date of this Agreement'
        if agreement.value and _AS_AGREEMENT_DATE.search(window) and _TAKES_EFFECT.search(window) and _THIS_AGREEMENT.search(window):
            return _stated(agreement.value, agreement.value, 0.85, passage, "The date of the agreement.")
    if candidates:
        return _not_stated(candidates[0][0], "The passage about when the contract takes effect gives no date.")
    return _not_stated(None, "No effective date was found.")


# term and expiration -------------------------------------------------------------------------

_PERPETUAL = re.compile(
    r"\bperpetu(?:al|ally|ity)\b|\bindefinite(?:ly)?\b|\bfor\s{1,3}so\s{1,3}long\s{1,3}as\b|\buntil\s{1,3}(?:it\s{1,3}is\s{1,3})?terminated\b"
    r"|\bunless\s{1,3}and\s{1,3}until\s{1,3}terminated\b|\bend\w{0,3}\s{1,3}(?:only\s{1,3})?when\s{1,3}terminated\b"
    r"|\bthereafter,?\s{1,3}unless\s{1,3}terminated\b",
    re.IGNORECASE,
)
_PERPETUAL_GRANT = re.compile(  # 'an irrevocable, perpetual, royalty free licence': a grant, not the term
    r"\bperpetu(?:al|ally)\b[^.;]{0,60}?\b(?:licen[cs]e|rights?\b|royalt)", re.IGNORECASE
)
_ENDS_ON = re.compile(
    r"\b(?:expir\w{0,3}|end\w{0,3}|conclud\w{0,3}|terminat\w{0,3}|continu\w{0,4}(?:\s{1,3}in\s{1,3}(?:full\s{1,3})?(?:force|effect)"
    r"(?:\s{1,3}and\s{1,3}effect)?)?|remain\s{1,3}in\s{1,3}(?:full\s{1,3})?(?:force|effect)(?:\s{1,3}and\s{1,3}effect)?|through|until|thru|to"
    r"|(?:up\s{1,3}to|through)\s{1,3}and\s{1,3}including)"
    r"(?:\s{1,3}(?:on|at|upon|in))?(?:\s{1,3}the\s{1,3}close\s{1,3}of\s{1,3}business\s{1,3}on)?\s{0,3}$",
    re.IGNORECASE,
)
_UNLESS_TERMINATED = re.compile(r"\b(?:unless|earlier|sooner|until)\s{1,3}(?:\w{1,9}\s{1,3})?terminat\w{0,3}\s{0,3}$", re.IGNORECASE)
_THIS_TERM = re.compile(
    r"\b(?:this|the)\s{1,3}(?:[\w-]{1,25}\s{1,3}){0,3}(?:Agreement|Contract|license|appointment|amendment|promotion|Joint\s{1,3}Venture"
    r"|engagement|arrangement)\b|\bthe\s{1,3}(?:[\w-]{1,20}\s{1,3}){0,2}term\b|\bInitial\s{1,3}Term\b|\bTERM\s{0,3}:"
    r"|\bterm\s{1,3}of\s{1,3}th(?:is|e)\s{1,3}(?:[\w-]{1,25}\s{1,3}){0,3}(?:Agreement|Contract)\b",
    re.IGNORECASE,
)
_OTHER_DEFINITION = re.compile(
    r"[\"“](?P<term>[^\"”]{1,40})[\"”]\s{0,3}(?:shall\s{1,3})?(?:means?|refers?\s{1,3}to|shall\s{1,3}refer\s{1,3}to)\b", re.IGNORECASE
)
_SURVIVAL = re.compile(
    r"\bsurviv\w{0,4}\b|\blater\s{1,3}of\b|\b(?:following|after)\s{1,3}(?:the\s{1,3})?(?:effective\s{1,3}date\s{1,3}of\s{1,3})?(?:expiration|termination)\b",
    re.IGNORECASE,
)
_TERM_FOR = re.compile(
    r"(?:\bterm\b|\bperiod\b|\bcontinue\b|\bremain\b|\bin\s{1,3}(?:full\s{1,3})?(?:force|effect)\b|\bexpire[sd]?\b|\bshall\s{1,3}be\b"
    r"|\bwill\s{1,3}be\b|\bfor\b|\bis\b|\bend\b)[^.;]{0,60}$",
    re.IGNORECASE,
)
_FROM_START = re.compile(
    r"^[^.;]{0,40}?\b(?:from|after|following|of|commencing\s{1,3}(?:on|with|upon)?|beginning\s{1,3}(?:on|with)?|starting\s{1,3}on|as\s{1,3}of)"
    r"\s{1,3}(?:the\s{1,3})?(?:Effective\s{1,3}Date|date\s{1,3}(?:of\s{1,3}this\s{1,3}(?:Agreement|document|contract)|hereof|first\s{1,3}(?:above\s{1,3})?written"
    r"|of\s{1,3}execution|this\s{1,3}Agreement\s{1,3}is\s{1,3}executed)|Commencement\s{1,3}Date|execution)",
    re.IGNORECASE,
)
_OTHER_START = re.compile(
    r"\b(?:from|after|following|commencing|beginning|starting|upon)\s{1,3}(?:(?:on|upon|with|from|as\s{1,3}of|and\s{1,3}after|and\s{1,3}including)\s{1,3})?+"
    r"(?!(?:the\s{1,3}|such\s{1,3})?(?:Effective\s{1,3}Date|Execution\s{1,3}Date|effective\s{1,3}date|date\s{1,3}(?:of\s{1,3}(?:this|execution|its\s{1,3}execution|the\s{1,3}Effective|Effective)|hereof|first|above|on\s{1,3}which\s{1,3}it\s{1,3}is\s{1,3}signed)"
    r"|execution|Commencement\s{1,3}Date|this\s{1,3}Agreement|such\s{1,3}date|that\b|year[\s-]{1,3}to[\s-]{1,3}year|month[\s-]{1,3}to[\s-]{1,3}month))(?:the\s{1,3})?+[A-Za-z]",
    re.IGNORECASE,
)
_EFFECTIVE_ON_EVENT = re.compile(
    r"\b(?:effective|commenc\w{0,4}|begin\w{0,4})\s{1,3}(?:as\s{1,3}of|on|upon)\s{1,3}the\s{1,3}(?:date|day)\s{1,3}(?:of|on\s{1,3}which)\s{1,3}(?!this\b|execution\b)",
    re.IGNORECASE,
)
_THEREAFTER = re.compile(r"^[^.;,]{0,15}\bthereafter\b", re.IGNORECASE)
_FROM_AGREEMENT_DATE = re.compile(
    r"\bdate\s{1,3}(?:hereof|of\s{1,3}this\s{1,3}(?:Agreement|document|contract)|first\s{1,3}(?:above\s{1,3})?(?:written|stated)|above\s{1,3}written"
    r"|of\s{1,3}execution)|\bexecution\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"\bunless\b|\bprovided\b|\bsubject\s{1,3}to\b|\bexcept\b|;|(?<!\b[A-Z])\.(?:\s|$)", re.IGNORECASE)
_STARTS_AT_EFFECTIVE = re.compile(
    r"\b(?:commenc|begin|began|start|effective|take\s{1,3}effect|become\s{1,3}effective)\w{0,4}\b[^.;]{0,40}?"
    r"\b(?:Effective\s{1,3}Date|date\s{1,3}(?:of\s{1,3}this\s{1,3}Agreement|hereof|first\s{1,3}(?:above\s{1,3})?(?:written|stated)|above\s{1,3}written))",
    re.IGNORECASE,
)
_ANNIVERSARY = re.compile(
    r"\b(?P<ordinal>(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|fifteenth|twentieth|twenty-fifth|thirtieth"
    r"|\d{1,2}\s?(?:st|nd|rd|th))(?:\s{0,2}\([^)]{1,8}\))?|(?:\w{1,12}\s{1,3})?\(\d{1,2}\)(?:[\s-]{1,3}year)?|\w{1,12}[\s-]{1,3}year)"
    r"\s{1,3}anniversary\s{1,3}of\s{1,3}the\s{1,3}(?:Effective\s{1,3}Date|date\s{1,3}(?:hereof|of\s{1,3}this\s{1,3}Agreement))",
    re.IGNORECASE,
)
_TERM_ENDS = re.compile(r"\b(?:expir|end|conclud|terminat|until|through|continu)", re.IGNORECASE)
_ORDINAL_NUMBERS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "fifteenth": 15, "twentieth": 20, "twenty-fifth": 25, "thirtieth": 30,
}  # fmt: skip
_RENEWAL_WORDS = re.compile(r"\brenew|\bextend|\bextension|\bsuccessive|\badditional", re.IGNORECASE)
_COMMENCES_ON = re.compile(r"\b(?:commenc|begin|start|effective)\w{0,4}\b(?:\s{1,3}(?:on|as\s{1,3}of|from))?\s{0,3}$", re.IGNORECASE)


def read_term(
    scored: ScoredContract, effective: Reading[str], agreement: Reading[str]
) -> tuple[Reading[Duration], Reading[str]]:
    """The initial term (a length of time) and the expiration date: a date the term ends on, the start
    date plus the initial term, or 'perpetual' when the contract runs until terminated."""
    candidates = _candidates(scored, "Expiration Date")
    starts = (effective.value, agreement.value)
    for passage, _ in candidates:
        window, begin, finish = _around(scored, passage)
        defined = _OTHER_DEFINITION.search(window)
        own = window[max(0, begin - 40) : finish + 40]
        if not _THIS_TERM.search(window) or _SURVIVAL.search(own) or (defined and "term" not in defined.group("term").lower()):
            continue  # a period of something else ('the first Fiscal Year shall end on ...')
        ends = _end_date(window, begin, finish)
        if ends is not None:
            return _not_stated(passage, "The term is given as an end date."), _stated(ends, ends, 0.9, passage)
        length = _initial_length(window, begin, finish)
        if length is not None:
            term = _stated(length.duration, length.duration.describe(), 0.9, passage)
            return term, _expiration_from(length, window, starts, passage)
        anniversary = _anniversary(window)
        if anniversary is not None:
            return _not_stated(passage, "The term ends on an anniversary."), _expiration_from(
                anniversary, window, starts, passage
            )
        lengths = [m for m in find_durations(window) if not _BEFORE_END.match(window[m.end : m.end + 30])]
        if _says_perpetual(window) and not lengths and not _dates(window) and not _RENEWAL_WORDS.search(window):
            perpetual = _stated("perpetual", "perpetual", 0.85, passage)
            return _not_stated(passage, "The contract runs until it is terminated."), perpetual
    first = candidates[0][0] if candidates else None
    note = "The passage about the term gives no end date or length." if first else "No term clause was found."
    return _not_stated(first, note), _not_stated(first, note)


def _says_perpetual(window: str) -> bool:
    """Whether the passage says the contract runs until terminated; a perpetual licence or right
    granted by it (often one that outlives it) is not its term."""
    return _PERPETUAL.search(_PERPETUAL_GRANT.sub(" ", window)) is not None


def _end_date(window: str, begin: int, finish: int) -> str | None:
    """A whole date the term is said to end on ('shall expire on December 31, 2021', 'through June 15, 2001')."""
    for mention in _dates(window):
        before = window[max(0, mention.start - 60) : mention.start]
        ends = _ENDS_ON.search(before)
        commences = list(_COMMENCES_ON.finditer(before))
        if (
            mention.complete
            and begin - 40 <= mention.start < finish + 40
            and ends is not None
            and not _UNLESS_TERMINATED.search(before)
            and not (commences and commences[-1].start() > ends.start())
        ):
            return mention.iso
    return None


def _initial_length(window: str, begin: int, finish: int) -> DurationMention | None:
    """The first length of a month or more that the term is said to last, not a renewal's length."""
    for mention in find_durations(window):
        if not begin - 60 <= mention.start < finish:
            continue
        before = window[max(0, mention.start - 60) : mention.start]
        after = window[mention.end : mention.end + 40]
        if mention.duration.days < 28 or _RENEWAL_WORDS.search(before[-30:]) or re.search(r"\bwithin\s{0,3}$", before):
            continue
        if re.match(r"^[^.;]{0,12}\b(?:prior|before|notice|in\s{1,3}advance|after\s{1,3}(?:the\s{1,3})?(?:expiration|termination))", after, re.I):
            continue
        if _TERM_FOR.search(before) or re.match(r"^\s{0,3}(?:period|term)\b", after, re.IGNORECASE):
            return mention
    return None


def _anniversary(window: str) -> DurationMention | None:
    match = _ANNIVERSARY.search(window)
    if match is None or not _TERM_ENDS.search(window[max(0, match.start() - 60) : match.start()]):
        return None  # an anniversary that is not when the term ends ('royalties from the first anniversary')
    written = match.group("ordinal").lower()
    digits = re.search(r"\d{1,2}", written)
    years = int(digits.group(0)) if digits else _ORDINAL_NUMBERS.get(written.split()[0].rstrip("-"))
    if years is None:
        years = next((m.duration.amount for m in find_durations(written + " years")), None)
    if not years:
        return None
    duration = Duration(amount=years, unit="year", text=" ".join(match.group(0).split()))
    return DurationMention(match.start(), match.start() + len(match.group("ordinal")), duration)


def _expiration_from(
    length: DurationMention, window: str, starts: tuple[str | None, str | None], passage: Passage
) -> Reading[str]:
    """The start date plus the term: from a date the sentence gives, from the effective date, or from the
    date of the agreement ('the date hereof'); 'not stated' when it runs from an event without a date."""
    effective, agreement = starts
    following = window[length.end : length.end + 120]
    clause_end = _CLAUSE_END.search(following)
    following = following[: clause_end.start()] if clause_end else following
    before = window[max(0, length.start - 160) : length.start]
    sentence_start = max(before.rfind(". "), before.rfind("; "))
    before = before[sentence_start + 2 :] if sentence_start >= 0 else before
    own_start = [m for m in _dates(before) if m.complete and _COMMENCES_ON.search(before[: m.start])]
    anchored = _STARTS_AT_EFFECTIVE.search(before)  # 'commences on the Effective Date and continues for ...'
    if own_start:
        begins, confidence = own_start[-1].iso, 0.9
    elif _OTHER_START.search(following) or _EFFECTIVE_ON_EVENT.search(before) or (
        not anchored and (_THEREAFTER.search(following) or (not _FROM_START.search(following) and _OTHER_START.search(before[-80:])))
    ):
        return _not_stated(passage, "The term runs from an event whose date the contract does not give.")
    elif re.search(r"\bEffective\s{1,3}Date\b", following + before):
        begins, confidence = effective, 0.85
    elif _FROM_AGREEMENT_DATE.search(following + before):
        begins, confidence = agreement, 0.85
    else:
        begins, confidence = effective or agreement, 0.8
    ends = _add(begins, length.duration) if begins else None
    if ends is None:
        return _not_stated(passage, "The term's length is stated, but not a date it can be counted from.")
    return _stated(ends, ends, confidence, passage, f"{begins} plus {length.duration.describe()}.")


def _add(start: str, duration: Duration) -> str | None:
    """An ISO date plus a length of time; a date with blanks ('2015', '2018-03') gives one with the same
    blanks when the length is whole years (or months, for '2018-03'); None when it cannot be counted."""
    parts = [int(part) for part in start.split("-")]
    if duration.unit == "business day" or (len(parts) < 3 and duration.unit in ("day", "week")):
        return None
    if len(parts) == 3 and duration.unit in ("day", "week"):
        return date.fromordinal(date(*parts).toordinal() + duration.days).isoformat()
    months = duration.amount * (12 if duration.unit == "year" else 1)
    if len(parts) == 1:
        return f"{parts[0] + months // 12:04d}" if months % 12 == 0 else None
    year, month = divmod(parts[1] - 1 + months, 12)
    year += parts[0]
    if len(parts) == 2:
        return f"{year:04d}-{month + 1:02d}"
    return date(year, month + 1, min(parts[2], monthrange(year, month + 1)[1])).isoformat()


# renewal and notice --------------------------------------------------------------------------

_AUTOMATIC = re.compile(
    r"\bautomatic(?:ally)?\b[^.;]{0,40}\b(?:renew|extend|continu)|\b(?:renew|extend)\w{0,3}\s{1,3}automatically\b"
    r"|\bevergreen\b|\bshall\s{1,3}(?:be\s{1,3})?(?:renew|extend)\w{0,2}\b[^.;]{0,120}\bunless\b"
    r"|\bwill\s{1,3}(?:be\s{1,3})?(?:renew|extend)\w{0,2}\b[^.;]{0,120}\bunless\b|\brenewed\s{1,3}tacitly\b",
    re.IGNORECASE,
)
_BY_AGREEMENT = re.compile(
    r"\b(?:may|can|could)\s{1,3}(?:only\s{1,3})?(?:be\s{1,3})?(?:renew|extend)\w{0,2}\b[^.;]{0,80}\b(?:mutual|written\s{1,3}agreement|agree|consent|option)"
    r"|\b(?:option|right)\s{1,3}to\s{1,3}(?:renew|extend)\b|\bupon\s{1,3}(?:the\s{1,3})?mutual\b[^.;]{0,40}\b(?:renew|extend)"
    r"|\b(?:renew|extend)\w{0,3}\b[^.;]{0,60}\bupon\s{1,3}(?:the\s{1,3})?(?:parties'?\s{1,3})?mutual\b|\bby\s{1,3}mutual\s{1,3}(?:written\s{1,3})?agreement\b",
    re.IGNORECASE,
)
_MUTUAL = re.compile(r"\bmutual(?:ly)?\b|\bnegotiat\w{1,5}\b|\bagree(?:ment|d)?\s{1,3}(?:of|by|between)\s{1,3}(?:both|the|all)\s{1,3}parties\b", re.IGNORECASE)
_RENEWAL_LENGTH = re.compile(
    r"(?:successive|additional|renewal|further|consecutive|subsequent|extension|extended|automatic(?:ally)?)\b[^.;]{0,45}$"
    r"|\brenew\w{0,3}\b[^.;]{0,25}\bfor\b[^.;]{0,20}$",
    re.IGNORECASE,
)
_NOTICE_RIGHT_AFTER = re.compile(r"^\s{0,3}(?:'s|’s|')?\s{0,3}(?:\(|prior\b|before\b|in\s{1,3}advance\b|notice\b|written\s{1,3}notice\b|advance\b)", re.IGNORECASE)
_YEAR_TO_YEAR = re.compile(
    r"\byear[\s-]{1,3}to[\s-]{1,3}year\b|\bannual(?:ly)?\s{1,3}(?:renew|basis)|\b(?:renew|extend)\w{0,3}\b[^.;]{0,30}\b(?:each\s{1,3}year|annually|annual\s{1,3}periods?)\b"
    r"|\brenewed\s{1,3}tacitly\s{1,3}every\s{1,3}year\b",
    re.IGNORECASE,
)
_MONTH_TO_MONTH = re.compile(
    r"\bmonth[\s-]{1,3}to[\s-]{1,3}month\b|\b(?:renew|extend)\w{0,3}\b[^.;]{0,30}\b(?:each\s{1,3}month|monthly(?:\s{1,3}periods?)?)\b",
    re.IGNORECASE,
)


def read_renewal(scored: ScoredContract) -> tuple[Reading[bool], Reading[Duration]]:
    """Whether the contract renews by itself ('shall automatically renew', 'shall renew ... unless notice is
    given'; not 'may be renewed by mutual agreement'), and how long each renewal lasts (not for an
    extension the parties may agree on later)."""
    candidates = _candidates(scored, "Renewal Term")
    automatic: Reading[bool] | None = None
    length: Reading[Duration] | None = None
    for passage, _ in candidates:
        window, _, _ = _around(scored, passage)
        if automatic is None:
            if _AUTOMATIC.search(window) and not _BY_AGREEMENT.search(window):
                automatic = _stated(True, "yes", 0.9, passage)
            elif _BY_AGREEMENT.search(window) and not _AUTOMATIC.search(window):
                automatic = _stated(False, "no: only by agreement or option", 0.85, passage)
        if length is None and _THIS_TERM.search(window) and not (_MUTUAL.search(window) and not _AUTOMATIC.search(window)):
            length = _renewal_length(passage.text, passage)
    if candidates:
        first = candidates[0][0]
        automatic = automatic or _not_stated(first, "The renewal clause does not say whether renewal is automatic.")
        length = length or _not_stated(first, "The renewal clause gives no length for each renewal.")
        return automatic, length
    return _not_stated(None, "No renewal clause was found."), _not_stated(None, "No renewal clause was found.")


def _renewal_length(text: str, passage: Passage) -> Reading[Duration] | None:
    for mention in find_durations(text):
        before = text[max(0, mention.start - 45) : mention.start]
        after = text[mention.end : mention.end + 40]
        if (
            mention.duration.days >= 28
            and not before.lower().rstrip().endswith("half")
            and (_RENEWAL_LENGTH.search(before) or re.match(r"^[^.;]{0,12}(?:renewal|extension|additional)", after, re.I))
            and not _NOTICE_RIGHT_AFTER.match(after)
        ):
            return _stated(mention.duration, mention.duration.describe(), 0.9, passage)
    if _YEAR_TO_YEAR.search(text):
        return _stated(Duration(amount=1, unit="year", text="year to year"), "1 year", 0.85, passage)
    if _MONTH_TO_MONTH.search(text):
        return _stated(Duration(amount=1, unit="month", text="month to month"), "1 month", 0.85, passage)
    return None


_BEFORE_END = re.compile(
    r"^[\s']{0,3}(?:s\s{1,3}|’s\s{1,3})?(?:\([^)]{0,20}\)\s{0,3})?(?:prior|before|in\s{1,3}advance|preceding|notice|written\s{1,3}notice|advance)\b",
    re.IGNORECASE,
)
_NOTICE_OF_AT_LEAST = re.compile(r"\bnotice\b[^.;]{0,50}\b(?:of\s{1,3})?(?:at\s{1,3}least|not\s{1,3}less\s{1,3}than|no\s{1,3}less\s{1,3}than)\s{1,3}$", re.IGNORECASE)
_ABOUT_RENEWAL = re.compile(
    r"\brenew|\bnon-?\s?renewal|\bexpir|\bextend|\bend\s{1,3}of\s{1,3}(?:the\s{1,3})?(?:then|initial|current|renewal|any)"
    r"|\bthen[\s-]{1,3}current\b|\bmonth[\s-]{1,3}to[\s-]{1,3}month\b|\byear[\s-]{1,3}to[\s-]{1,3}year\b"
    r"|\b(?:thereafter|automatically)\b[^.;]{0,60}\bcontinu|\b(?:after|following)\s{1,3}the\s{1,3}(?:initial|original)\s{1,3}term\b",
    re.IGNORECASE,
)
_STOPS_RENEWAL = re.compile(
    r"\bnot\s{1,3}to\s{1,3}(?:renew|extend)|\bnon-?\s?renewal|\bterminat\w{0,5}|\bunless\b|\bcancel\w{0,5}|\bintention\s{1,3}not\b"
    r"|\bdoes\s{1,3}not\s{1,3}(?:wish|desire|intend)",
    re.IGNORECASE,
)
_EXERCISES_OPTION = re.compile(
    r"\bto\s{1,3}exercise\b|\bexercise\s{1,3}(?:each|such|the|this|its)\s{1,3}(?:renewal\s{1,3})?option|\bwish\w{0,2}\s{1,3}to\s{1,3}(?:extend|renew)"
    r"|\bdesir\w{1,3}\s{1,3}to\s{1,3}(?:so\s{1,3})?(?:extend|renew)|\belect\w{0,3}\s{1,3}to\s{1,3}(?:extend|renew)|\bnegotiat|\brenewal\s{1,3}notice"
    r"|\boption\s{1,3}to\s{1,3}(?:extend|renew)|\bagree\w{0,2}\b[^.;]{0,40}\b(?:renewal|extension)\b|\bmay\s{1,3}(?:only\s{1,3})?be\s{1,3}renewed\s{1,3}if",
    re.IGNORECASE,
)
_NON_RENEWAL_AFTER = re.compile(r"^[^.;]{0,40}\b(?:non-?\s?renewal|not\s{1,3}to\s{1,3}renew)", re.IGNORECASE)


def read_notice_period(scored: ScoredContract, auto_renewal: Reading[bool]) -> Reading[Duration]:
    """How much notice stops a renewal: the length of time just before 'prior to', 'before', 'notice',
    in a passage about stopping a renewal ('written notice of non-renewal at least ninety (90) days prior
    to the end of the then-current term'); not the notice that exercises an option to renew."""
    candidates = _candidates(scored, "Notice Period To Terminate Renewal")
    if auto_renewal.value and auto_renewal.passage is not None:
        renewal = next((p for p in scored.passages if p.start == auto_renewal.passage.start), None)
        if renewal is not None and all(p.start != renewal.start for p, _ in candidates):
            candidates.append((renewal, 0.0))
    for passage, _ in candidates:
        window, start, end = _around(scored, passage)
        if not _ABOUT_RENEWAL.search(window) or not _STOPS_RENEWAL.search(window) or _EXERCISES_OPTION.search(window):
            continue
        found = []
        for mention in find_durations(window):
            if mention.duration.unit == "business day" or not start - 60 <= mention.start < end:
                continue
            after = window[mention.end : mention.end + 30]
            if _BEFORE_END.match(after) or _NOTICE_OF_AT_LEAST.search(window[max(0, mention.start - 80) : mention.start]):
                found.append((not _NON_RENEWAL_AFTER.match(window[mention.end : mention.end + 60]), mention))
        if found:
            mention = min(found, key=lambda item: (item[0], item[1].start))[1]
            return _stated(mention.duration, mention.duration.describe(), 0.9, passage)
    if candidates:
        return _not_stated(candidates[0][0], "The passage does not say plainly how much notice stops the renewal.")
    return _not_stated(None, "No notice period to stop a renewal was found.")


# liability -----------------------------------------------------------------------------------


def read_liability_cap(scored: ScoredContract) -> Reading[LiabilityCap]:
    """The most a party can be liable for: an amount, or a formula such as 'the fees paid in the twelve
    months before the claim'."""
    candidates = _candidates(scored, "Cap On Liability")
    for passage, _ in candidates:
        cap = find_cap(passage.text)
        if cap is not None:
            return _stated(cap, cap.describe(), 0.9, passage)
    if candidates:
        return _not_stated(candidates[0][0], "The limitation-of-liability clause states no amount or formula.")
    return _not_stated(None, "No limitation-of-liability clause was found.")
