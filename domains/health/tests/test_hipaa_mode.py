"""HIPAA mode is a setting (`CODEXCONTINUE_HEALTH__HIPAA_MODE`, on by default), read where it is used."""

from __future__ import annotations

import pytest
from codexcontinue import LLMCall
from codexcontinue.api.app import create_app
from fastapi.testclient import TestClient

NOTE = "Patient John Smith, seen 03/14/2024."


def health_call() -> LLMCall:
    return LLMCall(pack="health", model="health-clinician", messages=[{"role": "user", "content": NOTE}])


@pytest.mark.parametrize("hipaa_mode, detail", [(None, "HIPAA mode on"), ("false", "HIPAA mode OFF")])
def test_the_setting_decides_the_readiness_detail_and_what_happens_to_the_packs_llm_calls(
    codexcontinue_settings, monkeypatch, hipaa_mode, detail
):
    if hipaa_mode is not None:
        monkeypatch.setenv("CODEXCONTINUE_HEALTH__HIPAA_MODE", hipaa_mode)
    app = create_app(codexcontinue_settings.model_copy(update={"packs": ["health"]}))
    with TestClient(app) as client:
        assert client.get("/readyz").json()["checks"]["packs"]["health"]["detail"] == detail
    changed = app.state.registry.plugin_manager.hook.before_llm_call(call=health_call())
    if hipaa_mode is None:
        [call] = changed
        assert call.cacheable is False and "John Smith" not in call.messages[0]["content"]
    else:
        assert changed == []


def test_other_packs_calls_are_left_alone_in_hipaa_mode(codexcontinue_settings):
    app = create_app(codexcontinue_settings.model_copy(update={"packs": ["health"]}))
    other = health_call().model_copy(update={"pack": "legal"})
    assert app.state.registry.plugin_manager.hook.before_llm_call(call=other) == []
