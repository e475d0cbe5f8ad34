"""A clinical note into SOAP: de-identify first, sections by rules, the LLM only if asked, negation kept.

The note is redacted (`[NAME]`, `[DATE]` ...) with the same detector as /deidentify before anything
else looks at it, so no PHI reaches the LLM. Headed sections are read by rules (soap_sections.py);
text under no header is placed sentence by sentence by the rules too, or, when the caller asks and
the LLM answers, by the 'health-clinician' model with a JSON schema. When the LLM cannot be used the
rules' placement is the answer and `llm_skipped` says why. Every statement of S, O and A becomes a
finding whose `negated` flag comes from the rules, never from the model.
"""

from __future__ import annotations

import re

from codexcontinue.cpu_work import run_cpu_bound
from codexcontinue.ml.errors import LLMError
from codexcontinue.ml.runtime import LLMRuntime
from pydantic import BaseModel, Field

from .deidentify import Deidentified, Mode, deidentify
from .negation import is_negated, negated_phrases
from .soap_sections import (
    Section,
    Sections,
    note_sentences,
    place_sentence,
    split_sections,
)

MODEL = "health-clinician"
PROMPT = (
    "Sort every statement of this de-identified clinical note into SOAP sections. Subjective: what the "
    "patient reports, history, medications. Objective: vitals, exam, labs, imaging. Assessment: diagnoses "
    "and impressions. Plan: treatment, orders, follow-up. Copy each statement's wording, keep negations "
    "such as 'no chest pain' exactly, keep placeholders such as [NAME] as they are, and add nothing.\n\n"
    "Note:\n{note}"
)


class LLMSoap(BaseModel):
    """What the model is asked for: the statements of free text, by section."""

    subjective: list[str] = Field(default_factory=list)
    objective: list[str] = Field(default_factory=list)
    assessment: list[str] = Field(default_factory=list)
    plan: list[str] = Field(default_factory=list)


class Finding(BaseModel):
    """A statement of the note as a finding: present, or stated as absent."""

    text: str
    section: Section
    negated: bool


class StructuredNote(BaseModel):
    """A de-identified note in SOAP sections, with its findings."""

    document_id: str
    subjective: list[str] = Field(default_factory=list)
    objective: list[str] = Field(default_factory=list)
    assessment: list[str] = Field(default_factory=list)
    plan: list[str] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    phi_removed: int = Field(ge=0, description="How many PHI spans were redacted before structuring.")
    llm_used: bool
    llm_skipped: str | None = Field(
        default=None, description="Why the LLM did not place the text without headings (the rules did), when it did not."
    )


async def structure_note(
    text: str, llm: LLMRuntime | None, *, key: bytes, use_llm: bool = True, cache: bool = False
) -> StructuredNote:
    """Structure `text`. The LLM is called only when `use_llm` and text without headings is left after
    the headed sections; `cache` allows its reply to be cached (off in HIPAA mode)."""
    redacted, sections, by_rules = await run_cpu_bound(_rule_pass, text, key)
    placed = {section: list(found) for section, found in sections.statements.items()}
    llm_used, skipped = False, None
    if sections.unsectioned:
        from_llm = None
        if not use_llm:
            skipped = "Not asked for: the rules placed the text without headings."
        elif llm is None:
            skipped = "No LLM is configured: the rules placed the text without headings."
        else:
            try:
                reply = await llm.generate(
                    MODEL, PROMPT.format(note=sections.unsectioned), pack="health", schema=LLMSoap, cache=cache
                )
                from_llm = reply.data
            except LLMError as error:
                skipped = f"The LLM is unavailable ({error}); the rules placed the text without headings."
        if isinstance(from_llm, LLMSoap):
            for section in Section:
                placed[section].extend(s.strip() for s in getattr(from_llm, section.value) if s.strip())
            llm_used = True
        else:
            for section, statement in by_rules:
                placed[section].append(statement)
    negated_in_note = negated_phrases(redacted.text)
    findings = [
        Finding(text=statement, section=section, negated=is_negated(statement) or _negated_in(statement, negated_in_note))
        for section in (Section.SUBJECTIVE, Section.OBJECTIVE, Section.ASSESSMENT)
        for statement in placed[section]
    ]
    return StructuredNote(
        document_id=redacted.document_id,
        **{section.value: placed[section] for section in Section},
        findings=findings,
        phi_removed=len(redacted.spans),
        llm_used=llm_used,
        llm_skipped=skipped,
    )


def _rule_pass(text: str, key: bytes) -> tuple[Deidentified, Sections, list[tuple[Section, str]]]:
    """The CPU part: redact, read the headed sections, place each sentence of the text without headings."""
    redacted = deidentify(text, Mode.REDACT, key=key)
    sections = split_sections(redacted.text)
    free = sections.unsectioned
    by_rules = [(place_sentence(free[start:end]), free[start:end].strip()) for start, end in note_sentences(free)]
    return redacted, sections, by_rules


def _negated_in(statement: str, negated: list[str]) -> bool:
    """Whether every word of `statement` lies inside one phrase the note negated."""
    words = set(re.findall(r"[a-z]{3,}", statement.lower()))
    return bool(words) and any(words <= set(re.findall(r"[a-z]{3,}", phrase.lower())) for phrase in negated)
