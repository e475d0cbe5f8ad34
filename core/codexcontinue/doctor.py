"""`codexcontinue packs doctor`: for each installed pack, what is wrong and how to fix it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from .packs.registry import PackError, PackRegistry
from .packs.status import PackState, list_packs
from .settings import CoreSettings


@dataclass
class Finding:
    """One problem with one pack, and what to do about it."""

    pack: str
    problem: str
    fix: str


def diagnose(settings: CoreSettings) -> list[Finding]:
    """Every problem found: not importable, incompatible, bad settings, clashes, missing models."""
    findings: list[Finding] = []
    installed = {row.name for row in list_packs(settings)}
    for name in settings.packs:
        if name not in ("all", "announced") and name not in installed:
            findings.append(
                Finding(name, "CODEXCONTINUE_PACKS enables it but it is not installed.",
                        f"pip install codexcontinue-{name}, or remove it from CODEXCONTINUE_PACKS.")
            )  # fmt: skip
    try:
        registry = PackRegistry(settings.model_copy(update={"strict": False})).load()
    except PackError as error:  # only raised for strict mode, which is off here
        return [*findings, Finding("*", str(error), "Fix the error above.")]
    for status in registry.status_table():
        if status.state in (PackState.FAILED, PackState.INCOMPATIBLE):
            findings.append(Finding(status.name, status.error or status.state, status.fix or ""))
    findings += asyncio.run(_missing_models(settings, registry))
    return findings


async def _missing_models(settings: CoreSettings, registry: PackRegistry) -> list[Finding]:
    from .ml.errors import LLMError
    from .ml.models import model_table
    from .ml.ollama_backend import OllamaBackend

    specs = {name: registry.packs[name].models for name in registry.active() if registry.packs[name].models}
    if not specs:
        return []
    backend = OllamaBackend.from_settings(settings)
    try:
        findings = []
        for pack, pack_specs in specs.items():
            for row in await model_table(backend, pack_specs):
                if row.state != "ready":
                    findings.append(
                        Finding(pack, f"Model '{row.name}' is {row.state} in Ollama. {row.detail}".strip(),
                                f"codexcontinue models ensure --pack {pack}")
                    )  # fmt: skip
        return findings
    except LLMError as error:
        return [Finding(", ".join(specs), f"Cannot check the packs' models: {error}", "Start Ollama, then run this again.")]
    finally:
        await backend.aclose()
