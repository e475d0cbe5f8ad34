"""The pack's LLM: 'finance-analyst', which explains computed figures in plain language and invents none."""

from __future__ import annotations

from codexcontinue import ModelSpec

ANALYST_MODEL = "finance-analyst"

ANALYST_SYSTEM_PROMPT = (
    "You explain portfolio and account figures in plain language for the person they belong to. "
    "Quote only the numbers you are given, written as given (rounding is fine); never compute, estimate "
    "or invent a number, and give no investment advice."
)


def analyst_model_spec() -> ModelSpec:
    """The 'finance-analyst' model definition, with deterministic options."""
    return ModelSpec(
        name=ANALYST_MODEL,
        base="llama3.2:3b",
        system=ANALYST_SYSTEM_PROMPT,
        options={"temperature": 0, "seed": 42, "num_ctx": 8192},
        description="Plain-language reports of a portfolio or an account from the pack's computed figures.",
    )
