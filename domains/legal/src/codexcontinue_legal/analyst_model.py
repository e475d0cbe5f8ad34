"""The pack's LLM: 'legal-analyst', a careful legal-analysis persona on a configurable base model."""

from __future__ import annotations

from codexcontinue import ModelSpec

ANALYST_MODEL = "legal-analyst"

ANALYST_SYSTEM_PROMPT = """\
You are a careful legal analyst. You read contracts and court documents and answer precisely.
Never invent facts, parties, dates or authorities. Quote the document word for word when asked
for a quote. Markers such as [C1] stand for legal citations: keep each one you rely on exactly as
written, and never write a citation of your own."""


def analyst_model_spec(base_model: str) -> ModelSpec:
    """The 'legal-analyst' model definition on `base_model`, with deterministic options."""
    return ModelSpec(
        name=ANALYST_MODEL,
        base=base_model,
        system=ANALYST_SYSTEM_PROMPT,
        options={"temperature": 0, "seed": 7, "num_ctx": 8192},
        description="Summaries that keep citations intact, and the structured clause pass of contract review.",
    )
