"""HTTP routes of the legal pack (mounted under /api/v1/legal/)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable
from datetime import date
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from codexcontinue import READ_SCOPE, LLMDep, OwnedStoreDep, PackInfo, pack_settings, record_resources
from codexcontinue.audit import record_resource_ids
from codexcontinue.cpu_work import run_cpu_bound
from codexcontinue.ml.errors import LLMError
from codexcontinue.ml.runtime import LLMRuntime

from . import INFO
from .categories import CATEGORIES
from .citations import Citation, annotate, extract_citations
from .clause_llm_pass import LLMPassReport, llm_clause_pass
from .deadlines import ComputedDeadline, DeadlineRuleError, compute_deadline, court_holidays, parse_rule
from .documents import ACCEPTED_TYPES, DocumentLimits, document_text
from .matters import (
    Deadline,
    Matter,
    MatterDocument,
    MatterFields,
    MatterStatus,
    MatterStore,
    MatterUpdate,
    Note,
)
from .contract_values import read_values
from .review import ContractReview, assemble, review_findings, scored_contract
from .settings import LegalSettings
from .summaries import DocumentSummary, summarise

router = APIRouter()
T = TypeVar("T")
SettingsDep = Annotated[LegalSettings, Depends(pack_settings("legal"))]


class Strict(BaseModel):
    """Request bodies refuse fields they do not know, so nothing sent is ignored in silence."""

    model_config = ConfigDict(extra="forbid")


class CategoryInfo(BaseModel):
    """A clause category the review detects."""

    name: str
    description: str


class CitationRequest(Strict):
    """Text to find citations in."""

    text: str = Field(min_length=1, description="An opinion, brief or any legal text.")
    annotate: bool = Field(default=True, description="Also return the text with the citations marked.")


class CitationResponse(BaseModel):
    """The citations found (up to `MAX_LISTED_CITATIONS`), how many of each kind, and the marked-up text."""

    citations: list[Citation]
    total: int = Field(description="How many citations the text holds; more than listed when `note` says so.")
    counts: dict[str, int] = Field(description="Citations of each kind, over all of them.")
    note: str | None = Field(default=None, description="Set when not every citation is listed or marked.")
    annotated_html: str | None = Field(
        default=None, description='The text, HTML-escaped, with each listed citation in <mark class="citation ...">.'
    )


MAX_LISTED_CITATIONS = 1000
"""Citations listed (and marked) in one answer; the counts cover all of them."""


class ContractTextRequest(Strict):
    """A contract given as text."""

    name: str = Field(default="contract.txt", min_length=1, max_length=300)
    text: str = Field(min_length=1)
    llm: bool = Field(
        default=False, description="Add the LLM's structured clause pass to the detector's findings."
    )


class ReviewResponse(ContractReview):
    """The contract review, with the report of the LLM pass when it was asked for."""

    llm_pass: LLMPassReport | None = None


class SummaryRequest(Strict):
    """A document to summarise."""

    text: str = Field(min_length=1)
    max_words: int = Field(default=200, ge=20, le=2000)


class DeadlineRequest(Strict):
    """A deadline rule and the date it counts from."""

    rule: str = Field(min_length=1, description="e.g. '30 days after service', '10 court days before trial'.")
    trigger_date: date


class DeadlineCreate(Strict):
    """A deadline for a matter: a due date, or a rule and the date it counts from."""

    title: str = Field(min_length=1, max_length=200)
    due: date | None = None
    rule: str | None = Field(default=None, description="e.g. '30 days after service'.")
    trigger_date: date | None = None


class DocumentCreate(Strict):
    """A document to file under a matter."""

    name: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=2000)


class NoteCreate(Strict):
    """A note to add to a matter."""

    text: str = Field(min_length=1, max_length=20_000)


# about and categories ------------------------------------------------------------------------


@router.get("/about")
async def about() -> PackInfo:
    """The pack's identity, as the UI's overview page shows it."""
    return INFO


@router.get("/categories")
async def categories() -> list[CategoryInfo]:
    """The CUAD clause categories the contract review detects."""
    return [CategoryInfo(name=c.name, description=c.description) for c in CATEGORIES]


# citations -----------------------------------------------------------------------------------


@router.post("/citations", openapi_extra=READ_SCOPE)
async def citations(request: CitationRequest, settings: SettingsDep) -> CitationResponse:
    """Find case, statute and regulation citations; short forms point at the citation they mean."""
    _check_size(request.text, settings.max_citation_bytes, "The text", "MAX_CITATION_BYTES")
    return await run_cpu_bound(_citations, request.text, request.annotate)


def _citations(text: str, marked: bool) -> CitationResponse:
    found = extract_citations(text)
    listed = found[:MAX_LISTED_CITATIONS]
    note = None
    if len(found) > len(listed):
        note = (
            f"The text holds {len(found):,} citations; the first {len(listed):,} are listed"
            f"{' and marked' if marked else ''}. Send a shorter part of the text to see the others."
        )
    return CitationResponse(
        citations=listed,
        total=len(found),
        counts=dict(Counter(c.kind for c in found)),
        note=note,
        annotated_html=annotate(text, listed) if marked else None,
    )


# contract review -----------------------------------------------------------------------------


@router.post("/contracts/review", openapi_extra=READ_SCOPE)
async def review_upload(
    settings: SettingsDep,
    runtime: LLMDep,
    file: Annotated[UploadFile, File(description=f"The contract: {ACCEPTED_TYPES}.")],
    llm: Annotated[
        bool, Form(description="Add the LLM's structured clause pass to the detector's findings.")
    ] = False,
) -> ReviewResponse:
    """Review an uploaded contract (.txt, .docx or text-based PDF)."""
    name = file.filename or "upload"
    content = await file.read(settings.max_upload_bytes + 1)
    if len(content) > settings.max_upload_bytes:
        raise HTTPException(413, _too_large(name, settings.max_upload_bytes, "MAX_UPLOAD_BYTES"))
    limits = DocumentLimits(max_text_characters=settings.max_text_bytes)
    text = await run_cpu_bound(document_text, name, content, limits)
    return await _review(name, text, settings, runtime if llm else None)


@router.post("/contracts/review-text", openapi_extra=READ_SCOPE)
async def review_text(request: ContractTextRequest, settings: SettingsDep, runtime: LLMDep) -> ReviewResponse:
    """Review a contract sent as text."""
    _check_size(request.text, settings.max_text_bytes, "The text")
    return await _review(request.name, request.text, settings, runtime if request.llm else None)


async def _review(name: str, text: str, settings: LegalSettings, runtime: LLMRuntime | None) -> ReviewResponse:
    scored = await run_cpu_bound(scored_contract, name, text)
    values = await run_cpu_bound(read_values, scored)
    findings = review_findings(scored, values)
    report = None
    if runtime is not None:
        try:
            added, report = await llm_clause_pass(runtime, text, scored.clauses, findings)
        except LLMError as error:
            report = LLMPassReport.skipped(str(error))
        else:
            findings = [*findings, *added]
    review = await run_cpu_bound(
        assemble, name, scored, values, findings, renewal_notice_risk_days=settings.renewal_notice_risk_days
    )
    return ReviewResponse(**review.model_dump(), llm_pass=report)


# summaries -----------------------------------------------------------------------------------


@router.post("/documents/summary", openapi_extra=READ_SCOPE)
async def document_summary(
    request: SummaryRequest, settings: SettingsDep, runtime: LLMDep
) -> DocumentSummary:
    """Summarise a document with the 'legal-analyst' model, its citations copied verbatim."""
    _check_size(request.text, settings.max_text_bytes, "The text")
    return await summarise(runtime, request.text, max_words=request.max_words)


# deadlines -----------------------------------------------------------------------------------


@router.post("/deadlines/compute", openapi_extra=READ_SCOPE)
async def deadline_compute(request: DeadlineRequest, settings: SettingsDep) -> ComputedDeadline:
    """Compute a due date from a rule such as '30 days after service' (holidays from settings)."""
    return _compute(request.rule, request.trigger_date, settings)


def _compute(rule_text: str, trigger_date: date, settings: LegalSettings) -> ComputedDeadline:
    try:
        rule = parse_rule(rule_text)
    except DeadlineRuleError as error:
        raise HTTPException(422, str(error)) from None
    years = range(trigger_date.year - 11, trigger_date.year + 12)
    holidays = court_holidays(settings.holidays, settings.federal_holidays, years)
    return compute_deadline(trigger_date, rule, holidays)


# matters -------------------------------------------------------------------------------------


@router.get("/matters")
async def matters_list(
    owned: OwnedStoreDep,
    status: Annotated[MatterStatus | None, Query(description="Only matters in this status.")] = None,
) -> list[Matter]:
    """Every matter of the caller's owner, most recently updated first."""
    return await MatterStore(owned).list(status)


@router.post("/matters", status_code=201)
async def matter_create(fields: MatterFields, owned: OwnedStoreDep, request: Request) -> Matter:
    """Open a new matter."""
    matter = await MatterStore(owned).create(fields)
    record_resources(request, matter.id)
    return matter


@router.get("/matters/{matter_id}")
async def matter_get(matter_id: str, owned: OwnedStoreDep) -> Matter:
    """One matter with its deadlines, documents and notes."""
    record_resource_ids(matter_id)
    return await _matter_call(MatterStore(owned).get(matter_id))


@router.patch("/matters/{matter_id}")
async def matter_update(matter_id: str, change: MatterUpdate, owned: OwnedStoreDep) -> Matter:
    """Change a matter's title, client, opposing parties, court or status."""
    record_resource_ids(matter_id)
    return await _matter_call(MatterStore(owned).update(matter_id, change))


@router.delete("/matters/{matter_id}", status_code=204)
async def matter_delete(matter_id: str, owned: OwnedStoreDep) -> Response:
    """Delete a matter and everything filed under it."""
    record_resource_ids(matter_id)
    await _matter_call(MatterStore(owned).delete(matter_id))
    return Response(status_code=204)


@router.post("/matters/{matter_id}/deadlines", status_code=201)
async def matter_add_deadline(
    matter_id: str, request: DeadlineCreate, owned: OwnedStoreDep, settings: SettingsDep
) -> Matter:
    """Add a deadline: give `due`, or a `rule` and its `trigger_date` to have it computed."""
    record_resource_ids(matter_id)
    if request.due is not None and request.rule is None and request.trigger_date is None:
        deadline = Deadline(title=request.title, due=request.due)
    elif request.due is None and request.rule and request.trigger_date:
        computed = _compute(request.rule, request.trigger_date, settings)
        deadline = Deadline(
            title=request.title, due=computed.due, rule=request.rule, trigger_date=request.trigger_date,
            day_kind=computed.rule.day_kind, explanation=computed.explanation,
        )  # fmt: skip
    else:
        raise HTTPException(
            422,
            "Give either 'due' (a date), or both 'rule' (e.g. '30 days after service') and 'trigger_date'.",
        )
    return await _matter_call(MatterStore(owned).add_deadline(matter_id, deadline))


@router.delete("/matters/{matter_id}/deadlines/{deadline_id}")
async def matter_remove_deadline(matter_id: str, deadline_id: str, owned: OwnedStoreDep) -> Matter:
    """Remove a deadline from a matter."""
    record_resource_ids(matter_id, deadline_id)
    return await _matter_call(MatterStore(owned).remove_deadline(matter_id, deadline_id))


@router.post("/matters/{matter_id}/documents", status_code=201)
async def matter_add_document(matter_id: str, request: DocumentCreate, owned: OwnedStoreDep) -> Matter:
    """File a document reference (name and description) under a matter."""
    record_resource_ids(matter_id)
    document = MatterDocument(name=request.name, description=request.description)
    return await _matter_call(MatterStore(owned).add_document(matter_id, document))


@router.post("/matters/{matter_id}/notes", status_code=201)
async def matter_add_note(matter_id: str, request: NoteCreate, owned: OwnedStoreDep) -> Matter:
    """Add a note to a matter."""
    record_resource_ids(matter_id)
    return await _matter_call(MatterStore(owned).add_note(matter_id, Note(text=request.text)))


async def _matter_call(call: Awaitable[T]) -> T:
    """Await a `MatterStore` call, turning "no such matter or deadline" into a 404."""
    try:
        return await call
    except LookupError as error:
        raise HTTPException(404, str(error)) from None


# limits --------------------------------------------------------------------------------------


def _check_size(text: str, limit: int, what: str, setting: str = "MAX_TEXT_BYTES") -> None:
    if len(text.encode()) > limit:
        raise HTTPException(413, _too_large(what, limit, setting))


def _too_large(what: str, limit: int, setting: str) -> str:
    return (
        f"{what} is larger than the limit of {limit / 1_048_576:.1f} MiB ({limit:,} bytes); send a smaller "
        f"document (or the part of it you need reviewed). An administrator can raise CODEXCONTINUE_LEGAL__{setting}."
    )
