"""Routes of documentation generation: an API reference, docstring coverage and drafted docstrings as a diff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from codexcontinue import READ_SCOPE, LLMDep
from codexcontinue.ml.runtime import LLMRuntime

from .api_reference import api_reference
from .deps import SettingsDep, StrictBody, read_upload
from .docstring_coverage import DocstringCoverage, docstring_coverage
from .docstring_drafts import DRAFTED_KINDS, DocstringDrafts, draft_docstrings
from .package_api import SkippedFile, read_api
from .settings import DeveloperSettings
from .source_tree import ACCEPTED_UPLOADS, SourceTree, pasted_tree, uploaded_tree

router = APIRouter()
DRAFT_HELP = "Also draft docstrings for undocumented functions with the LLM, as a diff (needs Ollama)."


class PastedModule(StrictBody):
    """A Python module sent as text."""

    filename: str = Field(default="snippet.py", description="The module's file name, ending in .py.")
    code: str = Field(min_length=1)
    draft_docstrings: bool = Field(default=False, description=DRAFT_HELP)


class DocsReport(BaseModel):
    """The API reference, the docstring coverage, what was left out, and the drafts when asked for."""

    source: str
    markdown: str = Field(description="The API reference in Markdown.")
    coverage: DocstringCoverage
    skipped: list[SkippedFile]
    drafts: DocstringDrafts | None = Field(default=None, description="Drafted docstrings; never applied.")


@router.post("/docs", openapi_extra=READ_SCOPE)
async def document_upload(
    settings: SettingsDep,
    llm: LLMDep,
    file: Annotated[UploadFile, File(description=f"The package: {ACCEPTED_UPLOADS}.")],
    draft_docstrings: Annotated[bool, Form(description=DRAFT_HELP)] = False,
) -> DocsReport:
    """Document an uploaded package without importing it: API reference, coverage, optional drafts."""
    name, content = file.filename or "upload", await read_upload(file, settings)

    def work() -> tuple[DocsReport, dict[str, str]]:
        with uploaded_tree(name, content, settings) as tree:
            return _document(tree)

    report, sources = await run_in_threadpool(work)
    return await _with_drafts(report, sources, draft_docstrings, llm, settings)


@router.post("/docs/code", openapi_extra=READ_SCOPE)
async def document_code(request: PastedModule, settings: SettingsDep, llm: LLMDep) -> DocsReport:
    """Document pasted code as one module: API reference, coverage, optional drafts."""

    def work() -> tuple[DocsReport, dict[str, str]]:
        with pasted_tree(request.filename, request.code, settings) as tree:
            return _document(tree)

    report, sources = await run_in_threadpool(work)
    return await _with_drafts(report, sources, request.draft_docstrings, llm, settings)


def _document(tree: SourceTree) -> tuple[DocsReport, dict[str, str]]:
    """The report without drafts, and the text of every file holding an undocumented function."""
    api = read_api(tree)
    coverage = docstring_coverage(api)
    report = DocsReport(
        source=tree.label, markdown=api_reference(tree.label, api), coverage=coverage, skipped=api.skipped
    )
    files = {item.file for item in coverage.undocumented if item.kind in DRAFTED_KINDS}
    return report, {file: tree.read(file) for file in files}


async def _with_drafts(
    report: DocsReport, sources: dict[str, str], wanted: bool, llm: LLMRuntime, settings: DeveloperSettings
) -> DocsReport:
    if wanted:
        report.drafts = await draft_docstrings(
            llm, sources, report.coverage.undocumented, settings.max_docstring_drafts
        )
    return report
