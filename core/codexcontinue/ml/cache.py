"""The LLM response cache over the `Store`, and single-flight sharing of identical calls in flight.

A cache key is the sha256 of everything that decides a reply: the model's digest (so recreating a
model in Ollama starts a fresh cache), the options, the messages, the JSON schema and `think`. Entries expire
after the configured TTL. A store that stops answering never fails an LLM call: the cache is skipped
and a warning logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from ..store import Store, StoreUnavailable

T = TypeVar("T")
KEY_PREFIX = "llm:cache:"

log = logging.getLogger(__name__)


def cache_key(
    digest: str,
    options: Mapping[str, Any],
    messages: Sequence[Mapping[str, Any]],
    schema: Mapping[str, Any] | None,
    think: bool | None = None,
) -> str:
    """The store key of one call: stable across processes and dict orderings."""
    material = {"digest": digest, "options": options, "messages": messages, "schema": schema}
    if think is not None:
        material["think"] = think
    canonical = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return KEY_PREFIX + hashlib.sha256(canonical.encode()).hexdigest()


class ResponseCache:
    """LLM replies in the store, as JSON documents, for `ttl` seconds (0 turns the cache off)."""

    def __init__(self, store: Store, ttl: float) -> None:
        self.store = store
        self.ttl = ttl

    @property
    def enabled(self) -> bool:
        """Whether replies are cached at all."""
        return self.ttl > 0

    async def get(self, key: str) -> dict[str, Any] | None:
        """The cached reply at `key`, or None (also when the store is down)."""
        try:
            return await self.store.get_json(key)
        except StoreUnavailable as error:
            log.warning("LLM cache skipped: %s", error)
            return None

    async def set(self, key: str, reply: dict[str, Any]) -> None:
        """Keep `reply` at `key` for the TTL (nothing happens when the store is down)."""
        try:
            await self.store.set_json(key, reply, ttl=self.ttl)
        except StoreUnavailable as error:
            log.warning("LLM reply not cached: %s", error)


class SingleFlight(Generic[T]):
    """Identical calls in flight in this process share one execution.

    `await flight.run(key, work)` runs `work()` unless a call with the same key is already running,
    in which case it waits for that one and gets its result (or its exception). Returns the result
    and whether this caller ran the work. A caller that is cancelled stops waiting; the work goes on
    for the others. Calls are shared within one event loop.
    """

    def __init__(self) -> None:
        self._running: dict[tuple[asyncio.AbstractEventLoop, str], asyncio.Future[T]] = {}

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """The result of `work()` for `key`, and True when this call ran it (False when it joined)."""
        slot = (asyncio.get_running_loop(), key)
        running = self._running.get(slot)
        if running is not None:
            return await asyncio.shield(running), False
        task = asyncio.ensure_future(work())
        self._running[slot] = task
        task.add_done_callback(lambda done: self._finished(slot, done))
        return await asyncio.shield(task), True

    @property
    def in_flight(self) -> int:
        """How many distinct calls are running now."""
        return len(self._running)

    def _finished(self, slot: tuple[asyncio.AbstractEventLoop, str], task: asyncio.Future[T]) -> None:
        if self._running.get(slot) is task:
            del self._running[slot]
        if not task.cancelled():
            task.exception()  # retrieved here, so a failure nobody waited for is not logged as lost
