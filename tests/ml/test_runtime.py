"""LLMRuntime over real HTTP to the Ollama test server: streaming, structured output, hooks, metrics, errors."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, Field

from codexcontinue.api.app import create_app
from codexcontinue.ml.metrics import MLMetrics
from codexcontinue.ml.ollama_backend import OllamaBackend
from codexcontinue.ml.runtime import LLMRuntime, StructuredOutputError
from codexcontinue.packs.registry import PackRegistry
from codexcontinue.packs.status import PackState
from codexcontinue.settings import CoreSettings
from codexcontinue.store import LocalStore
from codexcontinue.testing.ollama_server import OllamaTestServer

BASE_MODEL = "llama3.2:1b"  # as in conftest.py
THINKING_MODEL = "qwen3:0.6b"


class Verdict(BaseModel):
    title: str
    score: int = Field(ge=0, le=10)


@pytest.fixture
def backend(ollama_server: OllamaTestServer):
    return OllamaBackend(ollama_server.url)


@pytest.fixture
def runtime(backend: OllamaBackend, tmp_path: Path) -> LLMRuntime:
    return LLMRuntime(backend, LocalStore(tmp_path / "store"))


def pack_registry(settings: CoreSettings, folder: Path, **plugins: str) -> PackRegistry:
    """The packs written as drop-in plugin files `<name>.py` in `folder`, and only those, loaded."""
    folder.mkdir(exist_ok=True)
    for name, body in plugins.items():
        header = f'PLUGIN_API = ">=1,<2"\nfrom codexcontinue import LLMCall, PackInfo, hookimpl\n\n'
        footer = f'\n\n@hookimpl\ndef pack_info():\n    return PackInfo(name="{name}", title="{name}")\n'
        (folder / f"{name}.py").write_text(header + textwrap.dedent(body) + footer)
    return PackRegistry(settings.model_copy(update={"plugins_dir": folder, "packs": list(plugins)})).load()


REDACTOR = '''
@hookimpl
def before_llm_call(call):
    messages = [{**m, "content": m["content"].replace("Jane Doe", "[name]")} for m in call.messages]
    return call.model_copy(update={"messages": messages, "cacheable": False})


@hookimpl
def after_llm_call(call, text):
    return text.upper()
'''


async def test_generate_returns_the_reply_and_its_token_counts(runtime: LLMRuntime) -> None:
    result = await runtime.generate(BASE_MODEL, "Tell me about the sea", system="Be brief.")
    assert result.text == "echo: Tell me about the sea"
    assert result.model == BASE_MODEL and result.data is None and not result.cached
    assert result.prompt_tokens > 0 and result.completion_tokens == 6  # "echo: " + five words


async def test_generate_takes_a_chat_history(runtime: LLMRuntime, ollama_server: OllamaTestServer) -> None:
    history = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
        {"role": "user", "content": "again"},
    ]
    assert (await runtime.generate(BASE_MODEL, messages=history)).text == "echo: again"
    assert ollama_server.requests[-1].body["messages"] == history
    with pytest.raises(ValueError, match="either prompt"):
        await runtime.generate(BASE_MODEL, "hi", messages=history)


async def test_stream_yields_pieces_as_they_are_generated(runtime: LLMRuntime, ollama_server: OllamaTestServer) -> None:
    ollama_server.script_reply("Waves come and go all day.")
    pieces = [piece async for piece in runtime.stream(BASE_MODEL, "Tell me about the sea")]
    assert pieces == ["Waves ", "come ", "and ", "go ", "all ", "day."]
    assert ollama_server.requests[-1].body["stream"] is True


async def test_a_reasoning_models_thinking_never_reaches_the_reply(
    runtime: LLMRuntime, ollama_server: OllamaTestServer
) -> None:
    # Ollama 0.12.3 separates the thinking (into message.thinking) only when the request sets
    # think; otherwise a model that reasons writes it in its reply text (server/routes.go: ChatHandler)
    ollama_server.add_model(THINKING_MODEL)
    thought = "<think>\nThe user wants a verdict.\n</think>\n\n"
    ollama_server.script_reply(thought + '{"title": "Sea", "score": 7}', thought + "The sea is blue.", thought + "Waves.")

    structured = await runtime.generate(THINKING_MODEL, "Rate the sea", schema=Verdict)
    assert structured.data == Verdict(title="Sea", score=7) and structured.text == '{"title": "Sea", "score": 7}'
    assert (await runtime.generate(THINKING_MODEL, "Describe the sea")).text == "The sea is blue."
    assert [piece async for piece in runtime.stream(THINKING_MODEL, "More")] == ["Waves."]
    sent = [r.body for r in ollama_server.requests if r.path == "/api/chat"]
    assert sent[0]["think"] is False and "think" not in sent[1] and "think" not in sent[2]

    ollama_server.script_reply(thought + "Calm.")  # think=True: Ollama puts the thinking aside itself
    assert (await runtime.generate(THINKING_MODEL, "Mood?", think=True)).text == "Calm."
    assert ollama_server.requests[-1].body["think"] is True


async def test_invalid_json_is_sent_back_and_the_valid_retry_is_returned(
    runtime: LLMRuntime, ollama_server: OllamaTestServer
) -> None:
    ollama_server.script_reply('{"title": "Sea", "score": "many"', {"title": "Sea", "score": 7})
    result = await runtime.generate(BASE_MODEL, "Rate the sea", schema=Verdict)
    assert result.data == Verdict(title="Sea", score=7)
    assert ollama_server.request_count("/api/chat") == 2
    first, retry = (r.body for r in ollama_server.requests if r.path == "/api/chat")
    assert first["format"] == retry["format"] == Verdict.model_json_schema()
    assert first["stream"] is retry["stream"] is True  # structured calls stream too
    assert retry["messages"][1] == {"role": "assistant", "content": '{"title": "Sea", "score": "many"'}
    assert "does not match the required JSON schema" in retry["messages"][2]["content"]
    assert result.completion_tokens > 0 and result.prompt_tokens > 0


async def test_schema_failures_stop_after_the_retries_with_the_last_reply(
    runtime: LLMRuntime, ollama_server: OllamaTestServer
) -> None:
    ollama_server.script_reply("nope", {"title": "Sea"}, {"title": "Sea", "score": 99})
    with pytest.raises(StructuredOutputError) as caught:
        await runtime.generate(BASE_MODEL, "Rate the sea", schema=Verdict)
    assert caught.value.attempts == 3 and ollama_server.request_count("/api/chat") == 3
    assert caught.value.raw == '{"title": "Sea", "score": 99}'
    assert caught.value.errors[0]["loc"] == ("score",)
    assert "Verdict" in str(caught.value) and "CODEXCONTINUE_LLM_SCHEMA_RETRIES" in str(caught.value)


async def test_packs_redact_calls_forbid_caching_and_post_process_replies(
    backend: OllamaBackend, ollama_server: OllamaTestServer, codexcontinue_settings: CoreSettings, tmp_path: Path
) -> None:
    registry = pack_registry(codexcontinue_settings, tmp_path / "plugins", redactor=REDACTOR)
    runtime = LLMRuntime(backend, LocalStore(tmp_path / "store"), registry)
    for _ in range(2):
        result = await runtime.generate(BASE_MODEL, "Summarise the file of Jane Doe", pack="redactor")
        assert result.text == "ECHO: SUMMARISE THE FILE OF [NAME]" and not result.cached
    assert ollama_server.request_count("/api/chat") == 2  # uncacheable: both calls went upstream
    assert all("Jane" not in str(r.body) for r in ollama_server.requests)

    # after_llm_call needs the whole reply, so the stream comes as one post-processed piece
    pieces = [piece async for piece in runtime.stream(BASE_MODEL, "Jane Doe again", pack="redactor")]
    assert pieces == ["ECHO: [NAME] AGAIN"]


async def test_a_hook_cannot_turn_caching_back_on(
    backend: OllamaBackend, ollama_server: OllamaTestServer, codexcontinue_settings: CoreSettings, tmp_path: Path
) -> None:
    registry = pack_registry(
        codexcontinue_settings,
        tmp_path / "plugins",
        alpha="@hookimpl\ndef before_llm_call(call):\n    return call.model_copy(update={'cacheable': False})\n",
        beta="@hookimpl\ndef before_llm_call(call):\n    return call.model_copy(update={'cacheable': True})\n",
    )
    runtime = LLMRuntime(backend, LocalStore(tmp_path / "store"), registry)
    await runtime.generate(BASE_MODEL, "hi")
    assert not (await runtime.generate(BASE_MODEL, "hi")).cached
    assert ollama_server.request_count("/api/chat") == 2


async def test_a_hook_returning_the_wrong_type_quarantines_its_pack(
    backend: OllamaBackend, codexcontinue_settings: CoreSettings, tmp_path: Path
) -> None:
    sloppy = "@hookimpl\ndef after_llm_call(call, text):\n    return 42\n"
    registry = pack_registry(codexcontinue_settings, tmp_path / "plugins", sloppy=sloppy)
    runtime = LLMRuntime(backend, LocalStore(tmp_path / "store"), registry)
    assert (await runtime.generate(BASE_MODEL, "hi")).text == "echo: hi"
    assert registry.statuses["sloppy"].state is PackState.FAILED
    assert "after_llm_call() must return a str or None" in registry.statuses["sloppy"].error


async def test_metrics_come_from_ollamas_timings_per_model_and_pack(
    backend: OllamaBackend, ollama_server: OllamaTestServer, tmp_path: Path
) -> None:
    collectors = CollectorRegistry()
    runtime = LLMRuntime(backend, LocalStore(tmp_path / "store"), metrics=MLMetrics(collectors))
    first = await runtime.generate(BASE_MODEL, "Tell me about the sea", pack="legal")
    await runtime.generate(BASE_MODEL, "Tell me about the sea", pack="legal")  # a cache hit
    _ = [piece async for piece in runtime.stream(BASE_MODEL, "a b c")]

    def value(name: str, pack: str = "legal") -> float | None:
        return collectors.get_sample_value(name, {"model": BASE_MODEL, "pack": pack})

    assert value("codexcontinue_llm_calls_total") == 1
    assert value("codexcontinue_llm_prompt_tokens_total") == first.prompt_tokens
    assert value("codexcontinue_llm_completion_tokens_total") == first.completion_tokens
    assert value("codexcontinue_llm_cache_hits_total") == 1 and value("codexcontinue_llm_cache_misses_total") == 1
    assert value("codexcontinue_llm_tokens_per_second_count") == 1
    assert value("codexcontinue_llm_tokens_per_second_sum") == pytest.approx(1 / 0.016)  # 16 ms per token
    assert value("codexcontinue_llm_time_to_first_token_seconds_count") == 1
    assert value("codexcontinue_llm_load_seconds_sum") == pytest.approx(0.0018)
    assert value("codexcontinue_llm_calls_total", pack="core") == 1  # the stream, made by no pack


LLM_ROUTE = '''
from fastapi import APIRouter
from codexcontinue import LLMDep

router = APIRouter()


@router.get("/ask")
async def ask(llm: LLMDep, model: str = "llama3.2:1b") -> dict:
    return {"text": (await llm.generate(model, "hi", pack="asker")).text}


@hookimpl
def api_router():
    return router
'''


def test_routes_map_llm_errors_to_http_statuses(
    ollama_server: OllamaTestServer, codexcontinue_settings: CoreSettings, tmp_path: Path
) -> None:
    def ask(host: str, **query: str) -> tuple[Any, str]:
        """The route's answer, and the app's /metrics text after it."""
        settings = codexcontinue_settings.model_copy(
            update={"ollama_hosts": [host], "ollama_read_timeout": 0.3, "llm_cache_ttl": 0}
        )
        app = create_app(settings, registry=pack_registry(settings, tmp_path / "plugins", asker=LLM_ROUTE))
        token, _ = asyncio.run(app.state.keyring.create("test", ["asker:read", "metrics:read"]))
        headers = {"Authorization": f"Bearer {token}"}
        with TestClient(app) as client:
            answer = client.get("/api/v1/asker/ask", params=query, headers=headers)
            return answer, client.get("/metrics", headers=headers).text

    down, _ = ask(codexcontinue_settings.ollama_hosts[0])  # nothing listens there
    assert down.status_code == 503 and "ollama serve" in down.json()["detail"]
    served, metrics = ask(ollama_server.url)
    assert served.json() == {"text": "echo: hi"}
    assert 'codexcontinue_llm_completion_tokens_total{model="llama3.2:1b",pack="asker"} 2.0' in metrics
    missing, _ = ask(ollama_server.url, model="asker-ghost")
    assert missing.status_code == 503 and "codexcontinue models ensure" in missing.json()["detail"]
    ollama_server.fail_next(status=500, error="out of memory")
    failed, _ = ask(ollama_server.url)
    assert failed.status_code == 502 and "out of memory" in failed.json()["detail"]
    ollama_server.latency = 1.0
    assert ask(ollama_server.url)[0].status_code == 504


JUDGE = '''
from pydantic import BaseModel
from codexcontinue import ModelSpec


class Grade(BaseModel):
    grade: str
    passed: bool


@hookimpl
def register_models(register):
    register(ModelSpec(name="judge-strict", base="llama3.2:1b", output=Grade))
'''


async def test_a_model_spec_output_schema_applies_when_the_call_gives_none(
    backend: OllamaBackend, ollama_server: OllamaTestServer, codexcontinue_settings: CoreSettings, tmp_path: Path
) -> None:
    registry = pack_registry(codexcontinue_settings, tmp_path / "plugins", judge=JUDGE)
    ollama_server.add_model("judge-strict")
    ollama_server.script_reply({"grade": "A", "passed": True})
    runtime = LLMRuntime(backend, LocalStore(tmp_path / "store"), registry)
    result = await runtime.generate("judge-strict", "Grade this essay", pack="judge")
    assert result.data is not None and result.data.model_dump() == {"grade": "A", "passed": True}
    sent = next(r.body for r in ollama_server.requests if r.path == "/api/chat")
    assert sent["format"]["properties"].keys() == {"grade", "passed"}
