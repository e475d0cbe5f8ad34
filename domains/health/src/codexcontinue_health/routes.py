"""HTTP routes of the health pack (mounted under /api/v1/health/).

The core audits every call (whatever the outcome, HIPAA mode or not); handlers name the resources
they touched with `record_resources` (document ids, ICD-10 codes), never text.
"""

from __future__ import annotations

import secrets
from contextlib import aclosing
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from codexcontinue import ApiKeyDep, LLMDep, PackInfo, pack_settings, record_resources
from codexcontinue.audit import AuditRecord
from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    HTTPException,
    Path,
    Query,
    Request,
    UploadFile,
)
from pydantic import BaseModel, ConfigDict, Field

from . import INFO, icd10
from .deidentify import Deidentified, Mode, ReplacedSpan, deidentify
from .fhir_export import to_fhir_bundle
from .health_route import PACK, HealthRoute
from .note_structuring import StructuredNote, structure_note
from .phi_categories import SAFE_HARBOR, PhiCategory
from .settings import HealthSettings
from .uploads import UploadRefused, note_text

router = APIRouter(route_class=HealthRoute)
SettingsDep = Annotated[HealthSettings, Depends(pack_settings(PACK))]
PROCESS_KEY = secrets.token_bytes(32)
DAY_S = 86400
LATE_S = 60  # records are appended in finishing order; one a little older may follow a newer one


class Strict(BaseModel):
    """Request bodies refuse fields they do not know, so nothing sent is ignored in silence."""

    model_config = ConfigDict(extra="forbid")


class CategoryInfo(BaseModel):
    """A PHI category and the Safe Harbor identifier it covers."""

    name: PhiCategory
    safe_harbor: str


class DeidentifyRequest(Strict):
    """A note to de-identify."""

    text: str = Field(min_length=1, description="The clinical note.")
    mode: Mode = Field(default=Mode.REDACT, description="redact, mask, pseudonym or dateshift.")
    include_original: bool = Field(default=False, description="Also return each span's original text.")


class SpanOut(ReplacedSpan):
    """A PHI span; `original` only when the request asked for it."""

    original: str | None = None


class DeidentifyResponse(BaseModel):
    """The de-identified note and where its PHI was."""

    document_id: str
    mode: Mode
    text: str
    spans: list[SpanOut]
    flags: list[str]


class NoteRequest(Strict):
    """A note to structure."""

    text: str = Field(min_length=1, description="The clinical note (PHI is removed before anything else).")
    use_llm: bool = Field(default=True, description="Let the LLM place free text that has no SOAP header.")


@router.get("/about")
async def about() -> PackInfo:
    """The pack's identity, as the UI's overview page shows it."""
    return INFO


@router.get("/phi-categories")
async def phi_categories() -> list[CategoryInfo]:
    """The PHI categories the de-identifier finds, with the HIPAA Safe Harbor identifier each covers."""
    return [CategoryInfo(name=category, safe_harbor=SAFE_HARBOR[category]) for category in PhiCategory]


@router.post("/deidentify")
async def deidentify_text(body: DeidentifyRequest, request: Request, settings: SettingsDep) -> DeidentifyResponse:
    """Find the PHI in a note and replace it; spans give category, offsets and confidence."""
    return _deidentified(body.text, body.mode, body.include_original, request, settings)


@router.post("/deidentify/upload")
async def deidentify_upload(
    request: Request,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="A UTF-8 text note (.txt or .md).")],
    mode: Annotated[Mode, Form()] = Mode.REDACT,
    include_original: Annotated[bool, Form()] = False,
) -> DeidentifyResponse:
    """De-identify an uploaded text file; images are refused (415) since a photo may show a face."""
    try:
        text = note_text(file.filename, file.content_type, await file.read())
    except UploadRefused as refused:
        raise HTTPException(refused.status, refused.message) from None
    return _deidentified(text, mode, include_original, request, settings)


@router.post("/soap")
async def note_to_soap(body: NoteRequest, request: Request, settings: SettingsDep, llm: LLMDep) -> StructuredNote:
    """A note in SOAP sections with its findings (negations kept); the LLM sees only redacted text."""
    _check_length(body.text, settings)
    note = await structure_note(
        body.text, llm, key=_key(settings), use_llm=body.use_llm, cache=not settings.hipaa_mode
    )
    record_resources(request, note.document_id)
    return note


@router.post("/soap/fhir")
async def note_to_fhir(body: NoteRequest, request: Request, settings: SettingsDep, llm: LLMDep) -> dict[str, Any]:
    """The structured note as a FHIR R4 document Bundle (Composition, Patient, Conditions)."""
    _check_length(body.text, settings)
    note = await structure_note(
        body.text, llm, key=_key(settings), use_llm=body.use_llm, cache=not settings.hipaa_mode
    )
    record_resources(request, note.document_id)
    return to_fhir_bundle(note)


@router.get("/icd10/codes/{code}")
async def icd10_code(code: Annotated[str, Path(max_length=16)], request: Request) -> icd10.Icd10Code:
    """One ICD-10-CM code with its description, parent, ancestors and children."""
    found = icd10.lookup(code)
    record_resources(request, icd10.normalize(code))  # the audit keeps it only when the code exists (not a 404)
    if found is None:
        raise HTTPException(404, icd10.check(code).message)
    return found


@router.get("/icd10/search")
async def icd10_search(
    request: Request,
    q: Annotated[str, Query(min_length=2, max_length=200, description="Words of a diagnosis, or a code prefix.")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[icd10.Icd10Match]:
    """Fuzzy search of ICD-10-CM descriptions (typos tolerated), best first."""
    matches = icd10.search(q, limit)
    record_resources(request, *(m.code for m in matches))
    return matches


@router.get("/icd10/validate")
async def icd10_validate(
    request: Request,
    codes: Annotated[str, Query(max_length=2000, description="Codes separated by commas: E11.9,I10")],
) -> list[icd10.CodeCheck]:
    """Validate codes: whether each exists and is billable, or what is wrong with it."""
    wanted = [c.strip() for c in codes.split(",") if c.strip()]
    if not wanted:
        raise HTTPException(422, "Give at least one code: ?codes=E11.9,I10")
    checks = [icd10.check(code) for code in wanted]
    record_resources(request, *(c.code for c in checks))
    return checks


@router.get("/audit")
async def audit_trail(
    key: ApiKeyDep,
    request: Request,
    day: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="UTC day, YYYY-MM-DD; today if left out.")] = None,
) -> list[AuditRecord]:
    """The health pack's records in the platform's audit trail for one UTC day (an admin key only)."""
    if not key.allows("admin"):
        raise HTTPException(403, "Reading the audit trail needs an API key with the 'admin' scope.")
    try:
        midnight = datetime.combine(date.fromisoformat(day) if day else datetime.now(UTC).date(), time.min, UTC)
    except ValueError:
        raise HTTPException(422, f"{day} is not a day of the calendar; give YYYY-MM-DD.") from None
    since = midnight.timestamp()
    end = since + DAY_S
    records = []
    async with aclosing(request.app.state.audit.export(since=since)) as trail:
        async for entry in trail:
            if entry.time >= end + LATE_S:
                break  # oldest first: nothing of that day is left
            if entry.pack == PACK and since <= entry.time < end:
                records.append(entry)
    return records


def _deidentified(
    text: str, mode: Mode, include_original: bool, request: Request, settings: HealthSettings
) -> DeidentifyResponse:
    _check_length(text, settings)
    result: Deidentified = deidentify(text, mode, key=_key(settings))
    record_resources(request, result.document_id)
    echo = include_original or not settings.hipaa_mode
    spans = [SpanOut(**s.model_dump(), original=text[s.start : s.end] if echo else None) for s in result.spans]
    return DeidentifyResponse(document_id=result.document_id, mode=mode, text=result.text, spans=spans, flags=result.flags)


def _check_length(text: str, settings: HealthSettings) -> None:
    if len(text) > settings.max_text_chars:
        raise HTTPException(
            413,
            f"The note has {len(text)} characters; the limit is {settings.max_text_chars}. Split it, or raise "
            "CODEXCONTINUE_HEALTH__MAX_TEXT_CHARS.",
        )


def _key(settings: HealthSettings) -> bytes:
    return settings.pseudonym_key.get_secret_value().encode() if settings.pseudonym_key else PROCESS_KEY
