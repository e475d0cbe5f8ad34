"""Reading Ollama's streamed answers: every chunk within the call's overall deadline, reasoning kept out of the text.

Every LLM call streams, so the backend's read timeout bounds the wait for each piece and a long
answer that keeps coming is never cut by it. What bounds the whole call is a `Deadline`:

    deadline = Deadline.after(900)
    chunks = await deadline.wait(backend.chat(model, messages, stream=True), model)
    while (chunk := await deadline.next(chunks, model)) is not None:
        ...

A reasoning model that thinks in its reply text (Ollama puts it in a separate field only when
the request sets `think`) opens the reply with `<think>...</think>`; `ThinkingFilter` drops that
block from text that arrives in pieces, and `without_thinking` from a whole reply.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from typing import TypeVar

from .errors import LLMTimeout

__all__ = ["Deadline", "ThinkingFilter", "without_thinking"]

T = TypeVar("T")

OPEN_TAG, CLOSE_TAG = "<think>", "</think>"


@dataclass(frozen=True)
class Deadline:
    """When one LLM call must be done by (event-loop time), and the limit it came from, in seconds."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """A deadline `seconds` from now; must be called inside the event loop that will use it."""
        if not seconds > 0:
            raise ValueError(f"an LLM call's time limit must be more than 0 seconds, got {seconds!r}")
        return cls(asyncio.get_running_loop().time() + seconds, seconds)

    async def wait(self, step: Awaitable[T], model: str) -> T:
        """Await `step`, or raise `LLMTimeout` (phase "deadline") when the deadline comes first."""
        try:
            async with asyncio.timeout_at(self.at):
                return await step
        except TimeoutError:
            raise LLMTimeout(None, self.seconds, model, phase="deadline") from None

    async def next(self, chunks: AsyncIterator[T], model: str) -> T | None:
        """The next chunk of `chunks`, None at its end; `LLMTimeout` when the deadline comes first."""
        try:
            return await self.wait(anext(chunks), model)
        except StopAsyncIteration:
            return None


class ThinkingFilter:
    """Drops a reply's opening `<think>...</think>` block from text that arrives in pieces.

    Feed each piece to `feed`, which returns the text to pass on (possibly empty while it cannot
    tell yet), and call `finish` at the end for what it held back. Text that does not open with
    `<think>` (leading whitespace aside) passes unchanged; a block that never closes was all
    reasoning and no answer, so nothing of it is passed on.
    """

    def __init__(self) -> None:
        self._held = ""
        self._state = "start"  # "start": undecided, "thinking": inside the block, "after": skip blank, "text"

    def feed(self, piece: str) -> str:
        """The part of `piece` (with what was held back) that belongs to the answer."""
        if self._state == "text":
            return piece
        self._held += piece
        if self._state == "start":
            opening = self._held.lstrip()
            if OPEN_TAG.startswith(opening):  # blank so far, or a partial "<think>"
                return ""
            if not opening.startswith(OPEN_TAG):
                return self._release("text")
            self._held, self._state = opening[len(OPEN_TAG) :], "thinking"
        if self._state == "thinking":
            end = self._held.find(CLOSE_TAG)
            if end < 0:
                self._held = self._held[-(len(CLOSE_TAG) - 1) :]  # enough to see a tag split across pieces
                return ""
            self._held, self._state = self._held[end + len(CLOSE_TAG) :], "after"
        self._held = self._held.lstrip()
        return self._release("text") if self._held else ""

    def finish(self) -> str:
        """What was held back and belongs to the answer (text that only looked like a `<think>` start)."""
        held, self._held = self._held, ""
        return held if self._state in ("start", "text") else ""

    def _release(self, state: str) -> str:
        held, self._held, self._state = self._held, "", state
        return held


def without_thinking(text: str) -> str:
    """`text` without an opening `<think>...</think>` block."""
    thinking = ThinkingFilter()
    return thinking.feed(text) + thinking.finish()
