"""The response cache on a real Redis, and single-flight: hits skip Ollama, identical concurrent calls share one."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client import CollectorRegistry
from pydantic import BaseModel

from codexcontinue.ml.cache import SingleFlight
from codexcontinue.ml.errors import LLMError
from codexcontinue.ml.metrics import MLMetrics
from codexcontinue.ml.models import ensure_models
from codexcontinue.ml.ollama_backend import OllamaBackend
from codexcontinue.ml.runtime import LLMRuntime
from codexcontinue.specs import ModelSpec
from codexcontinue.store import RedisStore
from codexcontinue.testing.ollama_server import OllamaTestServer

BASE_MODEL = "llama3.2:1b"  # as in conftest.py


class Answer(BaseModel):
    answer: str


@pytest.fixture
async def store(redis_url: str):
    store = RedisStore(redis_url)
    yield store
    await store.close()


@pytest.fixture
def collectors() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def runtime(ollama_server: OllamaTestServer, store: RedisStore, collectors: CollectorRegistry) -> LLMRuntime:
    return LLMRuntime(OllamaBackend(ollama_server.url), store, metrics=MLMetrics(collectors))


def counted(collectors: CollectorRegistry, name: str) -> float:
    return collectors.get_sample_value(f"codexcontinue_llm_{name}_total", {"model": BASE_MODEL, "pack": "core"}) or 0


async def test_a_repeated_call_is_answered_from_the_cache(
    runtime: LLMRuntime, ollama_server: OllamaTestServer, store: RedisStore, collectors: CollectorRegistry
) -> None:
    first = await runtime.generate(BASE_MODEL, "What is a tide?", options={"temperature": 0})
    second = await runtime.generate(BASE_MODEL, "What is a tide?", options={"temperature": 0})
    assert ollama_server.request_count("/api/chat") == 1
    assert second.cached and not first.cached
    assert second.text == first.text and second.completion_tokens == first.completion_tokens
    assert len(await store.keys("llm:cache:")) == 1
    assert counted(collectors, "cache_hits") == 1 and counted(collectors, "cache_misses") == 1


async def test_structured_replies_are_cached_validated(runtime: LLMRuntime, ollama_server: OllamaTestServer) -> None:
    ollama_server.script_reply("not json", {"answer": "high water"})
    first = await runtime.generate(BASE_MODEL, "What is a tide?", schema=Answer)
    second = await runtime.generate(BASE_MODEL, "What is a tide?", schema=Answer)
    assert second.cached and second.data == first.data == Answer(answer="high water")
    assert ollama_server.request_count("/api/chat") == 2  # the invalid reply and its retry, once


async def test_options_messages_and_schema_are_part_of_the_key(
    runtime: LLMRuntime, ollama_server: OllamaTestServer
) -> None:
    await runtime.generate(BASE_MODEL, "What is a tide?")
    assert not (await runtime.generate(BASE_MODEL, "What is a tide?", options={"temperature": 0.5})).cached
    assert not (await runtime.generate(BASE_MODEL, "What is a wave?")).cached
    assert not (await runtime.generate(BASE_MODEL, "What is a tide?", system="Be brief.")).cached
    assert not (await runtime.generate(BASE_MODEL, "What is a tide?", schema=Answer)).cached
    assert ollama_server.request_count("/api/chat") == 5


async def test_cache_false_bypasses_the_cache(
    runtime: LLMRuntime, ollama_server: OllamaTestServer, store: RedisStore
) -> None:
    for _ in range(2):
        assert not (await runtime.generate(BASE_MODEL, "Private question", cache=False)).cached
    assert ollama_server.request_count("/api/chat") == 2
    assert await store.keys("llm:cache:") == []


async def test_a_recreated_model_starts_a_fresh_cache(runtime: LLMRuntime, ollama_server: OllamaTestServer) -> None:
    runtime.digest_ttl = 0  # look the digest up on every call
    backend = runtime.backend
    await ensure_models(backend, [ModelSpec(name="demo-bot", base=BASE_MODEL, options={"temperature": 0.2})])
    await runtime.generate("demo-bot", "hi")
    assert (await runtime.generate("demo-bot", "hi")).cached
    await ensure_models(backend, [ModelSpec(name="demo-bot", base=BASE_MODEL, options={"temperature": 0.1})])
    assert not (await runtime.generate("demo-bot", "hi")).cached
    assert ollama_server.request_count("/api/chat") == 2


async def test_entries_expire_after_the_ttl(ollama_server: OllamaTestServer, store: RedisStore) -> None:
    runtime = LLMRuntime(OllamaBackend(ollama_server.url), store, cache_ttl=0.5)
    await runtime.generate(BASE_MODEL, "What is a tide?")
    assert (await runtime.generate(BASE_MODEL, "What is a tide?")).cached
    await asyncio.sleep(0.6)
    assert not (await runtime.generate(BASE_MODEL, "What is a tide?")).cached


async def test_a_store_that_is_down_only_costs_the_cache(ollama_server: OllamaTestServer, dead_url: str) -> None:
    store = RedisStore(dead_url.replace("http://", "redis://"))
    runtime = LLMRuntime(OllamaBackend(ollama_server.url), store)
    assert (await runtime.generate(BASE_MODEL, "hi")).text == "echo: hi"
    assert not (await runtime.generate(BASE_MODEL, "hi")).cached
    await store.close()


async def test_fifty_identical_concurrent_calls_make_one_upstream_call(
    runtime: LLMRuntime, ollama_server: OllamaTestServer, collectors: CollectorRegistry
) -> None:
    ollama_server.latency = 0.2
    results = await asyncio.gather(*(runtime.generate(BASE_MODEL, "What is a tide?") for _ in range(50)))
    assert ollama_server.request_count("/api/chat") == 1
    assert {r.text for r in results} == {"echo: What is a tide?"}
    assert counted(collectors, "cache_misses") == 1 and counted(collectors, "singleflight_shared") == 49


async def test_concurrent_identical_calls_share_a_failure_too(
    runtime: LLMRuntime, ollama_server: OllamaTestServer
) -> None:
    ollama_server.latency = 0.1
    ollama_server.fail_next(status=500, error="out of memory")
    results = await asyncio.gather(*(runtime.generate(BASE_MODEL, "hi") for _ in range(5)), return_exceptions=True)
    assert all(isinstance(r, LLMError) and "out of memory" in str(r) for r in results)
    assert ollama_server.request_count("/api/chat") == 1
    assert (await runtime.generate(BASE_MODEL, "hi")).text == "echo: hi"  # failures are not cached


async def test_a_cancelled_caller_leaves_the_shared_call_running() -> None:
    flight: SingleFlight[str] = SingleFlight()
    started = asyncio.Event()

    async def slow() -> str:
        started.set()
        await asyncio.sleep(0.05)
        return "done"

    leader = asyncio.create_task(flight.run("k", slow))
    await started.wait()
    follower = asyncio.create_task(flight.run("k", slow))
    await asyncio.sleep(0)
    leader.cancel()
    assert await follower == ("done", False)
    assert flight.in_flight == 0
