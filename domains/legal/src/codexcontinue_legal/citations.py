"""Legal citation extraction with eyecite: cases (full, short, id., supra), statutes, regulations.

Short forms are resolved to the full citation they refer to, and the text can be returned with
each citation marked. Long texts are read in pieces of about `CHUNK_CHARACTERS` cut at paragraph or
sentence ends, with a `checkpoint()` between pieces, so a request's time limit stops the work.

eyecite 2.6.11 looks a court up from a parenthetical ('(2d Cir. 2001)') by normalising the
citation string of every court in courts-db on every call (about 3,000 regular-expression
substitutions per citation, 0.1-0.3 s each). `_court_by_paren` gives the same answers from a table
normalised once, and is installed in place of eyecite's helper when this module is imported.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Literal

import eyecite.helpers
from courts_db import courts
from eyecite import get_citations, resolve_citations
from eyecite.models import (
    CitationBase,
    FullCaseCitation,
    FullJournalCitation,
    FullLawCitation,
    IdCitation,
    ReferenceCitation,
    ShortCaseCitation,
    SupraCitation,
)
from pydantic import BaseModel, Field

from codexcontinue.cpu_work import checkpoint

CitationKind = Literal["case", "short_case", "id", "supra", "reference", "statute", "regulation", "journal"]
_REGULATION_REPORTER = re.compile(r"C\.?\s?F\.?\s?R|Fed\.\s?Reg|Reg\.|Admin\.?\s?Code", re.IGNORECASE)
CHUNK_CHARACTERS = 20_000
_PIECE_END = re.compile(r"\n\s*\n|(?<=[.;])\s+(?=[A-Z(\[])")


@cache
def _normalised_courts() -> tuple[tuple[str, str], ...]:
    return tuple((re.sub(r"[^\w]", "", court["citation_string"]).lower(), str(court["id"])) for court in courts)


def _court_by_paren(paren_string: str) -> str | None:
    """eyecite's `get_court_by_paren`, with the courts' citation strings normalised once: an exact match
    wins, else the last court whose citation string starts with the parenthetical's."""
    wanted = re.sub(r"[^\w]", "", paren_string).lower()
    found = None
    if wanted:
        for normalised, court_id in _normalised_courts():
            if normalised == wanted:
                return court_id
            if normalised.startswith(wanted):
                found = court_id
    return found


EYECITE_COURT_BY_PAREN = getattr(eyecite.helpers.get_court_by_paren, "__wrapped__", eyecite.helpers.get_court_by_paren)
"""eyecite's own lookup, kept for the test that compares the two."""
_court_by_paren.__wrapped__ = EYECITE_COURT_BY_PAREN  # type: ignore[attr-defined]
eyecite.helpers.get_court_by_paren = _court_by_paren


class Citation(BaseModel):
    """One citation found in a text, with what eyecite could read from it and around it."""

    index: int = Field(description="Position among the text's citations, from 0.")
    kind: CitationKind
    text: str = Field(description="The citation as written, e.g. '384 U.S. 436' or 'Id. at 72'.")
    start: int = Field(description="Character offset of the citation in the text.")
    end: int
    full_start: int = Field(description="Start of the whole citation: case name, pin cite, year.")
    full_end: int
    normalized: str = Field(description="The citation with the reporter's standard abbreviation.")
    reporter: str | None = None
    volume: str | None = None
    page: str | None = None
    title: str | None = Field(default=None, description="Statute or regulation title, e.g. '42'.")
    section: str | None = Field(default=None, description="Statute or regulation section, e.g. '1983'.")
    pin_cite: str | None = None
    court: str | None = Field(default=None, description="Court id from courts-db, e.g. 'scotus', 'ca1'.")
    year: int | None = None
    plaintiff: str | None = None
    defendant: str | None = None
    parenthetical: str | None = None
    refers_to: int | None = Field(
        default=None, description="For short, id. and supra citations: index of the full citation meant."
    )


def text_pieces(text: str, size: int = CHUNK_CHARACTERS) -> list[tuple[int, str]]:
    """`text` cut into pieces of about `size` characters at paragraph or sentence ends (at a space when
    there is none), each with its offset."""
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = None
            for match in _PIECE_END.finditer(text, start + size // 2, end):
                cut = match.end()
            if cut is None:
                space = text.rfind(" ", start + size // 2, end)
                cut = space + 1 if space > start else end
            end = cut
        pieces.append((start, text[start:end]))
        start = end
    return pieces


def extract_citations(text: str) -> list[Citation]:
    """Every citation in `text`, in order, with short forms resolved to their full citation."""
    found: list[CitationBase] = []
    offsets: dict[int, int] = {}
    for offset, piece in text_pieces(text):
        checkpoint()
        for citation in get_citations(piece):
            if _kind(citation) is not None:
                offsets[id(citation)] = offset
                found.append(citation)
    checkpoint()
    position = {id(citation): index for index, citation in enumerate(found)}
    refers_to: dict[int, int] = {}
    for resource, members in resolve_citations(found).items():
        full = getattr(resource, "citation", None)
        if full is None or id(full) not in position:
            continue
        for member in members:
            if member is not full:
                refers_to[id(member)] = position[id(full)]
    described = []
    for index, citation in enumerate(found):
        if index % 1000 == 0:
            checkpoint()
        described.append(_describe(text, offsets[id(citation)], index, citation, refers_to.get(id(citation))))
    return described


def _kind(citation: CitationBase) -> CitationKind | None:
    if isinstance(citation, FullCaseCitation):
        return "case"
    if isinstance(citation, ShortCaseCitation):
        return "short_case"
    if isinstance(citation, IdCitation):
        return "id"
    if isinstance(citation, SupraCitation):
        return "supra"
    if isinstance(citation, ReferenceCitation):
        return "reference"
    if isinstance(citation, FullLawCitation):
        reporter = citation.groups.get("reporter") or ""
        return "regulation" if _REGULATION_REPORTER.search(reporter) else "statute"
    if isinstance(citation, FullJournalCitation):
        return "journal"
    return None


def _describe(text: str, offset: int, index: int, citation: CitationBase, refers_to: int | None) -> Citation:
    groups, metadata = citation.groups, citation.metadata
    start, end = (position + offset for position in citation.span())
    matched = citation.matched_text()
    if text.startswith(matched, start):  # eyecite can cut a span short ("384 U. S., at 460")
        end = max(end, start + len(matched))
    full_start, full_end = (position + offset for position in citation.full_span())
    full_start, full_end = min(start, full_start), max(end, full_end)
    while full_end > end and text[full_end - 1].isspace():
        full_end -= 1
    year = getattr(citation, "year", None)
    if year is None and str(getattr(metadata, "year", "") or "").isdigit():
        year = int(metadata.year)
    reporter = groups.get("reporter")
    if hasattr(citation, "corrected_reporter") and reporter:
        reporter = citation.corrected_reporter()
    return Citation(
        index=index,
        kind=_kind(citation),
        text=text[start:end],
        start=start,
        end=end,
        full_start=full_start,
        full_end=full_end,
        normalized=citation.corrected_citation(),
        reporter=reporter,
        volume=groups.get("volume"),
        page=groups.get("page"),
        title=groups.get("title") or groups.get("chapter"),
        section=groups.get("section"),
        pin_cite=getattr(metadata, "pin_cite", None),
        court=getattr(metadata, "court", None),
        year=year,
        plaintiff=getattr(metadata, "plaintiff", None),
        defendant=getattr(metadata, "defendant", None),
        parenthetical=getattr(metadata, "parenthetical", None),
        refers_to=refers_to,
    )


def annotate(text: str, citations: list[Citation]) -> str:
    """`text` as HTML-escaped text with each citation wrapped in `<mark class="citation">`."""
    pieces, position = [], 0
    for citation in sorted(citations, key=lambda c: c.start):
        if citation.start < position:
            continue  # overlaps the previous mark
        pieces.append(html.escape(text[position : citation.start]))
        pieces.append(
            f'<mark class="citation {citation.kind}" data-index="{citation.index}">'
            f"{html.escape(text[citation.start : citation.end])}</mark>"
        )
        position = citation.end
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)
