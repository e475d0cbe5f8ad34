"""Legal citation extraction with eyecite: cases (full, short, id., supra), statutes, regulations.

Short forms are resolved to the full citation they refer to, and the text can be returned with
each citation marked.
"""

from __future__ import annotations

import html
import re
from typing import Literal

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

CitationKind = Literal["case", "short_case", "id", "supra", "reference", "statute", "regulation", "journal"]
_REGULATION_REPORTER = re.compile(r"C\.?\s?F\.?\s?R|Fed\.\s?Reg|Reg\.|Admin\.?\s?Code", re.IGNORECASE)


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


def extract_citations(text: str) -> list[Citation]:
    """Every citation in `text`, in order, with short forms resolved to their full citation."""
    found = [c for c in get_citations(text) if _kind(c) is not None]
    position = {id(citation): index for index, citation in enumerate(found)}
    refers_to: dict[int, int] = {}
    for resource, members in resolve_citations(found).items():
        full = getattr(resource, "citation", None)
        if full is None or id(full) not in position:
            continue
        for member in members:
            if member is not full:
                refers_to[id(member)] = position[id(full)]
    return [
        _describe(text, index, citation, refers_to.get(id(citation))) for index, citation in enumerate(found)
    ]


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


def _describe(text: str, index: int, citation: CitationBase, refers_to: int | None) -> Citation:
    groups, metadata = citation.groups, citation.metadata
    start, end = citation.span()
    matched = citation.matched_text()
    if text.startswith(matched, start):  # eyecite can cut a span short ("384 U. S., at 460")
        end = max(end, start + len(matched))
    full_start, full_end = citation.full_span()
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
