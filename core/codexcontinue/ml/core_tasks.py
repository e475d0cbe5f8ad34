"""The core's own background tasks, registered through `register_tasks` like a pack's: `core.generate`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..specs import TaskSpec
from .jobs import JobContext

if TYPE_CHECKING:
    from ..packs.registry import PackRegistry

GENERATE_TIMEOUT_S = 900.0


async def generate(
    context: JobContext,
    model: str,
    prompt: str,
    system: str | None = None,
    options: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Stream `model`'s reply to `prompt` as token events; the result is the whole text."""
    pieces: list[str] = []
    async for piece in context.llm.stream(model, prompt, system=system, options=options):
        pieces.append(piece)
        await context.emit(piece)
    return {"model": model, "text": "".join(pieces)}


CORE_TASKS = [TaskSpec(name="generate", function=generate, timeout_s=GENERATE_TIMEOUT_S)]


def core_task_scope(arguments: dict[str, Any], registry: PackRegistry) -> str:
    """The scope a key needs to submit a core task, which calls the model named by its `model`
    argument: '<pack>:write' of the active pack that defines that model, and 'admin' for any other
    model (a base model, which no pack's scopes cover)."""
    model = str(arguments.get("model", "")).removesuffix(":latest")
    for pack, loaded in registry.packs.items():
        if any(spec.name == model for spec in loaded.models):
            return f"{pack}:write"
    return "admin"
