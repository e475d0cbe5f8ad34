"""A structured note as FHIR resources: a document Bundle with a Composition, a Patient and Conditions.

Built and validated with `fhir.resources` (its R4B models: FHIR 4.3, the same wire format as R4 for
every element used here). The Composition has one section per SOAP part (LOINC-coded, with a
narrative); each assessment statement becomes a Condition, coded in ICD-10-CM when a code is written
in it or the search finds a close match; each negated finding becomes a Condition whose
verificationStatus is 'refuted' ('no chest pain' is recorded as chest pain: refuted). The Patient
carries no identifier: the note was de-identified before it got here.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from . import icd10
from .note_structuring import StructuredNote
from .soap_sections import Section

LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
SECTION_CODES = {
    Section.SUBJECTIVE: ("61150-9", "Subjective Narrative"),
    Section.OBJECTIVE: ("61149-1", "Objective Narrative"),
    Section.ASSESSMENT: ("51848-0", "Assessment note"),
    Section.PLAN: ("18776-5", "Plan of care note"),
}
CODE_IN_TEXT = re.compile(r"\b[A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?\b")
MATCH_SCORE = 97.0


def to_fhir_bundle(note: StructuredNote) -> dict[str, Any]:
    """The note as a FHIR document Bundle (JSON-ready dict), validated by fhir.resources."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"codexcontinue:health:{note.document_id}")
    patient_url = f"urn:uuid:{uuid.uuid5(namespace, 'patient')}"
    now = datetime.now(UTC).isoformat(timespec="seconds")
    conditions = [
        _condition(statement, patient_url, refuted=False)
        for statement in note.assessment
    ] + [_condition(f.text, patient_url, refuted=True) for f in note.findings if f.negated]
    entries = [
        _composition(note, patient_url, now),
        {"resourceType": "Patient", "id": str(uuid.uuid5(namespace, "patient")), "active": True},
        *conditions,
    ]
    urls = [f"urn:uuid:{uuid.uuid5(namespace, 'composition')}", patient_url] + [
        f"urn:uuid:{uuid.uuid5(namespace, f'condition-{index}')}" for index in range(len(conditions))
    ]
    for url, resource in zip(urls, entries):
        resource["id"] = url.removeprefix("urn:uuid:")
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "document",
            "identifier": {"system": "urn:codexcontinue:health:document", "value": note.document_id},
            "timestamp": now,
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in zip(urls, entries)],
        }
    )
    return bundle.model_dump(mode="json", exclude_none=True)


def _composition(note: StructuredNote, patient_url: str, now: str) -> dict[str, Any]:
    sections = []
    for section, (code, display) in SECTION_CODES.items():
        found = getattr(note, section.value)
        items = "".join(f"<li>{html.escape(s)}</li>" for s in found) or "<li>(none)</li>"
        sections.append(
            {
                "title": section.value.capitalize(),
                "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
                "text": {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><ul>{items}</ul></div>'},
            }
        )
    return {
        "resourceType": "Composition",
        "status": "final",
        "type": {"coding": [{"system": LOINC, "code": "11506-3", "display": "Progress note"}]},
        "subject": {"reference": patient_url},
        "date": now,
        "author": [{"display": "CodexContinue health pack (de-identified note)"}],
        "title": "De-identified clinical note (SOAP)",
        "section": sections,
    }


def _condition(statement: str, patient_url: str, *, refuted: bool) -> dict[str, Any]:
    coding = _icd10_coding(statement)
    condition: dict[str, Any] = {
        "resourceType": "Condition",
        "subject": {"reference": patient_url},
        "code": {"text": statement, **({"coding": [coding]} if coding else {})},
        "verificationStatus": {
            "coding": [{"system": VERIFICATION_STATUS, "code": "refuted" if refuted else "confirmed"}]
        },
    }
    if not refuted:
        condition["clinicalStatus"] = {"coding": [{"system": CLINICAL_STATUS, "code": "active"}]}
    return condition


def _icd10_coding(statement: str) -> dict[str, str] | None:
    """The ICD-10-CM code written in `statement`, else the search's best match when it is close."""
    for written in CODE_IN_TEXT.findall(statement.upper()):
        found = icd10.lookup(written)
        if found is not None:
            return {"system": ICD10CM, "code": found.code, "display": found.description}
    words = re.sub(r"\b(?:no|denies|negative for|without|history of|h/o)\b", " ", statement, flags=re.IGNORECASE)
    matches = icd10.search(words, limit=1)
    if matches and matches[0].score >= MATCH_SCORE:
        return {"system": ICD10CM, "code": matches[0].code, "display": matches[0].description}
    return None
