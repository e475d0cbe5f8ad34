"""Discovery and loading: good, broken, incompatible, clashing and disabled packs; strict mode."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from distributions import install_pack, routed_pack_source
from fastapi.testclient import TestClient

from codexcontinue.api.app import create_app
from codexcontinue.packs import PLUGIN_API_VERSION
from codexcontinue.packs.registry import PackError, PackRegistry
from codexcontinue.packs.status import PackState, list_packs

REPO = Path(__file__).resolve().parents[1]
BUILT_IN_PACKS = {"developer", "finance", "health", "legal"}


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A folder on sys.path where tests install pack distributions."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    yield folder
    for name in [m for m in sys.modules if m.startswith("cc_test_")]:
        del sys.modules[name]


def load(settings, **kwargs) -> PackRegistry:
    return PackRegistry(settings, **kwargs).load()


def test_the_four_packs_load_and_serve(codexcontinue_settings, api_client, make_api_key):
    registry = api_client.app.state.registry
    assert set(registry.active()) == BUILT_IN_PACKS
    headers = make_api_key("admin")
    rows = {row["name"]: row for row in api_client.get("/api/v1/packs", headers=headers).json()}
    assert set(rows) == BUILT_IN_PACKS
    for name in BUILT_IN_PACKS:
        assert rows[name]["state"] == "active"
        assert rows[name]["routes"] and all(f" /api/v1/{name}/" in route for route in rows[name]["routes"])
        assert rows[name]["pages"] and all(page.startswith(f"{name}-") for page in rows[name]["pages"])
    assert rows["finance"]["models"] == ["finance-analyst"]


def test_a_pack_that_raises_at_import_is_quarantined_alone(site, codexcontinue_settings):
    install_pack(site, "good")
    install_pack(site, "broken", plugin_source="raise RuntimeError('boom at import')\n")
    registry = load(codexcontinue_settings)
    broken = registry.statuses["broken"]
    assert broken.state is PackState.FAILED
    assert "boom at import" in broken.error and "codexcontinue-broken" in broken.error
    assert set(registry.active()) == BUILT_IN_PACKS | {"good"}


def test_an_incompatible_pack_is_reported_and_never_imported(site, codexcontinue_settings):
    install_pack(site, "future", api_range=">=2,<3")
    install_pack(site, "undeclared", api_range=None)
    registry = load(codexcontinue_settings)
    future = registry.statuses["future"]
    assert future.state is PackState.INCOMPATIBLE
    assert f"needs plugin API >=2,<3; this core provides {PLUGIN_API_VERSION}" in future.error
    assert registry.statuses["undeclared"].state is PackState.INCOMPATIBLE
    assert "declares no plugin-API range" in registry.statuses["undeclared"].error
    assert "cc_test_codexcontinue_future" not in sys.modules


def test_a_pack_raising_in_a_hook_is_quarantined(site, codexcontinue_settings):
    install_pack(
        site,
        "badinfo",
        plugin_source="""
        from codexcontinue import hookimpl

        @hookimpl
        def pack_info():
            raise ValueError("no identity today")
        """,
    )
    registry = load(codexcontinue_settings)
    assert registry.statuses["badinfo"].state is PackState.FAILED
    assert "no identity today" in registry.statuses["badinfo"].error
    assert "badinfo" not in registry.active()


def test_a_pack_raising_in_api_router_loses_only_its_routes(site, codexcontinue_settings, make_api_key):
    install_pack(
        site,
        "norouter",
        plugin_source="""
        from codexcontinue import PackInfo, hookimpl

        @hookimpl
        def pack_info():
            return PackInfo(name="norouter", title="No router")

        @hookimpl
        def api_router():
            raise RuntimeError("router exploded")
        """,
    )
    app = create_app(codexcontinue_settings)
    registry = app.state.registry
    assert registry.statuses["norouter"].state is PackState.FAILED
    assert "router exploded" in registry.statuses["norouter"].error
    with TestClient(app) as client:
        token, _ = __import__("asyncio").run(app.state.keyring.create("t", ["admin"]))
        assert client.get("/api/v1/legal/about", headers={"X-API-Key": token}).status_code == 200


def test_a_pack_raising_in_a_route_gets_json_500_and_others_keep_answering(site, codexcontinue_settings):
    install_pack(
        site,
        "crashy",
        plugin_source=routed_pack_source(
            "crashy",
            '''
@router.get("/crash")
async def crash():
    raise ZeroDivisionError("secret internal detail")
''',
        ),
    )
    app = create_app(codexcontinue_settings)
    token, _ = __import__("asyncio").run(app.state.keyring.create("t", ["admin"]))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/crashy/crash", headers={"X-API-Key": token})
        assert response.status_code == 500
        body = response.json()
        assert "Internal error in pack 'crashy'" in body["detail"]
        assert "secret internal detail" not in response.text and "Traceback" not in response.text
        assert client.get("/api/v1/legal/about", headers={"X-API-Key": token}).status_code == 200


def test_two_packs_claiming_one_model_name_are_both_named(site, codexcontinue_settings):
    install_pack(site, "alpha", model="alpha-x-assistant")
    install_pack(site, "alpha-x", model="alpha-x-assistant")
    registry = load(codexcontinue_settings)
    for name in ("alpha", "alpha-x"):
        status = registry.statuses[name]
        assert status.state is PackState.FAILED
        assert "Packs 'alpha' and 'alpha-x' both claim model 'alpha-x-assistant'" in status.error


@pytest.mark.parametrize("name", ["core", "jobs", "packs", "keys"])
def test_the_cores_own_names_are_reserved(site, codexcontinue_settings, name):
    install_pack(site, name)
    registry = load(codexcontinue_settings)
    assert registry.statuses[name].state is PackState.FAILED
    assert f"The pack name '{name}' is reserved" in registry.statuses[name].error
    listed = next(row for row in list_packs(codexcontinue_settings) if row.name == name)
    assert (listed.state, listed.error) == (PackState.FAILED, registry.statuses[name].error)


def test_two_distributions_with_one_pack_name_are_both_refused(site, codexcontinue_settings):
    install_pack(site, "legal", distribution="legal-fork")
    registry = load(codexcontinue_settings)
    status = registry.statuses["legal"]
    assert status.state is PackState.FAILED
    assert "Two packs are named 'legal'" in status.error
    assert "codexcontinue-legal" in status.error and "legal-fork" in status.error
    listed = [row for row in list_packs(codexcontinue_settings) if row.name == "legal"]
    assert [row.state for row in listed] == [PackState.FAILED, PackState.FAILED]
    assert all(row.error == status.error for row in listed)


def test_a_model_outside_the_pack_namespace_fails_validation(site, codexcontinue_settings):
    install_pack(site, "loose", model="llama-helper")
    registry = load(codexcontinue_settings)
    assert "model 'llama-helper' must be named 'loose-...'" in registry.statuses["loose"].error


def test_strict_mode_turns_a_bad_pack_into_an_error(site, codexcontinue_settings):
    install_pack(site, "broken", plugin_source="import not_a_module_anywhere\n")
    with pytest.raises(PackError, match="not_a_module_anywhere"):
        load(codexcontinue_settings, strict=True)
    strict_settings = codexcontinue_settings.model_copy(update={"strict": True})
    with pytest.raises(PackError, match="not_a_module_anywhere"):
        load(strict_settings)


def test_the_enabled_set_is_explicit(codexcontinue_settings, make_api_key):
    settings = codexcontinue_settings.model_copy(update={"packs": ["legal"]})
    app = create_app(settings)
    registry = app.state.registry
    assert registry.active() == ["legal"]
    assert registry.statuses["finance"].state is PackState.DISABLED
    token, _ = __import__("asyncio").run(app.state.keyring.create("t", ["admin"]))
    with TestClient(app) as client:
        assert client.get("/api/v1/legal/about", headers={"X-API-Key": token}).status_code == 200
        assert client.get("/api/v1/finance/about", headers={"X-API-Key": token}).status_code == 404


def test_local_plugin_files_load_from_a_folder(codexcontinue_settings):
    settings = codexcontinue_settings.model_copy(update={"plugins_dir": REPO / "plugins"})
    app = create_app(settings)
    assert "word-count" in app.state.registry.active()
    token, _ = __import__("asyncio").run(app.state.keyring.create("t", ["word-count:write"]))
    with TestClient(app) as client:
        response = client.post(
            "/api/v1/word-count/count",
            json={"text": "One small step. Another one!"},
            headers={"X-API-Key": token},
        )
    assert response.json() == {"words": 5, "sentences": 2, "characters": 28, "reading_minutes": 0.02}


def test_listing_reads_metadata_only(site, codexcontinue_settings):
    install_pack(site, "broken", plugin_source="raise RuntimeError('boom at import')\n")
    rows = {row.name: row for row in list_packs(codexcontinue_settings)}
    assert rows["broken"].state is PackState.ENABLED  # listed, not imported
    assert "cc_test_codexcontinue_broken" not in sys.modules


def test_cli_packs_list_json_survives_broken_and_incompatible_packs(site, tmp_path):
    install_pack(site, "broken", plugin_source="raise RuntimeError('boom at import')\n")
    install_pack(site, "future", api_range=">=2,<3")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", "packs", "list", "--json"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True,
    )  # fmt: skip
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert {name: rows[name]["version"] for name in BUILT_IN_PACKS} == dict.fromkeys(BUILT_IN_PACKS, "0.1.0")
    assert {rows[name]["state"] for name in BUILT_IN_PACKS} == {"enabled"}
    assert rows["broken"]["state"] == "enabled"
    assert rows["future"]["state"] == "incompatible"
    assert "needs plugin API >=2,<3" in rows["future"]["error"]


def test_cli_packs_info_reports_the_import_error(site, tmp_path):
    install_pack(site, "broken", plugin_source="raise RuntimeError('boom at import')\n")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", "packs", "info", "broken", "--json"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True,
    )  # fmt: skip
    row = json.loads(result.stdout)
    assert row["state"] == "failed"
    assert "RuntimeError: boom at import" in row["error"]


def test_hook_tracing_prints_each_call(codexcontinue_settings, capsys):
    load(codexcontinue_settings.model_copy(update={"trace_hooks": True}))
    printed = capsys.readouterr().err
    assert "[hook] pack_info -> legal" in printed
    assert "[hook] pack_info done in" in printed


def test_a_pack_calling_itself_core_does_not_unload_the_cores_own_plugin(site, codexcontinue_settings):
    install_pack(site, "core")
    registry = load(codexcontinue_settings)
    assert [page.slug for page in registry.builtins["codexcontinue.builtin"].pages] == ["home"]
    assert registry.plugin_manager.get_plugin("core") is registry.builtins["codexcontinue.builtin"].module
