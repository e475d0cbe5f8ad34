"""HTTP routes of the health pack (mounted under /api/v1/health/).

The core audits every call (whatever the outcome, HIPAA mode or not); handlers name the resources
they touched with `record_resources` (document ids, ICD-10 codes), never text.
"""

from __future__ import annotations

from contextlib import aclosing
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from codexcontinue import ApiKeyDep, LLMDep, OwnedStoreDep, PackInfo, pack_settings, record_resources
from codexcontinue.audit import AuditRecord
from codexcontinue.cpu_work import checkpoint, run_cpu_bound
from codexcontinue.ml.jobs import JobState
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
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from . import INFO, icd10
from .corpus_job import (
    RESULT,
    UPLOAD,
    UPLOAD_TTL_S,
    CorpusRefused,
    new_upload_id,
    read_notes,
    seal,
)
from .deidentify import Deidentified, Mode, ReplacedSpan, deidentify
from .fhir_export import to_fhir_bundle
from .health_route import PACK, HealthRoute, forget_path_parameters
from .note_keys import pack_key
from .note_structuring import StructuredNote, structure_note
from .phi_categories import SAFE_HARBOR, PhiCategory
from .settings import HealthSettings
from .uploads import UploadRefused, note_text

router = APIRouter(route_class=HealthRoute)
SettingsDep = Annotated[HealthSettings, Depends(pack_settings(PACK))]
MAX_CODE_CHARS = 16
NoteId = Annotated[str, StringConstraints(min_length=1, max_length=200)] | int
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


class BatchNote(Strict):
    """One note of a batch, with the caller's id for it (echoed back; never audited)."""

    id: NoteId = Field(description="Your id for the note (a string of at most 200 characters, or a number).")
    text: str = Field(min_length=1, description="The clinical note.")


class BatchRequest(Strict):
    """Notes to de-identify in one call."""

    mode: Mode = Field(default=Mode.REDACT, description="redact, mask, pseudonym or dateshift.")
    notes: list[BatchNote] = Field(min_length=1, description="The notes, each with your id.")
    include_original: bool = Field(default=False, description="Also return each span's original text.")


class BatchResult(BaseModel):
    """One de-identified note of a batch."""

    id: NoteId
    document_id: str
    text: str
    spans: list[SpanOut]
    flags: list[str]


class BatchResponse(BaseModel):
    """The de-identified notes, in the order they were sent."""

    mode: Mode
    results: list[BatchResult]


class CorpusAccepted(BaseModel):
    """A corpus job: its id and where to follow it and fetch its result."""

    id: str
    state: JobState
    notes: int
    status_url: str
    events_url: str
    result_url: str


class NoteRequest(Strict):
    """A note to structure."""

    text: str = Field(min_length=1, description="The clinical note (PHI is removed before anything else).")
    use_llm: bool = Field(
        default=True,
        description="Let the LLM place free text that has no SOAP header; when it is unavailable the rules place it and `llm_skipped` says why.",
    )


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
    return await _deidentified(body.text, body.mode, body.include_original, request, settings)


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
    return await _deidentified(text, mode, include_original, request, settings)


@router.post("/deidentify/batch")
async def deidentify_batch(body: BatchRequest, request: Request, settings: SettingsDep) -> BatchResponse:
    """De-identify up to `MAX_BATCH_NOTES` notes in one call; the results come back in the order sent."""
    if len(body.notes) > settings.max_batch_notes:
        raise HTTPException(
            413,
            f"The batch has {len(body.notes)} notes; the limit is {settings.max_batch_notes}. Send them in batches "
            f"of {settings.max_batch_notes}, or upload them all as one JSONL file to /deidentify/corpus.",
        )
    for number, note in enumerate(body.notes, 1):
        _check_length(note.text, settings, f"Note {number} (id {note.id!r})")
    results = await run_cpu_bound(_deidentify_all, [n.text for n in body.notes], body.mode, pack_key(settings))
    record_resources(request, *(r.document_id for r in results))
    echo = body.include_original or not settings.hipaa_mode
    return BatchResponse(
        mode=body.mode,
        results=[
            BatchResult(id=note.id, document_id=r.document_id, text=r.text, spans=_spans_out(r, note.text, echo), flags=r.flags)
            for note, r in zip(body.notes, results)
        ],
    )


@router.post("/deidentify/corpus", status_code=202)
async def deidentify_corpus_job(
    request: Request,
    settings: SettingsDep,
    key: ApiKeyDep,
    owned: OwnedStoreDep,
    file: Annotated[UploadFile, File(description='JSONL, one note a line: {"id": "n1", "text": "..."}.')],
    mode: Annotated[Mode, Form()] = Mode.REDACT,
) -> CorpusAccepted:
    """Start a job that de-identifies a whole corpus; follow its progress at `events_url`."""
    try:
        notes = read_notes(await file.read(), settings.max_corpus_notes, settings.max_text_chars)
    except CorpusRefused as refused:
        raise HTTPException(422, f"{file.filename or 'The upload'}: {refused}") from None
    upload = new_upload_id()
    await owned.set(seal(notes, settings), UPLOAD, upload, ttl=UPLOAD_TTL_S)
    arguments = {"upload": upload, "mode": mode.value}
    job_id = await request.app.state.jobs.submit("health.deidentify_corpus", arguments, owner=key.owner, submitted_by=key.prefix)
    record_resources(request, f"job-{job_id}")
    status_url = f"/api/v1/jobs/{job_id}"
    return CorpusAccepted(
        id=job_id,
        state=JobState.QUEUED,
        notes=len(notes),
        status_url=status_url,
        events_url=f"{status_url}/events",
        result_url=f"/api/v1/health/deidentify/corpus/{job_id}/result",
    )


@router.get("/deidentify/corpus/{job_id}/result")
async def deidentify_corpus_result(
    job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")], request: Request, key: ApiKeyDep, owned: OwnedStoreDep
) -> Response:
    """The de-identified corpus as JSONL (one `{"id", "document_id", "text", "spans", "flags"}` a line)."""
    job = await request.app.state.jobs.get(job_id, key.owner)
    if job is None or job.task != "health.deidentify_corpus":
        raise HTTPException(404, f"No corpus job {job_id!r} for this API key.")
    record_resources(request, f"job-{job_id}")
    if job.state is not JobState.COMPLETE:
        detail = job.error if job.state is JobState.FAILED else f"The job is {job.state.value} ({job.message or 'waiting'}); follow /api/v1/jobs/{job_id}/events."
        raise HTTPException(409, detail)
    result = await owned.get(RESULT, job_id)
    if result is None:
        raise HTTPException(410, "The result was kept 24 hours and is gone; run the job again.")
    headers = {"Content-Disposition": f'attachment; filename="deidentified-{job_id}.jsonl"'}
    return Response(result, media_type="application/x-ndjson", headers=headers)


@router.post("/soap")
async def note_to_soap(body: NoteRequest, request: Request, settings: SettingsDep, llm: LLMDep) -> StructuredNote:
    """A note in SOAP sections with its findings (negations kept); the LLM sees only redacted text."""
    _check_length(body.text, settings)
    note = await structure_note(body.text, llm, key=pack_key(settings), use_llm=body.use_llm, cache=not settings.hipaa_mode)
    record_resources(request, note.document_id)
    return note


@router.post("/soap/fhir")
async def note_to_fhir(body: NoteRequest, request: Request, settings: SettingsDep, llm: LLMDep) -> dict[str, Any]:
    """The structured note as a FHIR R4 document Bundle (Composition, Patient, Conditions)."""
    _check_length(body.text, settings)
    note = await structure_note(body.text, llm, key=pack_key(settings), use_llm=body.use_llm, cache=not settings.hipaa_mode)
    record_resources(request, note.document_id)
    return await run_cpu_bound(to_fhir_bundle, note)


@router.get("/icd10/codes/{code}")
async def icd10_code(code: Annotated[str, Path(description="An ICD-10-CM code: E11.9, e119, I10.")], request: Request) -> icd10.Icd10Code:
    """One ICD-10-CM code with its description, parent, ancestors and children."""
    forget_path_parameters(request)  # the audit names the code only once the tables know it
    if len(code) > MAX_CODE_CHARS:
        raise HTTPException(422, f"An ICD-10-CM code has at most {MAX_CODE_CHARS} characters (E11.9); search by description with /icd10/search.")
    found = await run_cpu_bound(icd10.lookup, code)  # the first use loads the tables: seconds of CPU
    if found is None:
        raise HTTPException(404, icd10.check(code).message)
    record_resources(request, found.code)  # only a code the tables know: never what the caller typed
    return found


@router.get("/icd10/search")
async def icd10_search(
    request: Request,
    q: Annotated[str, Query(min_length=2, max_length=200, description="Words of a diagnosis, or a code prefix.")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[icd10.Icd10Match]:
    """Fuzzy search of ICD-10-CM descriptions (typos tolerated), best first."""
    matches = await run_cpu_bound(icd10.search, q, limit)
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
    checks = await run_cpu_bound(lambda: [icd10.check(code) for code in wanted])
    record_resources(request, *(c.code for c in checks if c.valid))  # never what the caller typed
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


async def _deidentified(
    text: str, mode: Mode, include_original: bool, request: Request, settings: HealthSettings
) -> DeidentifyResponse:
    _check_length(text, settings)
    result: Deidentified = await run_cpu_bound(deidentify, text, mode, key=pack_key(settings))
    record_resources(request, result.document_id)
    spans = _spans_out(result, text, include_original or not settings.hipaa_mode)
    return DeidentifyResponse(document_id=result.document_id, mode=mode, text=result.text, spans=spans, flags=result.flags)


def _spans_out(result: Deidentified, text: str, echo: bool) -> list[SpanOut]:
    return [
        SpanOut.model_construct(
            category=s.category, start=s.start, end=s.end, confidence=s.confidence, replacement=s.replacement,
            original=text[s.start : s.end] if echo else None,
        )
        for s in result.spans
    ]


def _deidentify_all(texts: list[str], mode: Mode, key: bytes) -> list[Deidentified]:
    results = []
    for text in texts:
        checkpoint()
        results.append(deidentify(text, mode, key=key))
    return results


def _check_length(text: str, settings: HealthSettings, what: str = "The note") -> None:
    if len(text) > settings.max_text_chars:
        raise HTTPException(
            413,
            f"{what} has {len(text)} characters; the limit is {settings.max_text_chars}. Split it into shorter notes.",
        )
