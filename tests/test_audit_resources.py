"""The audit trail names resources only when a pack found, created or validated them: never a path
parameter as the caller typed it, and nothing for a request that failed."""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_route_auth import every_route_with_scope

from codexcontinue.api.app import create_app
from codexcontinue.testing.plugin import create_key

FINANCE_DATA = Path(__file__).resolve().parents[1] / "domains" / "finance" / "tests" / "data"
PHI = "Margaret Thompsonwood 555-867-5309"
PHI_PIECES = ("margaret", "thompsonwood", "867-5309")


@pytest.fixture
def app(codexcontinue_settings):
    return create_app(codexcontinue_settings.model_copy(update={"audit_packs": ["all"], "anonymous_rate_limit": ""}))


def audit_records(app) -> list[dict]:
    path = app.state.settings.audit_path
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def phi_in_audit(app) -> list[str]:
    written = app.state.settings.audit_path.read_text().lower()
    return [piece for piece in PHI_PIECES if piece in written]


def test_no_route_records_a_path_parameter_the_caller_typed(app):
    headers = {"X-API-Key": create_key(app, "admin")}
    quoted = urllib.parse.quote(PHI, safe="")
    templated = [(method, path) for method, path, _ in every_route_with_scope(app) if "/x" in path]
    with TestClient(app, raise_server_exceptions=False) as client:
        for method, path in templated:
            route = re.sub(r"/x(?=/|$)", f"/{quoted}", path)
            client.request(method, route, headers=headers)
            client.request(method, route)  # and without a key
        client.get(f"/api/v1/health/icd10/codes/{urllib.parse.quote('ssn-123-45-6789')}", headers=headers)
    records = audit_records(app)
    assert len(records) >= len(templated) > 20
    assert phi_in_audit(app) == []
    assert all(record["route"].startswith("/api/v1/") or record["route"] == "unmatched" for record in records)
    assert all(record["resources"] == [] for record in records)  # every one of them failed: 404 or 422


def test_routes_name_the_objects_they_found_or_created(app):
    headers = {"X-API-Key": create_key(app, "admin")}
    with TestClient(app) as client:
        matter = client.post("/api/v1/legal/matters", json={"title": "Acme v. Roe", "client": "Acme"}, headers=headers)
        matter_id = matter.json()["id"]
        client.get(f"/api/v1/legal/matters/{matter_id}", headers=headers)
        client.post(f"/api/v1/legal/matters/{matter_id}/notes", json={"text": PHI}, headers=headers)
        with (FINANCE_DATA / "chase_checking.csv").open("rb") as file:
            imported = client.post(
                "/api/v1/finance/transactions/imports", files={"file": ("chase.csv", file)}, headers=headers
            )
        import_id = imported.json()["id"]
        client.get(f"/api/v1/finance/transactions/imports/{import_id}", headers=headers)
        client.get("/api/v1/developer/templates/pack", headers=headers)
    named = {(record["action"], record["route"]): record["resources"] for record in audit_records(app)}
    assert named[("POST", "/api/v1/legal/matters")] == [matter_id]
    assert named[("GET", "/api/v1/legal/matters/{matter_id}")] == [matter_id]
    assert named[("POST", "/api/v1/legal/matters/{matter_id}/notes")] == [matter_id]
    assert named[("GET", "/api/v1/finance/transactions/imports/{import_id}")] == [import_id]
    assert named[("GET", "/api/v1/developer/templates/{name}")] == ["pack"]
    assert phi_in_audit(app) == []  # the note's text is not a resource


def test_icd10_validation_records_only_valid_codes(app):
    headers = {"X-API-Key": create_key(app, "admin")}
    with TestClient(app) as client:
        checks = client.get("/api/v1/health/icd10/validate", params={"codes": f"E11.9,{PHI}"}, headers=headers)
    assert checks.status_code == 200
    [record] = audit_records(app)
    assert record["resources"] == ["E11.9"]
    assert phi_in_audit(app) == []
