"""Pack models in Ollama: `ensure_models` creates, skips, recreates; `models list` and `models ensure` on the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ollama import Client

from codexcontinue.cli import app
from codexcontinue.doctor import diagnose
from codexcontinue.ml.errors import LLMError, LLMUnavailable
from codexcontinue.ml.models import (
    Action,
    ModelAction,
    create_model,
    ensure_models,
    model_table,
    normalize_name,
    parse_parameters,
)
from codexcontinue.ml.ollama_backend import OllamaBackend
from codexcontinue.settings import CoreSettings
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
    # server/routes.go: GetModelInfo prints each option with fmt.Sprintf("%-*s %#v", 30, k, v),
    # ranging over a map (any order); numbers are float64 (1e+06), strings Go-quoted (strconv.Quote)
    text = (
        'temperature                    0.1\n'
        'stop                           "<|start_header_id|>"\n'
        'num_ctx                        1e+06\n'
        'stop                           "\\x1b[0m"\n'
        'stop                           "tab\\there \\"quoted\\" \\\\ \\u200b <｜User｜>"\n'
        'use_mmap                       false\n'
        'mirostat_eta                   1.5e-05\n'
        'seed                           7'
    )
    assert parse_parameters(text) == {
        "temperature": [0.1],
        "stop": ["<|start_header_id|>", "\x1b[0m", 'tab\there "quoted" \\ \u200b <｜User｜>'],
        "num_ctx": [1_000_000],
        "use_mmap": [False],
        "mirostat_eta": [1.5e-05],
        "seed": [7],
    }


async def test_options_ollama_prints_in_go_syntax_do_not_look_changed(backend: OllamaBackend) -> None:
    # a stop sequence with a control character and a large num_ctx: before, the model was
    # recreated at every worker start because the Go-quoted value never matched the spec
    spec = ModelSpec(
        name="dev-colours", base=BASE_MODEL, options={"stop": ["\x1b[0m", "<end>"], "num_ctx": 1_000_000, "top_p": 0.95}
    )
    assert (await ensure_models(backend, [spec]))[0].action is Action.CREATED
    for _ in range(5):  # the server prints parameters in a new order each time, as Go does
        assert await ensure_models(backend, [spec]) == [ModelAction("dev-colours", Action.UNCHANGED)]
    assert (await model_table(backend, [spec]))[0].state == "ready"


async def test_the_base_models_parameters_stay_under_the_specs_options(
    backend: OllamaBackend, ollama_server: OllamaTestServer
) -> None:
    # server/create.go: setParameters keeps the base's parameters that the request does not set
    spec = ModelSpec(name="dev-cool", base=BASE_MODEL, options={"temperature": 0})
    await ensure_models(backend, [spec])
    shown = parse_parameters((await backend.show("dev-cool"))["parameters"])
    assert shown == {"stop": ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"], "temperature": [0]}
    assert await ensure_models(backend, [spec]) == [ModelAction("dev-cool", Action.UNCHANGED)]


def test_names_are_normalized_the_way_ollama_lists_them() -> None:
    # types/model/name.go: ParseName fills the defaults, DisplayShortest leaves out the default
    # host and namespace (compared case-insensitively); the rest keeps its case
    assert normalize_name("llama3.2") == "llama3.2:latest"
    assert normalize_name("registry.ollama.ai/library/llama3.2:3b") == "llama3.2:3b"
    assert normalize_name("Registry.Ollama.AI/Library/llama3.2") == "llama3.2:latest"
    assert normalize_name("registry.ollama.ai/team/Coder:7B") == "team/Coder:7B"
    assert normalize_name("example.com:5000/team/m") == "example.com:5000/team/m:latest"
    assert normalize_name("Legal-Analyst") == "Legal-Analyst:latest"


async def test_a_fully_qualified_base_is_recognised_as_present(
    backend: OllamaBackend, ollama_server: OllamaTestServer
) -> None:
    spec = ModelSpec(name="dev-qualified", base=f"registry.ollama.ai/library/{BASE_MODEL}")
    assert await ensure_models(backend, [spec]) == [ModelAction("dev-qualified", Action.CREATED)]
    assert ollama_server.request_count("/api/pull") == 0  # offline, a re-pull would have failed
    assert (await model_table(backend, [spec]))[0].state == "ready"


async def test_names_keep_their_case_and_another_case_in_ollama_is_replaced(
    backend: OllamaBackend, ollama_server: OllamaTestServer
) -> None:
    # server/routes.go: chat finds a model only by its exact name, create and delete by any case
    spec = ModelSpec(name="dev-Reviewer", base=BASE_MODEL, system="Review.")
    Client(host=ollama_server.url).create(model="dev-reviewer", from_=BASE_MODEL, system="Review.")
    [row] = await model_table(backend, [spec])
    assert (row.state, row.detail) == ("missing", "Ollama has it as 'dev-reviewer:latest', and chat needs the exact name")

    [action] = await ensure_models(backend, [spec])
    assert action == ModelAction("dev-Reviewer", Action.CREATED, "Ollama had it as 'dev-reviewer:latest'; chat needs the exact name")
    assert [m for m in ollama_server.models if m.lower() == "dev-reviewer:latest"] == ["dev-Reviewer:latest"]
    assert (await backend.chat("dev-Reviewer", [{"role": "user", "content": "hi"}])).done
    assert await ensure_models(backend, [spec]) == [ModelAction("dev-Reviewer", Action.UNCHANGED)]


async def test_creating_from_a_base_that_cannot_be_pulled_fails_clearly_and_leaves_nothing(
    backend: OllamaBackend, ollama_server: OllamaTestServer
) -> None:
    spec = ModelSpec(name="dev-ghost", base="ghost:7b", system="Boo.")
    with pytest.raises(LLMError) as caught:
        await create_model(backend, spec)
    message = str(caught.value)
    assert message.startswith("creating model 'dev-ghost' from 'ghost:7b' failed: pull model manifest: file does not exist.")
    assert "The model it left behind without weights was removed." in message
    assert "`ollama pull ghost:7b`" in message and "codexcontinue models ensure" in message
    assert "dev-ghost:latest" not in ollama_server.models
    [row] = await model_table(backend, [spec])  # and `models list` still works
    assert (row.state, row.detail) == ("missing", "base model 'ghost:7b' is not pulled either")


async def test_a_model_without_weights_is_broken_with_the_fix_and_ensure_recreates_it(
    backend: OllamaBackend, ollama_server: OllamaTestServer, codexcontinue_settings: CoreSettings
) -> None:
    # what Ollama 0.12.3 leaves after a create whose base could not be pulled (server/create.go)
    spec = ModelSpec(name="dev-half", base=BASE_MODEL, system="Half.")
    with pytest.raises(Exception, match="file does not exist"):
        list(Client(host=ollama_server.url).create(model="dev-half", from_="ghost:7b", stream=True))

    [row] = await model_table(backend, [spec])
    assert row.state == "broken" and "no weights" in row.detail and "codexcontinue models ensure" in row.detail
    [action] = await ensure_models(backend, [spec])
    assert action == ModelAction("dev-half", Action.RECREATED, "it had no weights in Ollama")
    assert (await model_table(backend, [spec]))[0].state == "ready"


def test_models_list_and_doctor_report_a_model_without_weights_with_the_fix(
    ollama_server: OllamaTestServer, codexcontinue_settings: CoreSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ollama_server.add_model("llama3.2:3b")  # the finance pack's base
    with pytest.raises(Exception, match="file does not exist"):
        list(Client(host=ollama_server.url).create(model="finance-analyst", from_="ghost:7b", stream=True))
    settings = codexcontinue_settings.model_copy(update={"ollama_hosts": [ollama_server.url], "packs": ["finance"]})

    [finding] = [f for f in diagnose(settings) if f.pack == "finance"]
    assert finding.problem.startswith("Model 'finance-analyst' is broken in Ollama.")
    assert finding.fix == "codexcontinue models ensure --pack finance"

    monkeypatch.setenv("CODEXCONTINUE_PACKS", "finance")
    monkeypatch.setenv("CODEXCONTINUE_OLLAMA_HOSTS", ollama_server.url)
    monkeypatch.setenv("CODEXCONTINUE_DATA_DIR", str(settings.data_dir))
    listed = CliRunner().invoke(app, ["models", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.stdout)
    assert (row["name"], row["state"]) == ("finance-analyst", "broken") and "no weights" in row["detail"]


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
