"""Error handling: every error is JSON a person can act on; no stack trace reaches a client."""

from __future__ import annotations

import logging
import secrets
import string

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from ..ml.errors import LLMError, LLMTimeout, LLMUnavailable, ModelNotFound
from ..store import StoreUnavailable
from ..invocation import with_runnable_commands
from .deps import authenticate, sent_token
from .request_info import AnswerStatus, pack_of, route_template
from .quotas import QuotaExceeded
from .validation_messages import describe_problem

log = logging.getLogger("codexcontinue.api")


def _answer(detail: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON error answer; a command the message names is written the way it runs on this machine."""
    return JSONResponse({"detail": with_runnable_commands(detail)}, status_code=status, headers=headers)


async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    if error.status_code == 404 and _unrouted_api_request(request):
        # Only a caller with a key learns that a path does not exist; the others get the 401 (or
        # 429) of any request without a valid key, and their failure counts the same way.
        try:
            await authenticate(request, sent_token(request))
        except StarletteHTTPException as refusal:
            error = refusal
        except QuotaExceeded as refusal:
            return await _quota_exceeded(request, refusal)
    if not isinstance(error.detail, str):
        return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
    return _answer(error.detail, error.status_code, error.headers)


def _unrouted_api_request(request: Request) -> bool:
    """An `/api/...` request no route took, from a caller not (yet) known by a key."""
    scope = request.scope
    return "route" not in scope and request.url.path.startswith("/api/") and "api_key" not in scope.get("state", {})


class InputError(ValueError):
    """What a user sent cannot be used: raise it anywhere in a pack, and the client gets `status`
    (422 by default; 413 for too much, 415 for an unsupported kind of file) with `message`, which
    says what is wrong and what to do instead."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


async def _input_error(request: Request, error: InputError) -> JSONResponse:
    return _answer(error.message, error.status)


class InvalidField(BaseModel):
    """One thing wrong with a request."""

    field: str
    message: str


class ValidationErrorAnswer(BaseModel):
    """The body of every 422: a sentence to show a person, and each problem on its own (a pack's
    own 422 may give only the sentence)."""

    detail: str
    errors: list[InvalidField] = []


def declare_validation_answer(app: FastAPI) -> None:
    """Make the OpenAPI document declare the 422 body the app really sends (`ValidationErrorAnswer`)
    instead of FastAPI's default, so clients and fuzzers can rely on it."""
    generate = app.openapi

    def openapi() -> dict:
        schema = generate()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        answer = ValidationErrorAnswer.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(answer.pop("$defs", {}))
        schemas["HTTPValidationError"] = answer
        schemas.pop("ValidationError", None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = [
        {"field": ".".join(str(part) for part in problem.get("loc", ()) if part != "body"), "message": sentence}
        for problem in error.errors()
        for sentence in [describe_problem(problem)]
    ]
    detail = " ".join(dict.fromkeys(p["message"] for p in problems)) or "The request could not be read."
    return JSONResponse({"detail": detail, "errors": problems}, status_code=422)


async def _quota_exceeded(request: Request, error: QuotaExceeded) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=429, headers={"Retry-After": str(error.retry_after)})


async def _store_unavailable(request: Request, error: StoreUnavailable) -> JSONResponse:
    log.warning("store unavailable on %s %s: %s", request.method, route_template(request.scope), error)
    return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "5"})


async def _llm_error(request: Request, error: LLMError) -> JSONResponse:
    """503 when no LLM (or model) is there, 504 when it is too slow, 502 when it answered badly."""
    if isinstance(error, (LLMUnavailable, ModelNotFound)):
        status = 503
    elif isinstance(error, LLMTimeout):
        status = 504
    else:
        status = 502
    log.warning("LLM error on %s %s: %s", request.method, route_template(request.scope), error)
    headers = {"Retry-After": "5"} if status == 503 else None
    return _answer(llm_unavailable_hint(error) if isinstance(error, LLMUnavailable) else _sentence(str(error)),
                   status, headers)  # fmt: skip


OLLAMA_DOWNLOAD = "https://ollama.com/download"


def llm_unavailable_hint(error: LLMUnavailable) -> str:
    """What a person reads when no LLM answers: what happened, and the three steps that fix it."""
    return (
        f"This feature needs the LLM, and none answers at {', '.join(error.hosts) or 'the configured address'}. "
        f"Install Ollama ({OLLAMA_DOWNLOAD}), start Ollama (`ollama serve`), then create the packs' models with "
        "`codexcontinue models ensure`. If Ollama runs on another machine, set CODEXCONTINUE_OLLAMA_HOSTS to "
        "its address."
    )


def _sentence(text: str) -> str:
    """`text` starting with a capital letter and ending with a full stop, as messages people read do."""
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


class UnexpectedErrors:
    """Answer an unhandled exception with a JSON 500 naming the pack and a reference in the log.

    As middleware inside Starlette's ServerErrorMiddleware it handles the error completely: that
    middleware would re-raise after answering, and uvicorn would then drop the kept-alive
    connection and log a second traceback without the reference.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        answer = AnswerStatus(send)
        try:
            await self.app(scope, receive, answer.send)
        except Exception as error:  # noqa: BLE001 - this is the last place an error can be answered
            if answer.started:
                raise  # half an answer is out: only closing the connection tells the client
            reference = "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))  # no digits: log
            # filters that mask long numbers (the health pack's PHI filter) leave it findable
            pack = pack_of(scope["path"])
            where = f"pack '{pack}'" if pack else "the core"
            log.error("unhandled error in %s on %s %s (reference %s)", where, scope["method"], route_template(scope),
                      reference, exc_info=error)  # fmt: skip
            await JSONResponse(
                {"detail": f"Internal error in {where} (reference {reference}); the server log has details."},
                status_code=500,
            )(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON error handlers on `app`."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StoreUnavailable, _store_unavailable)
    app.add_exception_handler(QuotaExceeded, _quota_exceeded)
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(LLMError, _llm_error)
