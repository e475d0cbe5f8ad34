"""Summarising a legal document with the LLM while keeping its citations intact.

Before the text goes to the model each citation (with its case name, pin cite and year) is
replaced by a marker such as [C1]; the model is told to keep the markers it relies on, and they
are put back verbatim afterwards. Citations the model dropped are listed, and any citation it
wrote itself is reported as invented rather than passed off as the document's.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from codexcontinue.ml.runtime import LLMRuntime

from .analyst_model import ANALYST_MODEL
from .citations import Citation, extract_citations

_MARKER = re.compile(r"\[C(\d+)\]")


class DocumentSummary(BaseModel):
    """A summary whose citations are copied from the document, never rewritten by the model."""

    summary: str
    model: str
    cached: bool
    citations: list[Citation] = Field(description="The citations found in the document.")
    citations_kept: list[str] = Field(description="Citations (as written) that appear in the summary.")
    citations_omitted: list[str] = Field(description="Citations of the document the summary leaves out.")
    citations_invented: list[str] = Field(
        description="Citation-like text the model wrote itself; check it before relying on it."
    )


def protect_citations(text: str, citations: list[Citation]) -> tuple[str, dict[str, str]]:
    """`text` with each citation (overlapping ones merged) replaced by a marker, and the markers."""
    spans: list[list[int]] = []
    for citation in sorted(citations, key=lambda c: c.full_start):
        if spans and citation.full_start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], citation.full_end)
        else:
            spans.append([citation.full_start, citation.full_end])
    pieces, markers, position = [], {}, 0
    for number, (start, end) in enumerate(spans, start=1):
        marker = f"[C{number}]"
        markers[marker] = text[start:end]
        pieces += [text[position:start], marker]
        position = end
    pieces.append(text[position:])
    return "".join(pieces), markers


async def summarise(llm: LLMRuntime, text: str, *, max_words: int) -> DocumentSummary:
    """Summarise `text` in at most about `max_words` words with the 'legal-analyst' model."""
    citations = extract_citations(text)
    protected, markers = protect_citations(text, citations)
    prompt = (
        f"Summarise the following legal document in at most {max_words} words: the question, the "
        "holding or outcome, and the reasoning. Keep each citation marker (like [C1]) you rely on "
        "exactly as written.\n\nDOCUMENT:\n" + protected
    )
    result = await llm.generate(ANALYST_MODEL, prompt, pack="legal")
    invented = [c.text for c in extract_citations(_MARKER.sub(" ", result.text))]
    used = [marker for marker in markers if marker in result.text]
    summary = _MARKER.sub(lambda m: markers.get(m.group(0), m.group(0)), result.text)
    return DocumentSummary(
        summary=summary.strip(),
        model=result.model,
        cached=result.cached,
        citations=citations,
        citations_kept=[markers[m] for m in used],
        citations_omitted=[original for marker, original in markers.items() if marker not in used],
        citations_invented=invented,
    )
