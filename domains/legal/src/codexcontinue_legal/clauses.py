"""Splitting a contract into clauses (numbered sections and headings) and clauses into passages."""

from __future__ import annotations

import re
from typing import NamedTuple

from pydantic import BaseModel, Field

from codexcontinue.cpu_work import checkpoint

# A numbered section: "1.", "4.2", "12.3.1", "Section 5", "ARTICLE IV", at the start of a line
# or after a run of spaces (contracts converted from PDF often run sections together).
_NUMBERED = re.compile(
    r"(?:(?<=\n)|(?<=\A)|(?<=\s{3}))[ \t]*"
    r"(?P<number>(?:(?:Section|SECTION|Article|ARTICLE)[ \t]+(?:\d{1,3}(?:\.\d{1,3}){0,3}|[IVXL]{1,6}))"
    r"|\d{1,3}(?:\.\d{1,3}){1,3}\.?|\d{1,3}[.)])"
    r"[ \t]+(?P<rest>[^\n]*)"
)
# A heading after a number: a few capitalised words ending at a period, colon or a gap.
_HEADING_AFTER_NUMBER = re.compile(r"^(?P<heading>[A-Z][\w'’&/,\- ]{1,70}?)(?:[.:](?:\s|$)|\s{2,}|$)")
# A heading line of its own: two to eight words, all capitals.
_CAPS_LINE = re.compile(r"(?m)^[ \t]*(?P<heading>[A-Z][A-Z0-9'’&/,\- ]{3,70}[A-Z])[ \t]*:?[ \t]*$")
# Sentence ends: after . ; ! ? followed by a capital, a quote, a parenthesis or a number.
_SENTENCE_END = re.compile(r"(?<=[.;!?])[\"”’)]?\s+(?=[\"“(A-Z0-9])")
# A possible break between blocks: a blank line, or a wide gap inside a line (text from PDFs).
_GAP = re.compile(r"[ \t]*\n[ \t]*\n\s*|[ \t]{4,}")
# What starts a new block after a gap: a list or section marker, a heading in capitals, a recital.
_BLOCK_START = re.compile(
    r"(?:\(?[a-zA-Z0-9]{1,4}[.)]\s|\d{1,3}(?:\.\d{1,3}){0,3}\.?\s|(?:Section|SECTION|Article|ARTICLE)\s|[A-Z][A-Z0-9'’&/,\- ]{3,}\b(?![a-z])"
    r"|WHEREAS\b|NOW,?\s)"
)
SHORT_LINE = 45
"""A line shorter than this before a gap ends a block (a heading, a list label); a longer one that
stops mid-sentence was only wrapped (text from PDFs puts a blank line after every wrapped line)."""
_ABBREVIATION = re.compile(
    r"(?:\b(?:Inc|Co|Corp|Ltd|No|Nos|Sec|Secs|Art|Mr|Mrs|Ms|Dr|St|U\.S|e\.g|i\.e|etc|vs|v|Jr|Sr|L\.P|N\.A)\.|\b[A-Z]\.)$"
)
MAX_PASSAGE_WORDS = 120


class Clause(BaseModel):
    """A section of a contract: its number and heading when it has them, and where it lies."""

    index: int = Field(description="Position among the contract's clauses, from 0.")
    number: str | None = Field(default=None, description="Section number as written, e.g. '12.3'.")
    heading: str | None = Field(default=None, description="Section heading, e.g. 'Governing Law'.")
    start: int = Field(description="Character offset of the clause in the contract text.")
    end: int
    text: str


class Passage(NamedTuple):
    """A sentence-sized piece of a clause: the unit the clause detector scores (its clause's index, where
    it lies, its text). A tuple, not a model: a contract has tens of thousands, and tuples of plain
    values are left alone by the garbage collector, which would otherwise hold the interpreter while
    it walks them."""

    clause: int
    start: int
    end: int
    text: str


def split_clauses(text: str) -> list[Clause]:
    """The clauses of `text`, in order; the part before the first heading is the preamble."""
    starts: dict[int, tuple[str | None, str | None]] = {}
    for match in _NUMBERED.finditer(text):
        number = match.group("number").rstrip(".)")
        heading = _HEADING_AFTER_NUMBER.match(match.group("rest"))
        starts[match.start("number")] = (
            number,
            _clean_heading(heading.group("heading")) if heading else None,
        )
    for match in _CAPS_LINE.finditer(text):
        if len(match.group("heading").split()) <= 8:
            starts.setdefault(match.start("heading"), (None, _clean_heading(match.group("heading"))))
    boundaries = sorted(starts)
    if not boundaries or boundaries[0] > 0:
        boundaries.insert(0, 0)
        starts.setdefault(0, (None, "Preamble"))
    clauses = []
    for position, start in enumerate(boundaries):
        end = boundaries[position + 1] if position + 1 < len(boundaries) else len(text)
        if not text[start:end].strip():
            continue
        number, heading = starts[start]
        clauses.append(
            Clause(
                index=len(clauses), number=number, heading=heading, start=start, end=end, text=text[start:end]
            )
        )
    return clauses


def _clean_heading(heading: str) -> str:
    return " ".join(heading.split()).strip(" ,-")


def split_passages(clause: Clause) -> list[Passage]:
    """The sentences of a clause (long ones cut at `MAX_PASSAGE_WORDS` words), with offsets."""
    passages = []
    for block_start, block_end in _blocks(clause.text):
        block = clause.text[block_start:block_end]
        for number, (start, end) in enumerate(_sentences(block)):
            if number % 2000 == 0:
                checkpoint()
            for piece_start, piece_end in _cut_long(block, start, end):
                piece = block[piece_start:piece_end]
                if any(character.isalnum() for character in piece):
                    offset = clause.start + block_start
                    passages.append(
                        Passage(
                            clause=clause.index,
                            start=offset + piece_start,
                            end=offset + piece_end,
                            text=piece,
                        )
                    )
    return passages


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraphs and list items: gaps after a sentence end, after a short line, or before a marker
    separate blocks; a gap inside a wrapped sentence does not."""
    spans, position = [], 0
    for gap in _GAP.finditer(text):
        before = text[position : gap.start()].rstrip()
        last_line = before[before.rfind("\n") + 1 :].strip()
        ends_sentence = before[-1:] in '.;:!?"”)' if before else True
        if ends_sentence or len(last_line) < SHORT_LINE or _BLOCK_START.match(text, gap.end()):
            spans.append((position, gap.start()))
            position = gap.end()
    spans.append((position, len(text)))
    return [(start, end) for start, end in spans if text[start:end].strip()]


def _sentences(block: str) -> list[tuple[int, int]]:
    spans, position = [], 0
    for match in _SENTENCE_END.finditer(block):
        if _ABBREVIATION.search(block[max(position, match.start() - 8) : match.start()].rstrip('"”’)')):
            continue
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(block)))
    return [_strip(block, start, end) for start, end in spans if block[start:end].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) <= MAX_PASSAGE_WORDS:
        return [(start, end)]
    pieces = []
    for first in range(0, len(words), MAX_PASSAGE_WORDS):
        chunk = words[first : first + MAX_PASSAGE_WORDS]
        pieces.append((start + chunk[0].start(), start + chunk[-1].end()))
    return pieces
