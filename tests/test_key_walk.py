"""Every route against every wrong key: none, revoked, expired, another pack's; and owned objects
(jobs, the finance pack's uploads) against a key of the same pack but another owner."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_route_auth import PUBLIC, codexcontinue_settings, every_route_with_scope  # noqa: F401 - a fixture: no
# limit on requests without a valid key, which the walks send by the hundred

from codexcontinue.api.app import create_app
from codexcontinue.api.request_info import pack_of
from codexcontinue.testing.plugin import create_key

FINANCE_DATA = Path(__file__).resolve().parents[1] / "domains" / "finance" / "tests" / "data"


@pytest.fixture
def app(codexcontinue_settings):
    return create_app(codexcontinue_settings)


def headers(token: str) -> dict[str, str]:
    return {"X-API-Key": token}


def test_revoked_and_expired_keys_get_401_on_every_route(app):
    revoked = create_key(app, "admin", name="revoked")
    expiring = create_key(app, "admin", name="expiring")
    with TestClient(app) as client:
        client.portal.call(app.state.keyring.revoke, revoked.split("_")[1])
        expired_token, _ = client.portal.call(app.state.keyring.create, "expired", ["admin"], 0.2)
        time.sleep(0.3)
        for method, path, _ in every_route_with_scope(app):
            if path in PUBLIC:
                continue
            for token in (revoked, expired_token):
                assert client.request(method, path, headers=headers(token)).status_code == 401, (method, path)
        assert client.get("/api/v1/packs", headers=headers(expiring)).status_code == 200  # a live key still works


def test_another_packs_key_gets_403_on_every_pack_route(app):
    finance_key = create_key(app, "finance:write")
    with TestClient(app) as client:
        for method, path, _ in every_route_with_scope(app):
            pack = pack_of(path)
            if pack is None or pack == "finance":
                continue
            assert client.request(method, path, headers=headers(finance_key)).status_code == 403, (method, path)


def upload(client: TestClient, method: str, path: str, name: str, token: str) -> dict:
    with (FINANCE_DATA / name).open("rb") as file:
        response = client.request(method, path, files={"file": (name, file)}, headers=headers(token))
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_owned_objects_answer_404_to_a_key_of_the_same_pack_but_another_owner(app):
    owner = create_key(app, "finance:write", name="owner")
    stranger = create_key(app, "finance:write", name="stranger")
    with TestClient(app) as client:
        job = client.post("/api/v1/jobs", json={"task": "core.generate", "arguments": {"model": "finance-analyst", "prompt": "hi"}},
                          headers=headers(owner)).json()  # fmt: skip
        statement = upload(client, "POST", "/api/v1/finance/statements", "apple_fy2023_statement.csv", owner)
        imported = upload(client, "POST", "/api/v1/finance/transactions/imports", "chase_checking.csv", owner)
        upload(client, "PUT", "/api/v1/finance/portfolios/mine/activity", "broker_activity.csv", owner)
        owned = [
            f"/api/v1/jobs/{job['id']}",
            f"/api/v1/finance/statements/{statement['id']}",
            f"/api/v1/finance/transactions/imports/{imported['id']}",
            "/api/v1/finance/portfolios/mine",
        ]
        for path in owned:
            assert client.get(path, headers=headers(owner)).status_code == 200, path
            answer = client.get(path, headers=headers(stranger))
            assert answer.status_code == 404, (path, answer.status_code)
            assert "owner" not in answer.text and owner not in answer.text
        assert client.delete("/api/v1/finance/portfolios/mine", headers=headers(stranger)).status_code == 404
        assert client.get("/api/v1/finance/portfolios/mine", headers=headers(owner)).status_code == 200
