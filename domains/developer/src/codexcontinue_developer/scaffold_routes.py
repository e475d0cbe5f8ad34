"""Routes of project scaffolding: the templates, their questions, and a rendered project as a zip."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from codexcontinue import READ_SCOPE
from codexcontinue.audit import record_resource_ids

from .deps import StrictBody
from .scaffolding import AnswersInvalid, render_archive
from .template_catalogue import TEMPLATES, TemplateInfo, template_named

router = APIRouter()


class ScaffoldRequest(StrictBody):
    """The answers to a template's questions; unanswered questions take their defaults."""

    answers: dict[str, str] = Field(default_factory=dict, examples=[{"name": "orders-api"}])


@router.get("/templates")
async def templates() -> list[TemplateInfo]:
    """The project templates, with the questions each asks."""
    return [template.info() for template in TEMPLATES.values()]


@router.get("/templates/{name}")
async def template(name: str) -> TemplateInfo:
    """One template and its questions."""
    record_resource_ids(name)  # recorded only when the template exists (the answer is then 200)
    return template_named(name).info()


@router.post(
    "/templates/{name}/project",
    openapi_extra=READ_SCOPE,
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "The project, one folder in a zip."},
               422: {"description": "Every wrong answer, in `detail` and in `problems`."}},
)  # fmt: skip
async def render_project(name: str, request: ScaffoldRequest) -> Response:
    """Render a project from a template and answer it as a zip download; 422 lists every wrong answer."""
    chosen = template_named(name)
    record_resource_ids(name)
    try:
        filename, content = await run_in_threadpool(render_archive, chosen, request.answers)
    except AnswersInvalid as error:
        problems = [problem.model_dump() for problem in error.problems]
        return JSONResponse({"detail": error.message, "problems": problems}, status_code=422)
    return Response(
        content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
