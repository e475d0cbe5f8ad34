"""An embedded job queue for tests, started and closed around a block."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from codexcontinue.ml.jobs import JobServices, TaskCatalog
from codexcontinue.ml.jobs_local import LocalJobQueue
from codexcontinue.ml.runtime import LLMRuntime
from codexcontinue.packs.registry import PackRegistry
from codexcontinue.settings import CoreSettings
from codexcontinue.store import LocalStore


@asynccontextmanager
async def local_queue(
    settings: CoreSettings, make_llm: Callable[[PackRegistry, LocalStore], LLMRuntime] | None = None
) -> AsyncIterator[LocalJobQueue]:
    """An embedded job queue for the packs `settings` enable, started, on a store in the data folder;
    `make_llm(registry, store)` builds the LLM runtime its jobs get (none when left out)."""
    registry = PackRegistry(settings).load()
    store = LocalStore(settings.data_dir / "store")
    llm = make_llm(registry, store) if make_llm else None
    services = JobServices(settings=settings, registry=registry, store=store, llm=llm)
    queue = LocalJobQueue(TaskCatalog.from_registry(registry), services)
    await queue.start()
    try:
        yield queue
    finally:
        await queue.close()
        await store.close()
