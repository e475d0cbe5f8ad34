"""LLM calls inside jobs: a stalled answer fails the job with LLMTimeout, and the job's own time
limit stops an answer that would outlast it (closing the stream, so Ollama stops generating)."""

from __future__ import annotations

import asyncio
import importlib
import time

import pytest
from distributions import install_pack
from job_queues import local_queue

from codexcontinue.ml.jobs import JobState
from codexcontinue.ml.jobs_local import LocalJobQueue
from codexcontinue.ml.ollama_backend import OllamaBackend
from codexcontinue.ml.runtime import LLMRuntime
from codexcontinue.testing.ollama_server import OllamaTestServer

OWNER = "a11ce0000000"
MODEL = "llama3.2:1b"
LLM_PACK_SOURCE = '''
"""A pack whose tasks ask the LLM: a structured verdict, within a short time limit or the default one."""
from pydantic import BaseModel

from codexcontinue import PackInfo, TaskSpec, hookimpl


class Verdict(BaseModel):
    label: str
    score: int


async def classify(context, text: str):
    """One structured LLM call."""
    result = await context.llm.generate("llama3.2:1b", text, pack="llmjob", schema=Verdict)
    return result.data


@hookimpl
def pack_info():
    return PackInfo(name="llmjob", title="LLM job")


@hookimpl
def register_tasks(register):
    register(TaskSpec(name="classify", function=classify))
    register(TaskSpec(name="classify_quickly", function=classify, timeout_s=1.0))
'''


@pytest.fixture
async def queue(jobs_site, embedded_settings, ollama_server: OllamaTestServer):
    install_pack(jobs_site, "llmjob", plugin_source=LLM_PACK_SOURCE)
    importlib.invalidate_caches()
    settings = embedded_settings.model_copy(update={"packs": ["llmjob"], "ollama_hosts": [ollama_server.url]})

    def make_llm(registry, store):
        return LLMRuntime(OllamaBackend(ollama_server.url, read_timeout=0.5), store, registry, cache_ttl=0)

    async with local_queue(settings, make_llm) as queue:
        yield queue


async def finished(queue: LocalJobQueue, job_id: str):
    events = [event async for event in queue.events(job_id, OWNER)]
    assert events[-1].final
    return await queue.get(job_id, OWNER)


async def test_a_job_whose_llm_answer_stalls_fails_with_llm_timeout(queue, ollama_server: OllamaTestServer) -> None:
    ollama_server.script_reply('{"label": "spam", "score": 3}')
    ollama_server.stall_stream(after_chunks=1)

    job = await asyncio.wait_for(finished(queue, await queue.submit("llmjob.classify", {"text": "Buy now"}, OWNER)), 10)

    assert job.state is JobState.FAILED
    assert job.error.startswith("Task 'llmjob.classify' failed: LLMTimeout: model 'llama3.2:1b' on ")
    assert "stopped answering: nothing for 0.5 s" in job.error


async def test_a_long_answer_within_its_jobs_time_completes_it(queue, ollama_server: OllamaTestServer) -> None:
    ollama_server.script_reply('{"label": "ham", "score": 1, "note": "' + " ".join(["word"] * 8) + '"}')
    ollama_server.chunk_delay = 0.2  # ~2.4 s in all: several read timeouts long, in short gaps

    job = await asyncio.wait_for(finished(queue, await queue.submit("llmjob.classify", {"text": "Hi"}, OWNER)), 20)

    assert job.state is JobState.COMPLETE and job.result == {"label": "ham", "score": 1}


async def test_the_jobs_time_limit_stops_an_answer_that_would_outlast_it(queue, ollama_server: OllamaTestServer) -> None:
    ollama_server.script_reply('{"label": "ham", "score": 1, "note": "' + " ".join(["word"] * 30) + '"}')
    ollama_server.chunk_delay = 0.2  # 6 s of steady pieces; the task may take 1 s

    started = time.monotonic()
    job = await asyncio.wait_for(finished(queue, await queue.submit("llmjob.classify_quickly", {"text": "Hi"}, OWNER)), 20)

    assert time.monotonic() - started < 4
    assert (job.state, job.error) == (JobState.FAILED, "Task 'llmjob.classify_quickly' timed out after 1 s.")
    deadline = time.monotonic() + 5
    while ollama_server.abandoned_count("/api/chat") == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert ollama_server.abandoned_count("/api/chat") == 1  # the stream was closed: Ollama stops generating
