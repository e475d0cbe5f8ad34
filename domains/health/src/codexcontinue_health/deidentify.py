"""De-identifying a clinical note: find the PHI, then replace it in one of four modes.

    result = deidentify("Pt Maria Lopez seen 3/4/2021", Mode.PSEUDONYM, key=b"secret")
    result.text     # "Pt Ruth Hale seen [DATE-1]"
    result.spans    # [ReplacedSpan(category=NAME, start=3, end=14, confidence=0.85, replacement="Ruth Hale"), ...]

Modes: `redact` ("[NAME]"), `mask` ("*****", as long as the original), `pseudonym` (the same
surrogate for the same value throughout the note: names become other names, other identifiers
numbered tags like "[MRN-1]") and `dateshift` (pseudonyms, and every date moved by one offset for
the whole note, so intervals survive). In every mode a ZIP code keeps only its first three digits,
and those only where the area has over 20,000 people (HIPAA's rule), and an age over 89 becomes
"90+" (or "[AGE]" when redacting). The surrogates and the offset come from an HMAC of the note
with `key`, so they are stable for one note and cannot be worked back without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from enum import StrEnum
from functools import cache

from pydantic import BaseModel, Field

from .date_shift import shift_date
from .phi_categories import PhiCategory
from .phi_detector import PhiSpan, detect_phi
from .phi_memory import RECENT_PHI
from .word_lists import word_lists

# Three-digit ZIP areas with 20,000 people or fewer (2000 Census), replaced by 000 under Safe Harbor.
SPARSE_ZIP3 = frozenset(["036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890", "893"])
IMAGE_FLAG = "image_attachment"
REMEMBERED = (PhiCategory.NAME, PhiCategory.LOCATION)  # the categories a rule can only see in context


class Mode(StrEnum):
    """How PHI is replaced."""

    REDACT = "redact"
    MASK = "mask"
    PSEUDONYM = "pseudonym"
    DATESHIFT = "dateshift"


class ReplacedSpan(PhiSpan):
    """A PHI span of the input (offsets into the original text) and what replaced it."""

    replacement: str


class Deidentified(BaseModel):
    """The de-identified text, the spans found in the original, and flags for what text cannot hold."""

    document_id: str = Field(description="sha256-derived id of the original text; never the text itself.")
    text: str
    spans: list[ReplacedSpan]
    flags: list[str] = Field(default_factory=list, description="'image_attachment' when an image is referenced.")


def document_id(text: str) -> str:
    """A stable id for a document that reveals nothing of it: 'doc-' and 16 hex digits of its sha256."""
    return "doc-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def deidentify(text: str, mode: Mode, *, key: bytes, remember: bool = True) -> Deidentified:
    """Find the PHI in `text` and replace it as `mode` says. With `remember`, the words of its names
    and places are kept (hashed) for a while, so the log filter masks them even out of context."""
    spans = detect_phi(text)
    if remember:
        RECENT_PHI.remember(text[s.start : s.end] for s in spans if s.category in REMEMBERED)
    doc = document_id(text)
    replace = _Replacer(mode, hmac.new(key, doc.encode(), hashlib.sha256).digest())
    replacements = [replace(span.category, text[span.start : span.end]) for span in spans]
    pieces, position = [], 0
    for span, replacement in zip(spans, replacements):
        pieces += [text[position : span.start], replacement]
        position = span.end
    pieces.append(text[position:])
    replaced = [
        ReplacedSpan.model_construct(category=s.category, start=s.start, end=s.end, confidence=s.confidence, replacement=r)
        for s, r in zip(spans, replacements)
    ]  # the detector's spans are valid already: no second validation
    flags = [IMAGE_FLAG] if any(s.category is PhiCategory.PHOTO for s in spans) else []
    return Deidentified(document_id=doc, text="".join(pieces), spans=replaced, flags=flags)


def redact(text: str) -> str:
    """`text` with every PHI span replaced by its `[CATEGORY]` label (for logs and LLM prompts)."""
    return deidentify(text, Mode.REDACT, key=b"redact", remember=False).text


class _Replacer:
    """The replacement of each PHI value in one document: consistent, keyed by the document's secret."""

    def __init__(self, mode: Mode, secret: bytes) -> None:
        self.mode = mode
        self.secret = secret
        self.tags: dict[tuple[PhiCategory, str], str] = {}
        self.name_parts: dict[str, str] = {}
        self.offset_days = -(1 + int.from_bytes(secret[:4], "big") % 364)

    def __call__(self, category: PhiCategory, value: str) -> str:
        if category is PhiCategory.ZIP:
            return _zip3(value)
        if category is PhiCategory.AGE:
            return "[AGE]" if self.mode is Mode.REDACT else "90+"
        if self.mode is Mode.REDACT:
            return f"[{category.value}]"
        if self.mode is Mode.MASK:
            return re.sub(r"[^\s]", "*", value)
        if category is PhiCategory.NAME:
            return self._surrogate_name(value)
        if category is PhiCategory.DATE and self.mode is Mode.DATESHIFT:
            return shift_date(value, self.offset_days) or "[DATE]"
        return self._tag(category, value)

    def _tag(self, category: PhiCategory, value: str) -> str:
        key = (category, re.sub(r"[^0-9a-z]", "", value.lower()))
        if key not in self.tags:
            number = sum(1 for c, _ in self.tags if c is category) + 1
            self.tags[key] = f"[{category.value}-{number}]"
        return self.tags[key]

    def _surrogate_name(self, value: str) -> str:
        """Each word of a name maps to one surrogate word, so 'John Smith' and 'Mr. Smith' stay one person."""
        return re.sub(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", lambda m: self._surrogate_word(m.group()), value)

    def _surrogate_word(self, word: str) -> str:
        lower = word.lower()
        if len(word) == 1:  # an initial: another initial
            return "ABCDEFGHJKLMNPRSTW"[self.secret[0] % 18] if word.isupper() else word
        if lower not in self.name_parts:
            lists = word_lists()
            pool = _surrogate_pool(lower in lists.first)
            taken = set(self.name_parts.values())
            digest = int.from_bytes(hmac.new(self.secret, lower.encode(), hashlib.sha256).digest()[:8], "big")
            for step in range(len(pool)):
                candidate = pool[(digest + step) % len(pool)]
                if candidate not in taken and candidate != lower:
                    break
            self.name_parts[lower] = candidate
        return _same_case(word, self.name_parts[lower])


@cache
def _surrogate_pool(first: bool) -> tuple[str, ...]:
    """Census names to draw surrogates from: given names, or the 5,000 most frequent surnames."""
    lists = word_lists()
    return tuple(sorted(lists.first)) if first else tuple(name for name, rank in lists.last.items() if rank < 5000)


def _same_case(original: str, word: str) -> str:
    if original.isupper():
        return word.upper()
    if original.islower():
        return word.lower()
    return word.capitalize()


def _zip3(value: str) -> str:
    """HIPAA's three-digit ZIP rule: '62704' -> '627**'; a sparse area -> '000**'."""
    prefix = value[:3]
    return ("000" if prefix in SPARSE_ZIP3 else prefix) + "**"


