"""The health pack's hook implementations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from codexcontinue import (
    HealthReport,
    LLMCall,
    ModelSpec,
    PackContext,
    PackInfo,
    PageSpec,
    TaskSpec,
    hookimpl,
)
from codexcontinue.settings import load_pack_settings
from fastapi import APIRouter

from . import INFO
from .corpus_job import deidentify_corpus
from .deidentify import redact
from .phi_log_filter import PhiLogFilter, install, uninstall
from .routes import router
from .settings import HealthSettings

PAGES = Path(__file__).parent / "pages"
LOG_FILTER = PhiLogFilter()


@hookimpl
def pack_info() -> PackInfo:
    """The health pack's identity."""
    return INFO


@hookimpl
def pack_settings() -> type[HealthSettings]:
    """HIPAA mode, request limits, the pseudonym key and the clinician's base model."""
    return HealthSettings


@hookimpl
def api_router() -> APIRouter:
    """Routes served under /api/v1/health/."""
    return router


@hookimpl
def register_pages(register: Callable[[PageSpec], None]) -> None:
    """The health pack's Streamlit pages."""
    register(PageSpec(path=PAGES / "overview.py", title="Overview", slug="overview"))
    register(PageSpec(path=PAGES / "deidentify.py", title="De-identify", slug="deidentify", icon=":material/visibility_off:"))
    register(PageSpec(path=PAGES / "soap.py", title="Note to SOAP", slug="soap", icon=":material/notes:"))
    register(PageSpec(path=PAGES / "icd10.py", title="ICD-10 search", slug="icd10", icon=":material/search:"))


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    """`codexcontinue health eval --corpus DIR`: the de-identifier scored on your annotated notes."""
    from .commands import add_commands

    add_commands(cli)


@hookimpl
def register_tasks(register: Callable[[TaskSpec], None]) -> None:
    """'health.deidentify_corpus': a whole JSONL corpus, with progress events."""
    register(TaskSpec(name="deidentify_corpus", function=deidentify_corpus, timeout_s=900))


@hookimpl
def register_models(register: Callable[[ModelSpec], None]) -> None:
    """'health-clinician': structures de-identified notes into SOAP sections."""
    settings = load_pack_settings(INFO.name, HealthSettings)
    register(
        ModelSpec(
            name="health-clinician",
            base=settings.clinician_base_model,
            system=(
                "You structure de-identified clinical notes. Keep negations such as 'no chest pain' and never "
                "add findings that are not in the note."
            ),
            options={"temperature": 0, "seed": 42, "num_ctx": 8192},
        )
    )


def _hipaa_mode(context: PackContext) -> bool:
    """HIPAA mode as the pack's settings in `context` say; on when the context carries none."""
    settings = context.settings
    return settings.hipaa_mode if isinstance(settings, HealthSettings) else True


@hookimpl
def startup(context: PackContext) -> None:
    """In HIPAA mode, put the PHI filter on every log handler of the process."""
    if _hipaa_mode(context):
        install(LOG_FILTER)


@hookimpl
def shutdown(context: PackContext) -> None:
    """Take the PHI log filter off again."""
    uninstall(LOG_FILTER)


@hookimpl
def pack_health(context: PackContext) -> HealthReport:
    """Ready when the PHI detector answers (it needs no model and no network)."""
    redact("health check")
    return HealthReport(ok=True, detail="HIPAA mode on" if _hipaa_mode(context) else "HIPAA mode OFF")


@hookimpl
def before_llm_call(call: LLMCall) -> LLMCall | None:
    """The health pack's own calls, in HIPAA mode: never cached, and redacted once more.

    The hook gets no context, so it reads the pack's settings (about 0.25 ms, next to a call of seconds).
    """
    if call.pack != INFO.name or not load_pack_settings(INFO.name, HealthSettings).hipaa_mode:
        return None
    messages = [{**m, "content": redact(m["content"])} if isinstance(m.get("content"), str) else m for m in call.messages]
    return call.model_copy(update={"cacheable": False, "messages": messages})
