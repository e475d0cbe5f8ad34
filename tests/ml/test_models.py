"""Pack models in Ollama: `ensure_models` creates, skips, recreates; `models list` and `models ensure` on the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codexcontinue.cli import app
from codexcontinue.ml.errors import LLMUnavailable
from codexcontinue.ml.models import Action, ModelAction, ensure_models, model_table, parse_parameters
from codexcontinue.ml.ollama_backend import OllamaBackend
from codexcontinue.specs import ModelSpec
from codexcontinue.testing.ollama_server import OllamaTestServer

BASE_MODEL, PULLABLE_MODEL = "llama3.2:1b", "qwen2.5:0.5b"  # as in conftest.py

SUMMARIZER = ModelSpec(
    name="legal-summarizer",
    base=BASE_MODEL,
    system="You summarise contracts.",
    options={"num_ctx": 8192, "temperature": 0.2, "seed": 7, "stop": ["<end>", "###"]},
)


@pytest.fixture
def backend(ollama_server: OllamaTestServer) -> OllamaBackend:
    return OllamaBackend(ollama_server.url)


async def test_ensure_creates_then_skips_then_recreates_after_a_spec_change(
    backend: OllamaBackend, ollama_server: OllamaTestServer
) -> None:
    assert await ensure_models(backend, [SUMMARIZER]) == [ModelAction("legal-summarizer", Action.CREATED)]
    shown = await backend.show("legal-summarizer")
    assert shown["system"] == "You summarise contracts." and "num_ctx" in shown["parameters"]

    assert await ensure_models(backend, [SUMMARIZER]) == [ModelAction("legal-summarizer", Action.UNCHANGED)]
    assert ollama_server.request_count("/api/create") == 1

    cooler = SUMMARIZER.model_copy(update={"options": {**SUMMARIZER.options, "temperature": 0.1}})
    [action] = await ensure_models(backend, [cooler])
    assert action == ModelAction("legal-summarizer", Action.RECREATED, "temperature: 0.2 -> 0.1")
    assert ollama_server.request_count("/api/create") == 2
    assert await ensure_models(backend, [cooler]) == [ModelAction("legal-summarizer", Action.UNCHANGED)]


async def test_a_changed_system_prompt_or_a_dropped_option_recreates(backend: OllamaBackend) -> None:
    await ensure_models(backend, [SUMMARIZER])
    leases = SUMMARIZER.model_copy(update={"system": "You summarise leases."})
    [action] = await ensure_models(backend, [leases])
    assert action.action is Action.RECREATED and action.detail == "system prompt changed"

    without_seed = {k: v for k, v in SUMMARIZER.options.items() if k != "seed"}
    [action] = await ensure_models(backend, [leases.model_copy(update={"options": without_seed})])
    assert action.action is Action.RECREATED and action.detail == "seed: 7 -> (unset)"
    assert "seed" not in (await backend.show("legal-summarizer"))["parameters"]


async def test_a_missing_base_is_pulled_once_with_progress(backend: OllamaBackend) -> None:
    specs = [
        ModelSpec(name="finance-a", base=PULLABLE_MODEL),
        ModelSpec(name="finance-b", base=PULLABLE_MODEL, system="B"),
    ]
    progress = []
    actions = await ensure_models(backend, specs, progress.append)
    assert [(a.model, a.action) for a in actions] == [
        (PULLABLE_MODEL, Action.PULLED_BASE),
        ("finance-a", Action.CREATED),
        ("finance-b", Action.CREATED),
    ]
    pulled = [p for p in progress if p.model == PULLABLE_MODEL]
    assert pulled[0].status == "pulling manifest" and pulled[-1].status == "success"
    assert any(p.total and p.completed == p.total and p.digest for p in pulled)
    assert [p.status for p in progress if p.model == "finance-a"][-1] == "success"


async def test_a_base_that_cannot_be_pulled_fails_only_its_models(backend: OllamaBackend) -> None:
    specs = [ModelSpec(name="dev-ghost", base="ghost:7b"), ModelSpec(name="dev-coder", base=BASE_MODEL)]
    actions = await ensure_models(backend, specs)
    assert [(a.model, a.action) for a in actions] == [
        ("ghost:7b", Action.FAILED),
        ("dev-ghost", Action.FAILED),
        ("dev-coder", Action.CREATED),
    ]
    assert "pulling base model 'ghost:7b' failed" in actions[1].detail and "file does not exist" in actions[1].detail


async def test_an_unreachable_ollama_raises(dead_url: str) -> None:
    with pytest.raises(LLMUnavailable):
        await ensure_models(OllamaBackend(dead_url, connect_timeout=1.0), [SUMMARIZER])


async def test_model_table_shows_each_spec_beside_ollama(backend: OllamaBackend) -> None:
    pulled_later = ModelSpec(name="health-triage", base=PULLABLE_MODEL)
    [row, other] = await model_table(backend, [SUMMARIZER, pulled_later])
    assert (row.state, row.digest) == ("missing", "")
    assert (other.state, other.detail) == ("missing", f"base model '{PULLABLE_MODEL}' is not pulled either")

    await ensure_models(backend, [SUMMARIZER])
    [row] = await model_table(backend, [SUMMARIZER])
    assert row.state == "ready" and len(row.digest) == 64

    smaller = SUMMARIZER.model_copy(update={"options": {**SUMMARIZER.options, "num_ctx": 4096}})
    [row] = await model_table(backend, [smaller])
    assert (row.state, row.detail) == ("changed", "num_ctx: 8192 -> 4096")


def test_parameters_are_read_the_way_ollama_prints_them() -> None:
    text = (
        'num_ctx                        8192\n'
        'stop                           "<|start_header_id|>"\n'
        'stop                           "<|eot_id|>"\n'
        'temperature                    0.1\n'
        'use_mmap                       false'
    )
    assert parse_parameters(text) == {
        "num_ctx": [8192],
        "stop": ["<|start_header_id|>", "<|eot_id|>"],
        "temperature": [0.1],
        "use_mmap": [False],
    }


PACK_WITH_A_MODEL = '''PLUGIN_API = ">=1,<2"
from codexcontinue import ModelSpec, PackInfo, hookimpl


@hookimpl
def pack_info():
    return PackInfo(name="scribe", title="Scribe")


@hookimpl
def register_models(register):
    register(ModelSpec(name="scribe-writer", base="qwen2.5:0.5b", system="{system}", options={{"temperature": 0.3}}))
'''


def test_models_cli_ensures_and_lists_the_enabled_packs_models(
    ollama_server: OllamaTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CODEXCONTINUE_PACKS", "scribe")
    monkeypatch.setenv("CODEXCONTINUE_PLUGINS_DIR", str(plugins))
    monkeypatch.setenv("CODEXCONTINUE_OLLAMA_HOSTS", ollama_server.url)
    monkeypatch.setenv("CODEXCONTINUE_DATA_DIR", str(tmp_path))
    runner = CliRunner()

    def run(*args: str, system: str = "You write.") -> tuple[int, str]:
        (plugins / "scribe.py").write_text(PACK_WITH_A_MODEL.format(system=system))
        result = runner.invoke(app, list(args))
        return result.exit_code, result.stdout

    code, shown = run("models", "list", "--json")
    [row] = json.loads(shown)
    assert code == 0
    assert (row["pack"], row["name"], row["state"]) == ("scribe", "scribe-writer", "missing")

    code, shown = run("models", "ensure")
    assert code == 0 and "pulled-base" in shown and "created" in shown
    assert "unchanged" in run("models", "ensure")[1]
    code, shown = run("models", "ensure", "--pack", "scribe", system="You write poems.")
    assert code == 0 and "recreated" in shown and "system prompt changed" in shown
    [row] = json.loads(run("models", "list", "--json", system="You write poems.")[1])
    assert row["state"] == "ready" and row["options"] == {"temperature": 0.3}

    code, _ = run("models", "ensure", "--pack", "nosuch")
    assert code == 2

    monkeypatch.setenv("CODEXCONTINUE_OLLAMA_HOSTS", "http://127.0.0.1:9")
    code, _ = run("models", "ensure")
    assert code == 1
