"""OllamaBackend against the Ollama test server: streaming, typed errors, timeouts and failover."""

from __future__ import annotations

import socket
import time

import pytest

from codexcontinue.ml.errors import LLMError, LLMStreamError, LLMTimeout, LLMUnavailable, ModelNotFound
from codexcontinue.ml.ollama_backend import OllamaBackend
from codexcontinue.settings import CoreSettings
from codexcontinue.testing.ollama_server import OllamaTestServer

BASE_MODEL, PULLABLE_MODEL = "llama3.2:1b", "qwen2.5:0.5b"  # as in conftest.py
USER = [{"role": "user", "content": "Tell me about the sea"}]


@pytest.mark.asyncio
async def test_chat_streams_chunks(ollama_server: OllamaTestServer) -> None:
    ollama_server.script_reply("Waves come and go all day.")
    async with OllamaBackend([ollama_server.url]) as backend:
        chunks = [c async for c in await backend.chat(BASE_MODEL, USER, stream=True)]
    assert len(chunks) >= 5 and chunks[-1].done and chunks[-1].eval_count == len(chunks) - 1
    assert "".join(c.message.content for c in chunks) == "Waves come and go all day."


@pytest.mark.asyncio
async def test_the_backend_built_from_settings_uses_their_hosts_and_timeouts(
    ollama_server: OllamaTestServer, codexcontinue_settings: CoreSettings
) -> None:
    settings = codexcontinue_settings.model_copy(
        update={"ollama_hosts": [ollama_server.url], "ollama_connect_timeout": 2.5, "ollama_read_timeout": 7.0}
    )
    async with OllamaBackend.from_settings(settings) as backend:
        assert (backend.hosts, backend.connect_timeout, backend.read_timeout) == ([ollama_server.url], 2.5, 7.0)
        assert await backend.ping() == ollama_server.version


@pytest.mark.asyncio
async def test_calls_answer_like_the_client(ollama_server: OllamaTestServer) -> None:
    async with OllamaBackend(ollama_server.url) as backend:
        assert await backend.ping() == ollama_server.version
        assert (await backend.chat(BASE_MODEL, USER)).message.content == "echo: Tell me about the sea"
        assert (await backend.generate(BASE_MODEL, "hi", system="Be brief.")).response == "echo: hi"
        streamed = [c.response async for c in await backend.generate(BASE_MODEL, "a b c", stream=True)]
        assert "".join(streamed) == "echo: a b c"
        vectors = await backend.embed(BASE_MODEL, ["one", "two"])
        assert len(vectors) == 2 and len(vectors[0]) == ollama_server.embedding_dim
        assert BASE_MODEL in [m["model"] for m in await backend.list_models()]


@pytest.mark.asyncio
async def test_pull_create_show_delete(ollama_server: OllamaTestServer) -> None:
    async with OllamaBackend([ollama_server.url]) as backend:
        progress = [p async for p in await backend.pull(PULLABLE_MODEL)]
        assert progress[0] == {"status": "pulling manifest"} and progress[-1] == {"status": "success"}
        assert any(p.get("total") and p.get("digest") for p in progress)

        steps = [p async for p in await backend.create("demo-bot", PULLABLE_MODEL, "You are a bot.", {"temperature": 0.1})]
        assert steps[-1] == {"status": "success"}
        shown = await backend.show("demo-bot")
        assert shown["system"] == "You are a bot." and "temperature" in shown["parameters"]

        await backend.delete("demo-bot")
        with pytest.raises(ModelNotFound):
            await backend.show("demo-bot")


@pytest.mark.asyncio
async def test_slow_answer_raises_llm_timeout(ollama_server: OllamaTestServer) -> None:
    ollama_server.latency = 1.0
    backend = OllamaBackend([ollama_server.url], connect_timeout=1.0, read_timeout=0.2)
    started = time.monotonic()
    with pytest.raises(LLMTimeout) as caught:
        await backend.chat(BASE_MODEL, USER)
    assert time.monotonic() - started < 0.9
    assert caught.value.host == ollama_server.url and "0.2 s" in str(caught.value)
    await backend.aclose()


@pytest.mark.asyncio
async def test_slow_stream_raises_llm_timeout_between_chunks(ollama_server: OllamaTestServer) -> None:
    ollama_server.script_reply("a b c d")
    ollama_server.chunk_delay = 1.0
    async with OllamaBackend([ollama_server.url], read_timeout=0.2) as backend:
        stream = await backend.chat(BASE_MODEL, USER, stream=True)
        with pytest.raises(LLMTimeout) as caught:
            async for _ in stream:
                pass
    assert caught.value.phase == "gap" and "stopped answering: nothing for 0.2 s" in str(caught.value)


@pytest.mark.asyncio
async def test_a_stream_of_steady_chunks_outlasts_the_read_timeout(ollama_server: OllamaTestServer) -> None:
    ollama_server.script_reply("one two three four five six seven eight")
    ollama_server.chunk_delay = 0.15
    async with OllamaBackend([ollama_server.url], read_timeout=0.5) as backend:
        started = time.monotonic()
        chunks = [c async for c in await backend.chat(BASE_MODEL, USER, stream=True)]
    assert time.monotonic() - started > 1.0  # twice the read timeout, in pieces shorter than it
    assert "".join(c.message.content for c in chunks) == "one two three four five six seven eight"


@pytest.mark.asyncio
async def test_think_reaches_ollama(ollama_server: OllamaTestServer) -> None:
    async with OllamaBackend([ollama_server.url]) as backend:
        await backend.chat(BASE_MODEL, USER, think=False)
        await backend.chat(BASE_MODEL, USER)
    sent = [r.body for r in ollama_server.requests if r.path == "/api/chat"]
    assert sent[0]["think"] is False and "think" not in sent[1]


@pytest.mark.asyncio
async def test_unreachable_host_raises_llm_unavailable(dead_url: str) -> None:
    async with OllamaBackend([dead_url], connect_timeout=1.0) as backend:
        for call in (backend.ping(), backend.chat(BASE_MODEL, USER), backend.chat(BASE_MODEL, USER, stream=True)):
            with pytest.raises(LLMUnavailable) as caught:
                await call
            assert dead_url in str(caught.value)
            assert "ollama serve" in str(caught.value) and "CODEXCONTINUE_OLLAMA_HOSTS" in str(caught.value)


@pytest.mark.asyncio
async def test_missing_model_raises_model_not_found(ollama_server: OllamaTestServer) -> None:
    async with OllamaBackend([ollama_server.url]) as backend:
        for call in (
            backend.chat("ghost:1b", USER),
            backend.chat("ghost:1b", USER, stream=True),
            backend.generate("ghost:1b", "hi"),
            backend.delete("ghost:1b"),
        ):
            with pytest.raises(ModelNotFound) as caught:
                await call
            assert caught.value.model == "ghost:1b"
            assert "'ghost:1b'" in str(caught.value) and "codexcontinue models ensure" in str(caught.value)


@pytest.mark.asyncio
async def test_create_reads_the_whole_stream_before_raising_its_error(ollama_server: OllamaTestServer) -> None:
    # Ollama 0.12.3 reports a base it cannot pull inside the create stream and goes on
    # (server/create.go: CreateHandler); create returns only when Ollama is done
    async with OllamaBackend([ollama_server.url]) as backend:
        steps = await backend.create("demo-x", "ghost:1b", "sys")
        seen = []
        with pytest.raises(LLMStreamError) as caught:
            async for step in steps:
                seen.append(step["status"])
        assert "pull model manifest: file does not exist" in str(caught.value)
        assert seen[0] == "pulling manifest" and seen[-2:] == ["writing manifest", "success"]
        assert "demo-x:latest" in [m["model"] for m in await backend.list_models()]  # what Ollama left
        with pytest.raises(ModelNotFound):
            await backend.show("demo-x")

        with pytest.raises(LLMStreamError, match="neither 'from' or 'files'"):
            await backend.create("demo-y", "")


@pytest.mark.asyncio
async def test_error_mid_stream_raises_llm_stream_error(ollama_server: OllamaTestServer) -> None:
    ollama_server.script_reply("one two three four five")
    ollama_server.fail_mid_stream(after_chunks=2, error="model runner crashed")
    received = []
    async with OllamaBackend([ollama_server.url]) as backend:
        with pytest.raises(LLMStreamError, match="model runner crashed"):
            async for chunk in await backend.chat(BASE_MODEL, USER, stream=True):
                received.append(chunk.message.content)
    assert received == ["one ", "two "]  # what came, and no final `done` chunk


@pytest.mark.asyncio
async def test_http_error_raises_llm_error_with_status(ollama_server: OllamaTestServer) -> None:
    ollama_server.fail_next(status=500, error="out of memory")
    async with OllamaBackend([ollama_server.url]) as backend:
        with pytest.raises(LLMError) as caught:
            await backend.chat(BASE_MODEL, USER)
    assert type(caught.value) is LLMError
    assert caught.value.status_code == 500 and "out of memory" in str(caught.value)


@pytest.mark.asyncio
async def test_failover_to_the_next_host(ollama_server: OllamaTestServer, dead_url: str) -> None:
    async with OllamaBackend([dead_url, ollama_server.url], connect_timeout=1.0) as backend:
        assert (await backend.chat(BASE_MODEL, USER)).done
        assert ollama_server.request_count("/api/chat") == 1
        assert backend.healthy_hosts == [ollama_server.url]  # the dead host cools down

        chunks = [c async for c in await backend.chat(BASE_MODEL, USER, stream=True)]
        assert chunks[-1].done and ollama_server.request_count("/api/chat") == 2


@pytest.mark.asyncio
async def test_all_hosts_down_names_every_host(dead_url: str) -> None:
    with socket.socket() as sock:  # a second port where nothing listens
        sock.bind(("127.0.0.1", 0))
        other = f"http://127.0.0.1:{sock.getsockname()[1]}"
    async with OllamaBackend([dead_url, other], connect_timeout=1.0) as backend:
        with pytest.raises(LLMUnavailable) as caught:
            await backend.list_models()
    assert dead_url in str(caught.value) and other in str(caught.value)
    assert caught.value.hosts == [dead_url, other]


@pytest.mark.asyncio
async def test_a_host_that_comes_back_is_used_again(dead_url: str) -> None:
    server = OllamaTestServer(models=[BASE_MODEL], port=int(dead_url.rsplit(":", 1)[1]))
    async with OllamaBackend([dead_url], connect_timeout=1.0, cooldown=60) as backend:
        with pytest.raises(LLMUnavailable):
            await backend.ping()
        assert backend.healthy_hosts == []
        async with server:
            assert await backend.ping() == server.version  # cooling hosts are still tried as a last resort
        assert backend.healthy_hosts == [dead_url]


@pytest.mark.asyncio
async def test_an_answer_holding_characters_httpx_takes_for_line_ends_arrives_whole(
    ollama_server: OllamaTestServer,
) -> None:
    # Ollama writes U+0085 unescaped; httpx's aiter_lines (the ollama client's) would split the line there.
    text = "before\x85middle\u2028after\x1cend"
    ollama_server.script_reply(text, text)
    async with OllamaBackend(ollama_server.url) as backend:
        chunks = [c async for c in await backend.chat(BASE_MODEL, USER, stream=True)]
        assert "".join(c.message.content for c in chunks) == text
        assert (await backend.chat(BASE_MODEL, USER)).message.content == text
