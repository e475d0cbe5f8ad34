"""A clinical note into SOAP: de-identify first, sections by rules, the LLM only for free text, negation kept.

The note is redacted (`[NAME]`, `[DATE]` ...) before anything else looks at it, so no PHI reaches the
LLM. Headed sections are read by rules (soap_sections.py); text under no header goes to the
'health-clinician' model with a JSON schema. Every statement of S, O and A becomes a finding whose
`negated` flag comes from the rules, never from the model: a statement the model rewrote without
its 'no' is still negated when the note negated it.
"""

from __future__ import annotations

import re

from codexcontinue.ml.runtime import LLMRuntime
from pydantic import BaseModel, Field

from .deidentify import Mode, deidentify
from .negation import is_negated, negated_phrases
from .soap_sections import Section, split_sections, statements

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
    unsectioned: list[str] = Field(default_factory=list, description="Free text left unplaced (LLM pass off).")
    findings: list[Finding] = Field(default_factory=list)
    phi_removed: int = Field(ge=0, description="How many PHI spans were redacted before structuring.")
    llm_used: bool


async def structure_note(
    text: str, llm: LLMRuntime | None, *, key: bytes, use_llm: bool = True, cache: bool = False
) -> StructuredNote:
    """Structure `text`. The LLM is called only when `use_llm` and free text is left after the rules;
    `cache` allows its reply to be cached (off in HIPAA mode)."""
    redacted = deidentify(text, Mode.REDACT, key=key)
    sections = split_sections(redacted.text)
    placed = {section: list(found) for section, found in sections.statements.items()}
    unsectioned: list[str] = []
    llm_used = False
    if sections.unsectioned:
        if use_llm and llm is not None:
            reply = await llm.generate(
                MODEL, PROMPT.format(note=sections.unsectioned), pack="health", schema=LLMSoap, cache=cache
            )
            assert isinstance(reply.data, LLMSoap)
            for section in Section:
                placed[section].extend(s.strip() for s in getattr(reply.data, section.value) if s.strip())
            llm_used = True
        else:
            unsectioned = statements(sections.unsectioned)
    negated_in_note = negated_phrases(redacted.text)
    findings = [
        Finding(text=statement, section=section, negated=is_negated(statement) or _negated_in(statement, negated_in_note))
        for section in (Section.SUBJECTIVE, Section.OBJECTIVE, Section.ASSESSMENT)
        for statement in placed[section]
    ]
    return StructuredNote(
        document_id=redacted.document_id,
        **{section.value: placed[section] for section in Section},
        unsectioned=unsectioned,
        findings=findings,
        phi_removed=len(redacted.spans),
        llm_used=llm_used,
    )


def _negated_in(statement: str, negated: list[str]) -> bool:
    """Whether every word of `statement` lies inside one phrase the note negated."""
    words = set(re.findall(r"[a-z]{3,}", statement.lower()))
    return bool(words) and any(words <= set(re.findall(r"[a-z]{3,}", phrase.lower())) for phrase in negated)
