"""Routes of code analysis and function review: an uploaded archive or file, or pasted code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import Field

from codexcontinue import READ_SCOPE, InputError, LLMDep
from codexcontinue.ml.runtime import LLMRuntime

from .analysis import AnalysisReport, analyse
from .code_review import FunctionReview, review_function, review_target
from .deps import SettingsDep, StrictBody, read_upload
from .isolation import run_isolated
from .settings import DeveloperSettings
from .source_tree import ACCEPTED_UPLOADS, SourceTree, pasted_tree, unpacked_upload

router = APIRouter()
UploadDep = Annotated[UploadFile, File(description=f"The code: {ACCEPTED_UPLOADS}.")]


class PastedCode(StrictBody):
    """Python code sent as text."""

    filename: str = Field(default="snippet.py", description="The name it is analysed under, ending in .py.")
    code: str = Field(min_length=1)


class PastedReview(PastedCode):
    """Pasted code and the function in it to review."""

    function: str = Field(min_length=1, description="As the analysis names it: 'function' or 'Class.method'.")


@router.post("/analysis", openapi_extra=READ_SCOPE)
async def analyse_upload(settings: SettingsDep, file: UploadDep) -> AnalysisReport:
    """Analyse an uploaded zip or tar.gz archive, or a .py file: complexity, maintainability, security, lint."""
    name, content = file.filename or "upload", await read_upload(file, settings)
    async with unpacked_upload(name, content, settings) as tree:
        return await analyse(tree, settings)


@router.post("/analysis/code", openapi_extra=READ_SCOPE)
async def analyse_code(request: PastedCode, settings: SettingsDep) -> AnalysisReport:
    """Analyse pasted Python code."""
    with pasted_tree(request.filename, request.code, settings) as tree:
        return await analyse(tree, settings)


@router.post("/review", openapi_extra=READ_SCOPE)
async def review_upload(
    settings: SettingsDep,
    llm: LLMDep,
    file: UploadDep,
    path: Annotated[str, Form(description="The file in the upload, as the analysis names it.")],
    function: Annotated[str, Form(description="As the analysis names it: 'function' or 'Class.method'.")],
) -> FunctionReview:
    """Explain one function of an upload and comment on it (the 'developer-reviewer' model; needs Ollama)."""
    name, content = file.filename or "upload", await read_upload(file, settings)
    async with unpacked_upload(name, content, settings) as tree:
        return await _review(tree, path, function, llm, settings)


@router.post("/review/code", openapi_extra=READ_SCOPE)
async def review_code(request: PastedReview, settings: SettingsDep, llm: LLMDep) -> FunctionReview:
    """Explain one function of pasted code and comment on it (the 'developer-reviewer' model; needs Ollama)."""
    with pasted_tree(request.filename, request.code, settings) as tree:
        return await _review(tree, tree.files[0], request.function, llm, settings)


async def _review(
    tree: SourceTree, path: str, function: str, llm: LLMRuntime, settings: DeveloperSettings
) -> FunctionReview:
    """The analysis of the one file `path` of `tree`, then the model's review of `function` in it."""
    if path not in tree.files:
        listed = ", ".join(tree.files[:20])
        raise InputError(f"'{path}' is not a Python file of '{tree.label}'; its Python files: {listed}.")
    report = await analyse(tree, settings, only=[path])
    target = await run_isolated(
        review_target, tree, path, function, report.blocks,
        memory_bytes=settings.max_analysis_memory_bytes, processes=settings.max_analysis_processes,
    )  # fmt: skip
    return await review_function(llm, report, target)
