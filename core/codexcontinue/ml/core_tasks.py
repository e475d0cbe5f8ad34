"""The core's own background tasks, registered through `register_tasks` like a pack's: `core.generate`."""

from __future__ import annotations

from typing import Any

from ..specs import TaskSpec
from .jobs import JobContext

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
