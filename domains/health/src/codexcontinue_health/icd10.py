"""ICD-10-CM codes from the CMS tables that `simple-icd-10-cm` ships: validation, hierarchy, fuzzy search.

    lookup("E119").description        -> "Type 2 diabetes mellitus without complications"
    [m.code for m in search("type 2 diabetes")][:3]

The tables load on first use (about two seconds of CPU: the routes call these functions through
`run_cpu_bound`, so the event loop keeps answering meanwhile). Codes are accepted with or without the dot and
in any case; they are returned in the CMS form with the dot ("E11.9").
"""

from __future__ import annotations

import re
from functools import cache
from types import ModuleType

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

CODE_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")




@cache
def _tables() -> ModuleType:
    """simple_icd_10_cm, imported on the first lookup: it parses the CMS tables on import (about 2.5 s)."""
    import simple_icd_10_cm

    return simple_icd_10_cm

class CodeRef(BaseModel):
    """A code and its description."""

    code: str
    description: str


class Icd10Code(CodeRef):
    """One ICD-10-CM item with its place in the hierarchy."""

    kind: str = Field(description="'chapter', 'block', 'category' or 'subcategory'.")
    billable: bool = Field(description="Whether the code is valid on a claim (a leaf category or subcategory).")
    parent: CodeRef | None
    ancestors: list[CodeRef] = Field(description="From the parent up to the chapter.")
    children: list[CodeRef]


class Icd10Match(CodeRef):
    """A search result."""

    billable: bool
    score: float = Field(description="0-100; how well the description matches the query.")


class CodeCheck(BaseModel):
    """Whether a code exists, and if not what to do."""

    code: str
    valid: bool
    billable: bool = False
    description: str | None = None
    message: str


def normalize(code: str) -> str:
    """'e119' -> 'E11.9'; chapters ('4') and blocks ('E08-E13') are left as they are."""
    value = code.strip().upper()
    if CODE_SHAPE.match(value) and "." not in value and len(value) > 3:
        value = value[:3] + "." + value[3:]
    return value


def lookup(code: str) -> Icd10Code | None:
    """The item `code` names, with parent, ancestors and children; None when it does not exist."""
    value = normalize(code)
    if not _tables().is_valid_item(value):
        return None
    parent = _tables().get_parent(value)
    return Icd10Code(
        code=value,
        description=_tables().get_description(value),
        kind=_kind(value),
        billable=_billable(value),
        parent=_ref(parent) if parent else None,
        ancestors=[_ref(a) for a in _tables().get_ancestors(value)],
        children=[_ref(c) for c in _tables().get_children(value)],
    )


def check(code: str) -> CodeCheck:
    """Validate one code: exists, billable, or what is wrong with it."""
    value = normalize(code)
    if _tables().is_valid_item(value):
        billable = _billable(value)
        message = "valid and billable" if billable else "valid but not billable: use one of its more specific children"
        return CodeCheck(code=value, valid=True, billable=billable, description=_tables().get_description(value), message=message)
    if not CODE_SHAPE.match(value):
        message = "not an ICD-10-CM code: write a letter, two digits, then up to four more characters (E11.9)"
    else:
        message = "no such code in ICD-10-CM: search by description with /icd10/search"
    return CodeCheck(code=value, valid=False, message=message)


def search(query: str, limit: int = 10) -> list[Icd10Match]:
    """Codes whose description best matches `query` (typos tolerated); a code-shaped query also
    matches codes that start with it."""
    text = query.strip()
    if not text:
        return []
    codes, descriptions = _index()
    results: dict[str, float] = {}
    prefix = normalize(text).rstrip(".")
    if CODE_SHAPE.match(prefix.replace(".", "")[:3]) or re.match(r"^[A-Z]\d", prefix):
        for code in codes:
            if code.startswith(prefix):
                results[code] = 100.0
                if len(results) >= limit:
                    break
    words = _words(text)
    candidates = process.extract(" ".join(words), descriptions, scorer=fuzz.token_set_ratio, limit=300)
    for _, _, index in candidates:
        code = codes[index]
        results[code] = max(results.get(code, 0.0), _rank(words, _words(descriptions[index])))
    ranked = sorted(results.items(), key=lambda item: -item[1])[:limit]
    return [
        Icd10Match(code=code, description=_tables().get_description(code), billable=_billable(code), score=round(min(score, 100.0), 1))
        for code, score in ranked
    ]


GENERIC_WORDS = frozenset(["unspecified", "essential", "primary", "other", "type", "site", "specified", "not", "elsewhere", "classified", "organism", "of", "with", "without", "and", "the"])


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _rank(query: list[str], description: list[str]) -> float:
    """How well `description` says `query`: each query word's best fuzzy match (typos tolerated),
    less two points for each description word the query did not ask for (generic words are free)."""
    if not query or not description:
        return 0.0
    matched: set[int] = set()
    total = 0.0
    for word in query:
        scores = [(fuzz.ratio(word, d), i) for i, d in enumerate(description)]
        best, where = max(scores)
        total += best
        if best >= 80:
            matched.add(where)
    extra = sum(1 for i, d in enumerate(description) if i not in matched and d not in GENERIC_WORDS)
    return total / len(query) - 2.0 * extra


@cache
def _index() -> tuple[list[str], list[str]]:
    """Every category and subcategory with its lowercase description (built once)."""
    codes = [c for c in _tables().get_all_codes(with_dots=True) if _tables().is_category_or_subcategory(c)]
    return codes, [_tables().get_description(c).lower() for c in codes]


def _ref(code: str) -> CodeRef:
    return CodeRef(code=code, description=_tables().get_description(code))


def _kind(code: str) -> str:
    if _tables().is_chapter(code):
        return "chapter"
    if _tables().is_block(code):
        return "block"
    return "category" if _tables().is_category(code) else "subcategory"


def _billable(code: str) -> bool:
    return _tables().is_category_or_subcategory(code) and _tables().is_leaf(code)
