"""Long answers and stalled ones: the read timeout bounds each silence, the call's deadline the whole.

Ollama sends nothing until a piece of the answer is ready, and a non-streamed answer not before
it is complete; the runtime streams every call, structured ones too, so a long answer that keeps
coming is never cut by the read timeout, while one that stops is.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from pydantic import BaseModel

from codexcontinue.ml.errors import LLMTimeout
from codexcontinue.ml.ollama_backend import OllamaBackend
from codexcontinue.ml.runtime import LLMRuntime
from codexcontinue.store import LocalStore
from codexcontinue.testing.ollama_server import OllamaTestServer

BASE_MODEL = "llama3.2:1b"  # as in conftest.py


class Summary(BaseModel):
    title: str
    score: int


def summary_in_pieces(pieces: int) -> str:
    """A JSON reply the server sends in `pieces` chunks (plus its final `done` line)."""
    words = " ".join(f"w{n}" for n in range(pieces - 3))  # plus {"title":, "score": and 7}
    return json.dumps({"title": words, "score": 7})


def runtime(server: OllamaTestServer, folder: Path, *, read_timeout: float, call_timeout: float = 900) -> LLMRuntime:
    backend = OllamaBackend(server.url, read_timeout=read_timeout)
    return LLMRuntime(backend, LocalStore(folder / "store"), cache_ttl=0, call_timeout=call_timeout)


async def wait_for_abandoned(server: OllamaTestServer, path: str) -> int:
    """How many streams the client closed early, once the server has noticed (within 5 s)."""
    deadline = time.monotonic() + 5
    while server.abandoned_count(path) == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return server.abandoned_count(path)


async def test_a_structured_answer_longer_than_the_read_timeout_arrives_in_pieces(
    ollama_server: OllamaTestServer, tmp_path: Path
) -> None:
    ollama_server.script_reply(summary_in_pieces(12), summary_in_pieces(12))
    ollama_server.chunk_delay = 0.15  # 12 pieces: about 1.7 s in all, each gap well under the 0.5 s read timeout
    llm = runtime(ollama_server, tmp_path, read_timeout=0.5)

    started = time.monotonic()
    result = await llm.generate(BASE_MODEL, "Summarise", schema=Summary)
    assert time.monotonic() - started > 1.5
    assert result.data == Summary(title=" ".join(f"w{n}" for n in range(9)), score=7)
    sent = next(r.body for r in ollama_server.requests if r.path == "/api/chat")
    assert (sent["stream"], sent["think"], sent["format"]) == (True, False, Summary.model_json_schema())

    with pytest.raises(LLMTimeout) as caught:  # the same answer asked for in one piece: nothing for 1.7 s
        await llm.backend.chat(BASE_MODEL, [{"role": "user", "content": "Summarise"}], stream=False)
    assert caught.value.phase == "first"


@pytest.mark.slow
async def test_a_structured_call_of_30_s_of_steady_chunks_succeeds_under_a_5_s_read_timeout(
    ollama_server: OllamaTestServer, tmp_path: Path
) -> None:
    ollama_server.script_reply(summary_in_pieces(30))
    ollama_server.chunk_delay = 1.0  # a chunk every second, the answer complete after 30 s
    llm = runtime(ollama_server, tmp_path, read_timeout=5)

    started = time.monotonic()
    result = await llm.generate(BASE_MODEL, "Summarise", schema=Summary)
    elapsed = time.monotonic() - started

    assert 29 < elapsed < 60
    assert result.data is not None and result.data.score == 7
    assert result.completion_tokens == 30


async def test_a_stream_that_stalls_longer_than_the_read_timeout_fails_with_llm_timeout(
    ollama_server: OllamaTestServer, tmp_path: Path
) -> None:
    ollama_server.script_reply(summary_in_pieces(10))
    ollama_server.stall_stream(after_chunks=3)  # then silence, like a hung runner
    llm = runtime(ollama_server, tmp_path, read_timeout=0.5)

    started = time.monotonic()
    with pytest.raises(LLMTimeout) as caught:
        await llm.generate(BASE_MODEL, "Summarise", schema=Summary)
    assert time.monotonic() - started < 3
    assert caught.value.phase == "gap" and caught.value.host == ollama_server.url
    assert f"model '{BASE_MODEL}' on {ollama_server.url} stopped answering: nothing for 0.5 s" in str(caught.value)
    assert await wait_for_abandoned(ollama_server, "/api/chat") == 1  # the connection is closed: Ollama stops


async def test_a_stream_that_stalls_fails_the_same_way(ollama_server: OllamaTestServer, tmp_path: Path) -> None:
    ollama_server.script_reply("one two three four five")
    ollama_server.stall_stream(after_chunks=2)
    llm = runtime(ollama_server, tmp_path, read_timeout=0.5)
    received = []
    with pytest.raises(LLMTimeout) as caught:
        async for piece in llm.stream(BASE_MODEL, "Count"):
            received.append(piece)
    assert received == ["one ", "two "] and caught.value.phase == "gap"


async def test_the_call_deadline_bounds_an_answer_that_keeps_coming(
    ollama_server: OllamaTestServer, tmp_path: Path
) -> None:
    ollama_server.script_reply(summary_in_pieces(40), summary_in_pieces(40), "one two three four five six seven eight")
    ollama_server.chunk_delay = 0.1  # 4 s in all, never silent for long
    llm = runtime(ollama_server, tmp_path, read_timeout=5, call_timeout=0.8)

    started = time.monotonic()
    with pytest.raises(LLMTimeout) as caught:
        await llm.generate(BASE_MODEL, "Summarise", schema=Summary)
    assert 0.7 < time.monotonic() - started < 2.5
    assert caught.value.phase == "deadline"
    assert str(caught.value) == (
        f"model '{BASE_MODEL}' did not finish its answer within 0.8 s; raise CODEXCONTINUE_LLM_CALL_TIMEOUT_S "
        f"(or pass timeout= to the call) for long answers"
    )
    assert await wait_for_abandoned(ollama_server, "/api/chat") == 1

    with pytest.raises(LLMTimeout, match="within 0.3 s"):  # a call's own limit
        await llm.generate(BASE_MODEL, "Summarise", schema=Summary, timeout=0.3)
    with pytest.raises(LLMTimeout, match="within 0.3 s"):
        async for _ in llm.stream(BASE_MODEL, "Count", timeout=0.3):
            pass


async def test_callers_sharing_one_call_each_keep_their_own_deadline(
    ollama_server: OllamaTestServer, tmp_path: Path
) -> None:
    ollama_server.script_reply(summary_in_pieces(12))
    ollama_server.chunk_delay = 0.1
    backend = OllamaBackend(ollama_server.url, read_timeout=5)
    llm = LLMRuntime(backend, LocalStore(tmp_path / "store"))  # cache on: identical calls share one flight

    patient = asyncio.create_task(llm.generate(BASE_MODEL, "Summarise", schema=Summary))
    await asyncio.sleep(0.05)
    with pytest.raises(LLMTimeout, match="within 0.3 s"):
        await llm.generate(BASE_MODEL, "Summarise", schema=Summary, timeout=0.3)
    assert (await patient).data is not None  # the shared call went on for the caller that could wait
    assert ollama_server.request_count("/api/chat") == 1


async def test_a_deadline_must_be_positive(ollama_server: OllamaTestServer, tmp_path: Path) -> None:
    llm = runtime(ollama_server, tmp_path, read_timeout=5)
    with pytest.raises(ValueError, match="more than 0 seconds"):
        await llm.generate(BASE_MODEL, "hi", timeout=0)
