"""The 'developer-reviewer' model: code explanation, review comments and docstring drafts."""

from __future__ import annotations

from codexcontinue import ModelSpec

REVIEWER_MODEL = "developer-reviewer"

REVIEWER_SYSTEM_PROMPT = """\
You explain code and write review comments for Python developers. Ground every remark in the code
and the analysis results you are given (complexity, security and lint findings); never invent
behaviour the code does not have. Be specific: name the line and say what to change."""


def reviewer_model_spec(base_model: str) -> ModelSpec:
    """The 'developer-reviewer' model definition on `base_model`, with deterministic options."""
    return ModelSpec(
        name=REVIEWER_MODEL,
        base=base_model,
        system=REVIEWER_SYSTEM_PROMPT,
        options={"temperature": 0.2, "seed": 42, "num_ctx": 16384},
        description="Explains a function and writes review comments from its analysis; drafts docstrings.",
    )
