"""Routes of documentation generation: an API reference, docstring coverage and drafted docstrings as a diff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import Field

from codexcontinue import READ_SCOPE, LLMDep
from codexcontinue.ml.runtime import LLMRuntime

from .deps import SettingsDep, StrictBody, read_upload
from .docstring_drafts import draft_docstrings
from .documentation import DocsReport, document
from .isolation import run_isolated
from .settings import DeveloperSettings
from .source_tree import ACCEPTED_UPLOADS, SourceTree, pasted_tree, unpacked_upload

router = APIRouter()
DRAFT_HELP = "Also draft docstrings for undocumented functions with the LLM, as a diff (needs Ollama)."


class PastedModule(StrictBody):
    """A Python module sent as text."""

    filename: str = Field(default="snippet.py", description="The module's file name, ending in .py.")
    code: str = Field(min_length=1)
    draft_docstrings: bool = Field(default=False, description=DRAFT_HELP)


@router.post("/docs", openapi_extra=READ_SCOPE)
async def document_upload(
    settings: SettingsDep,
    llm: LLMDep,
    file: Annotated[UploadFile, File(description=f"The package: {ACCEPTED_UPLOADS}.")],
    draft_docstrings: Annotated[bool, Form(description=DRAFT_HELP)] = False,
) -> DocsReport:
    """Document an uploaded package without importing it: API reference, coverage, optional drafts."""
    name, content = file.filename or "upload", await read_upload(file, settings)
    async with unpacked_upload(name, content, settings) as tree:
        return await _documented(tree, draft_docstrings, llm, settings)


@router.post("/docs/code", openapi_extra=READ_SCOPE)
async def document_code(request: PastedModule, settings: SettingsDep, llm: LLMDep) -> DocsReport:
    """Document pasted code as one module: API reference, coverage, optional drafts."""
    with pasted_tree(request.filename, request.code, settings) as tree:
        return await _documented(tree, request.draft_docstrings, llm, settings)


async def _documented(tree: SourceTree, drafts: bool, llm: LLMRuntime, settings: DeveloperSettings) -> DocsReport:
    """The report of `tree` (read in a child process), with the model's drafts when asked for."""
    documentation = await run_isolated(
        document, tree, settings.max_docstring_drafts if drafts else None,
        memory_bytes=settings.max_analysis_memory_bytes, processes=settings.max_analysis_processes,
    )  # fmt: skip
    report = documentation.report
    if drafts:
        report.drafts = await draft_docstrings(
            llm, documentation.sites, documentation.not_drafted, documentation.sources
        )
    return report
