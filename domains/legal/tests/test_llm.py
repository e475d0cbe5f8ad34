"""The LLM parts against the testing kit's Ollama-protocol server: summaries and the clause pass."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from codexcontinue.api.app import create_app
from codexcontinue_legal.analyst_model import ANALYST_MODEL


@pytest.fixture
def llm_client(codexcontinue_settings, ollama_server):
    """A client of a backend whose Ollama is the test server, which has the 'legal-analyst' model."""
    ollama_server.add_model(ANALYST_MODEL)
    app = create_app(codexcontinue_settings.model_copy(update={"ollama_hosts": [ollama_server.url]}))
    with TestClient(app) as client:
        token, _ = client.portal.call(app.state.keyring.create, "t", ["legal:read", "legal:write"])
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def test_a_summary_keeps_the_documents_citations_verbatim(llm_client, ollama_server, opinion):
    ollama_server.script_reply(
        "Congress enacted [C3] to overrule [C1], which required warnings; see also 999 U.S. 1.",
        model=ANALYST_MODEL,
    )
    response = llm_client.post(
        "/api/v1/legal/documents/summary", json={"text": opinion("dickerson_syllabus")}
    )
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["summary"] == (
        "Congress enacted 18 U.S.C. § 3501 to overrule Miranda v. Arizona, 384 U.S. 436, which required "
        "warnings; see also 999 U.S. 1."
    )
    assert summary["citations_kept"] == ["Miranda v. Arizona, 384 U.S. 436", "18 U.S.C. § 3501"]
    assert summary["citations_omitted"] == ["id., at 479"]
    assert summary["citations_invented"] == ["999 U.S. 1"]
    [chat] = [r for r in ollama_server.requests if r.path == "/api/chat"]
    sent = chat.body["messages"][-1]["content"]
    assert "[C1]" in sent and "384 U.S. 436" not in sent  # the model never sees the citations themselves


def test_the_llm_clause_pass_adds_findings_and_never_removes_the_detectors(
    llm_client, ollama_server, cuad_contract
):
    text = cuad_contract("maintenance_agreement")
    without = llm_client.post("/api/v1/legal/contracts/review-text", json={"text": text}).json()
    assert "Non-Compete" in without["categories_missing"]
    extra = "Provider shall provide the Services and Repairs in a professional and workmanlike manner."
    assert extra in text
    ollama_server.script_reply(
        {"clauses": [
            {"category": "Non-Compete", "quote": extra, "answer": None},
            {"category": "Governing Law", "quote": "SUBSTANTIVE LAWS OF THE STATE OF DELAWARE", "answer": "Delaware"},
            {"category": "Insurance", "quote": "Provider shall insure the moon.", "answer": None},
        ]},
        *[{"clauses": []}] * 5,
        model=ANALYST_MODEL,
    )  # fmt: skip
    response = llm_client.post("/api/v1/legal/contracts/review-text", json={"text": text, "llm": True})
    assert response.status_code == 200, response.text
    review = response.json()
    report = review["llm_pass"]
    assert (report["added"], report["confirmed"]) == (1, 1)
    assert report["unmatched_quotes"] == ["Provider shall insure the moon."]
    assert report["answers"] == {"Governing Law": ["Delaware"]}
    [added] = [f for f in review["findings"] if f["source"] == "llm"]
    assert (added["category"], added["confidence"], text[added["start"] : added["end"]]) == (
        "Non-Compete",
        None,
        extra,
    )
    detector = [f for f in review["findings"] if f["source"] == "detector"]
    assert [(f["category"], f["start"]) for f in detector] == [
        (f["category"], f["start"]) for f in without["findings"]
    ]
    assert "Non-Compete" in review["categories_found"]


def test_the_analyst_model_is_registered_on_the_configured_base(codexcontinue_settings, monkeypatch):
    from codexcontinue.packs.registry import PackRegistry

    monkeypatch.setenv("CODEXCONTINUE_LEGAL__ANALYST_BASE_MODEL", "qwen2.5:7b")
    registry = PackRegistry(codexcontinue_settings).load()
    [model] = registry.packs["legal"].models
    assert (model.name, model.base, model.options["temperature"]) == ("legal-analyst", "qwen2.5:7b", 0)
