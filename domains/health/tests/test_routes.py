"""The health routes over HTTP: de-identify (JSON and upload), SOAP, FHIR, ICD-10, limits, and the audit trail."""

import asyncio
import dataclasses
import json

import pytest
from codexcontinue.api.app import create_app
from codexcontinue.audit import AuditRecord
from fastapi.testclient import TestClient

NOTE = "Pt Maria Lopez (MRN 4471123) seen 3/4/2021 by Dr. Okafor. Call 217-555-0198."
HEADED_NOTE = (
    "CC: cough x 3 days\nHPI: Maria Lopez reports productive cough. No chest pain. Denies fever.\n"
    "Vitals: BP 130/85\nAssessment: Community-acquired pneumonia\nPlan: start amoxicillin"
)


@pytest.fixture
def writer(make_api_key):
    return make_api_key("health:write", name="clinic-laptop")


def audit(client):
    """The records of the platform's audit trail (the core writes one per health call), oldest first."""
    return client.portal.call(client.app.state.audit.tail, 1000)


def test_deidentify_returns_text_and_spans_without_echoing_the_input(api_client, writer):
    response = api_client.post("/api/v1/health/deidentify", json={"text": NOTE, "mode": "redact"}, headers=writer)
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == "Pt [NAME] (MRN [MRN]) seen [DATE] by Dr. [NAME]. Call [PHONE]."
    assert [s["category"] for s in body["spans"]] == ["NAME", "MRN", "DATE", "NAME", "PHONE"]
    assert {"start", "end", "confidence", "replacement"} <= set(body["spans"][0])
    assert "Maria" not in response.text and all(s["original"] is None for s in body["spans"])


def test_the_original_values_come_back_only_when_asked(api_client, writer):
    body = api_client.post(
        "/api/v1/health/deidentify", json={"text": NOTE, "include_original": True}, headers=writer
    ).json()
    assert body["spans"][0]["original"] == "Maria Lopez"


def test_unknown_fields_and_modes_are_refused(api_client, writer):
    response = api_client.post("/api/v1/health/deidentify", json={"text": NOTE, "mode": "scramble"}, headers=writer)
    assert response.status_code == 422 and "Mode" in response.json()["detail"]
    response = api_client.post("/api/v1/health/deidentify", json={"text": NOTE, "shift": 3}, headers=writer)
    assert response.status_code == 422 and "shift" in response.json()["detail"]


def test_a_text_file_upload_is_deidentified(api_client, writer):
    response = api_client.post(
        "/api/v1/health/deidentify/upload",
        files={"file": ("note.txt", NOTE.encode(), "text/plain")},
        data={"mode": "pseudonym"},
        headers=writer,
    )
    assert response.status_code == 200
    assert "Maria" not in response.json()["text"] and "[MRN-1]" in response.json()["text"]


@pytest.mark.parametrize(
    ("name", "kind", "data", "status", "says"),
    [
        ("face.jpg", "image/jpeg", b"\xff\xd8\xff", 415, "full-face"),
        ("note.pdf", "application/pdf", b"%PDF-1.7", 415, "text/plain"),
        ("note.txt", "text/plain", b"\xff\xfe\x00bad", 422, "UTF-8"),
    ],
)
def test_uploads_other_than_text_are_refused_with_what_is_accepted(api_client, writer, name, kind, data, status, says):
    response = api_client.post("/api/v1/health/deidentify/upload", files={"file": (name, data, kind)}, headers=writer)
    assert response.status_code == status
    assert says in response.json()["detail"]


def test_bodies_and_notes_over_the_limits_answer_413(codexcontinue_settings, monkeypatch):
    monkeypatch.setenv("CODEXCONTINUE_HEALTH__MAX_BODY_BYTES", "2000")
    monkeypatch.setenv("CODEXCONTINUE_HEALTH__MAX_TEXT_CHARS", "100")
    app = create_app(codexcontinue_settings)
    with TestClient(app) as client:
        token, _ = asyncio.run(app.state.keyring.create("t", ["health:write"]))
        headers = {"Authorization": f"Bearer {token}"}
        big = client.post("/api/v1/health/deidentify", json={"text": "x" * 5000}, headers=headers)
        assert big.status_code == 413 and "2,000 bytes" in big.json()["detail"] and "Send fewer or shorter" in big.json()["detail"]
        long = client.post("/api/v1/health/deidentify", json={"text": "y" * 500}, headers=headers)
        assert long.status_code == 413 and "the limit is 100" in long.json()["detail"] and "Split it" in long.json()["detail"]
    audited = [json.loads(line) for line in codexcontinue_settings.audit_path.read_text().splitlines()]
    assert [(r["route"], r["outcome"]) for r in audited] == [("/api/v1/health/deidentify", 413)] * 2


def test_a_headed_note_becomes_soap_with_negations_kept(api_client, writer):
    response = api_client.post("/api/v1/health/soap", json={"text": HEADED_NOTE, "use_llm": False}, headers=writer)
    assert response.status_code == 200
    note = response.json()
    assert note["subjective"] == ["cough x 3 days", "[NAME] reports productive cough.", "No chest pain.", "Denies fever."]
    assert note["objective"] == ["BP 130/85"] and note["plan"] == ["start amoxicillin"]
    negated = {f["text"]: f["negated"] for f in note["findings"]}
    assert negated["No chest pain."] and negated["Denies fever."] and not negated["[NAME] reports productive cough."]
    assert note["llm_used"] is False and note["phi_removed"] == 1


def test_free_text_goes_through_the_llm_redacted_and_uncached(codexcontinue_settings, ollama_server):
    ollama_server.add_model("health-clinician")
    ollama_server.script_reply(
        {"subjective": ["[NAME] reports cough", "chest pain"], "objective": [], "assessment": ["bronchitis"], "plan": ["rest"]}
    )
    app = create_app(codexcontinue_settings.model_copy(update={"ollama_hosts": [ollama_server.url]}))
    with TestClient(app) as client:
        token, _ = asyncio.run(app.state.keyring.create("t", ["health:write"]))
        text = "Maria Lopez has had a cough for a week, no chest pain. Likely bronchitis; rest."
        note = client.post("/api/v1/health/soap", json={"text": text}, headers={"Authorization": f"Bearer {token}"}).json()
        keys = asyncio.run(app.state.store.keys("llm:cache:"))
    assert note["llm_used"] is True and note["assessment"] == ["bronchitis"]
    assert {f["text"]: f["negated"] for f in note["findings"]}["chest pain"] is True  # the note said "no chest pain"
    sent = ollama_server.requests[-1].body["messages"][-1]["content"]
    assert "[NAME] has had a cough" in sent and "Maria" not in sent
    assert keys == []


def test_a_structured_note_exports_as_a_fhir_document(api_client, writer):
    bundle = api_client.post("/api/v1/health/soap/fhir", json={"text": HEADED_NOTE, "use_llm": False}, headers=writer).json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "document"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[:2] == ["Composition", "Patient"] and "Condition" in kinds
    conditions = {e["resource"]["code"]["text"]: e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"}
    assert conditions["No chest pain."]["verificationStatus"]["coding"][0]["code"] == "refuted"
    pneumonia = conditions["Community-acquired pneumonia"]
    assert pneumonia["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert "Maria" not in str(bundle)


def test_icd10_lookup_search_and_validation(api_client, make_api_key):
    reader = make_api_key("health:read")
    code = api_client.get("/api/v1/health/icd10/codes/e119", headers=reader).json()
    assert code["code"] == "E11.9" and code["billable"] and code["parent"]["code"] == "E11"
    assert [a["code"] for a in code["ancestors"]] == ["E11", "E08-E13", "4"]
    missing = api_client.get("/api/v1/health/icd10/codes/Z99.999", headers=reader)
    assert missing.status_code == 404 and "search" in missing.json()["detail"]
    found = api_client.get("/api/v1/health/icd10/search", params={"q": "diabetis type 2"}, headers=reader).json()
    assert found[0]["code"] == "E11"
    checks = api_client.get("/api/v1/health/icd10/validate", params={"codes": "E11.9,E11,XYZ"}, headers=reader).json()
    assert [(c["valid"], c["billable"]) for c in checks] == [(True, True), (True, False), (False, False)]


def test_every_call_is_audited_with_ids_and_never_text(api_client, codexcontinue_settings, writer, make_api_key):
    api_client.post("/api/v1/health/deidentify", json={"text": NOTE}, headers=writer)
    api_client.get("/api/v1/health/icd10/codes/E11.9", headers=writer)
    api_client.get("/api/v1/health/icd10/codes/e119", headers=writer)
    api_client.post("/api/v1/health/deidentify", json={"text": NOTE}, headers=make_api_key("legal:write"))
    api_client.post("/api/v1/health/deidentify", json={"text": NOTE})
    records = audit(api_client)
    assert [(r.pack, r.action, r.route, r.outcome, r.actor_name) for r in records] == [
        ("health", "POST", "/api/v1/health/deidentify", 200, "clinic-laptop"),
        ("health", "GET", "/api/v1/health/icd10/codes/{code}", 200, "clinic-laptop"),
        ("health", "GET", "/api/v1/health/icd10/codes/{code}", 200, "clinic-laptop"),
        ("health", "POST", "/api/v1/health/deidentify", 403, "test"),
        ("health", "POST", "/api/v1/health/deidentify", 401, ""),
    ]
    assert records[0].resources[0].startswith("doc-") and records[0].actor != "anonymous"
    assert records[1].resources == ["E11.9"] and records[2].resources == ["E11.9"]  # validated, never as typed
    assert records[4].actor == "anonymous"
    assert "Maria" not in str(records) and "Maria" not in codexcontinue_settings.audit_path.read_text()


def test_icd10_routes_audit_only_codes_they_validated(api_client, codexcontinue_settings, writer):
    phi = ["Margaret Thompsonwood 555-867-5309", "SSN-123-45-6789", "Margaret", "Thompsonwood", "555-867-5309"]
    assert api_client.get(f"/api/v1/health/icd10/codes/{phi[0]}", headers=writer).status_code == 422
    assert api_client.get("/api/v1/health/icd10/codes/Thompsonwood", headers=writer).status_code == 404
    assert api_client.get(f"/api/v1/health/icd10/codes/{phi[1]}", headers=writer).status_code == 404
    checks = api_client.get("/api/v1/health/icd10/validate", params={"codes": f"{phi[0]},I10,{phi[1]}"}, headers=writer)
    assert [c["valid"] for c in checks.json()] == [False, True, False]
    records = audit(api_client)
    assert [r.route for r in records[:3]] == ["/api/v1/health/icd10/codes/{code}"] * 3
    assert [r.resources for r in records] == [[], [], [], ["I10"]]
    trail = codexcontinue_settings.audit_path.read_text()
    assert not any(value in trail for value in phi)


def test_only_an_admin_reads_the_health_records_of_a_day(api_client, make_api_key):
    admin = make_api_key("admin")
    assert api_client.get("/api/v1/health/audit", headers=make_api_key("health:write")).status_code == 403
    api_client.post("/api/v1/keys", json={"name": "ci", "scopes": ["legal:read"]}, headers=admin)  # a core record
    records = api_client.get("/api/v1/health/audit", headers=admin).json()
    assert [(r["pack"], r["action"], r["route"], r["outcome"]) for r in records] == [
        ("health", "GET", "/api/v1/health/audit", 403)
    ]
    assert set(records[0]) == {f.name for f in dataclasses.fields(AuditRecord)}
    assert api_client.get("/api/v1/health/audit", params={"day": "2000-01-01"}, headers=admin).json() == []
    wrong = api_client.get("/api/v1/health/audit", params={"day": "2024-02-30"}, headers=admin)
    assert wrong.status_code == 422 and "YYYY-MM-DD" in wrong.json()["detail"]
