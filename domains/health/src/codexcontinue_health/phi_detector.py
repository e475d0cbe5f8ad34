"""Finding PHI: presidio's AnalyzerEngine with the pack's recognisers and no language model at all.

    spans = detect_phi("Pt Maria Lopez, DOB 3/4/1950, MRN 4471123")
    [(s.category, s.start, s.end, s.confidence) for s in spans]

The engine uses presidio's no-op NLP engine, so nothing is loaded or downloaded: every recogniser
is a rule (phi_patterns.py, name_recognizer.py). Overlapping findings are merged into one span
that covers them all, labelled with the most confident category.
"""

from __future__ import annotations

from functools import cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NoOpNlpEngine
from pydantic import BaseModel, Field

from .name_recognizer import ClinicalNameRecognizer
from .phi_categories import PhiCategory
from .phi_patterns import pattern_recognizers

MIN_CONFIDENCE = 0.3


class PhiSpan(BaseModel):
    """One piece of PHI: its category, where it is in the text (`text[start:end]`), and how sure."""

    category: PhiCategory
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    confidence: float = Field(ge=0, le=1)


@cache
def analyzer() -> AnalyzerEngine:
    """The process's analyzer: built once, model-free."""
    recognizers = [ClinicalNameRecognizer(), *pattern_recognizers()]
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
    nlp_engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


def detect_phi(text: str) -> list[PhiSpan]:
    """Every PHI span in `text`, sorted and not overlapping."""
    if not text.strip():
        return []
    found = analyzer().analyze(text=text, language="en", score_threshold=MIN_CONFIDENCE)
    return merge_overlaps(found)


def merge_overlaps(results: list[RecognizerResult]) -> list[PhiSpan]:
    """One span per group of overlapping results: their union, with the most confident category."""
    merged: list[PhiSpan] = []
    group: list[RecognizerResult] = []
    group_end = -1
    for result in sorted(results, key=lambda r: (r.start, -r.end)):
        if group and result.start >= group_end:
            merged.append(_span(group))
            group = []
        group.append(result)
        group_end = max(group_end, result.end) if len(group) > 1 else result.end
    if group:
        merged.append(_span(group))
    return merged


def _span(group: list[RecognizerResult]) -> PhiSpan:
    best = max(group, key=lambda r: (r.score, r.end - r.start))
    return PhiSpan(
        category=PhiCategory(best.entity_type),
        start=min(r.start for r in group),
        end=max(r.end for r in group),
        confidence=round(best.score, 2),
    )
