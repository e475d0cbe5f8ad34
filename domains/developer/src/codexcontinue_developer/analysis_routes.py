"""Routes of code analysis and function review: an uploaded archive or file, or pasted code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from codexcontinue import READ_SCOPE, InputError, LLMDep

from .analysis import AnalysisReport, analyse
from .code_review import FunctionReview, review_function
from .deps import SettingsDep, StrictBody, read_upload
from .settings import DeveloperSettings
from .source_tree import ACCEPTED_UPLOADS, SourceTree, pasted_tree, uploaded_tree

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

    def work() -> AnalysisReport:
        with uploaded_tree(name, content, settings) as tree:
            return analyse(tree, settings)

    return await run_in_threadpool(work)


@router.post("/analysis/code", openapi_extra=READ_SCOPE)
async def analyse_code(request: PastedCode, settings: SettingsDep) -> AnalysisReport:
    """Analyse pasted Python code."""

    def work() -> AnalysisReport:
        with pasted_tree(request.filename, request.code, settings) as tree:
            return analyse(tree, settings)

    return await run_in_threadpool(work)


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

    def work() -> tuple[str, AnalysisReport]:
        with uploaded_tree(name, content, settings) as tree:
            return _file_analysis(tree, path, settings)

    code, report = await run_in_threadpool(work)
    return await review_function(llm, code, report, path, function)


@router.post("/review/code", openapi_extra=READ_SCOPE)
async def review_code(request: PastedReview, settings: SettingsDep, llm: LLMDep) -> FunctionReview:
    """Explain one function of pasted code and comment on it (the 'developer-reviewer' model; needs Ollama)."""

    def work() -> tuple[str, AnalysisReport]:
        with pasted_tree(request.filename, request.code, settings) as tree:
            return _file_analysis(tree, tree.files[0], settings)

    code, report = await run_in_threadpool(work)
    return await review_function(llm, code, report, report.files[0].path, request.function)


def _file_analysis(tree: SourceTree, path: str, settings: DeveloperSettings) -> tuple[str, AnalysisReport]:
    """The text of one file of the tree and its analysis alone."""
    if path not in tree.files:
        listed = ", ".join(tree.files[:20])
        raise InputError(f"'{path}' is not a Python file of '{tree.label}'; its Python files: {listed}.")
    return tree.read(path), analyse(tree, settings, only=[path])
