"""Every route against every wrong key: none, revoked, expired, another pack's; and every object a
route creates, in the core and every pack, against a key of the same scopes but another owner."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from starlette.routing import compile_path
from test_route_auth import PUBLIC, codexcontinue_settings, every_route_with_scope  # noqa: F401 - a fixture: no
# limit on requests without a valid key, which the walks send by the hundred

from codexcontinue.api.app import create_app
from codexcontinue.api.request_info import pack_of
from codexcontinue.testing.plugin import create_key

FINANCE_DATA = Path(__file__).resolve().parents[1] / "domains" / "finance" / "tests" / "data"
FINANCE = "/api/v1/finance"
LEGAL = "/api/v1/legal"


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


# The ownership walk -----------------------------------------------------------------------------
#
# Every route that writes (any method but GET, unless marked READ_SCOPE) or names an object in its
# path is in exactly one table below, so a new route cannot slip by: `CREATES` (how owner A makes
# its object), `ACTS_ON` (the creator whose object the route reads or changes; the stranger's call
# must be a 404) or `NOT_OWNED` (why no owner's object is involved).

Call = tuple[str, str, dict[str, Any]]  # method, path, request keyword arguments


@dataclass
class Owned:
    """An object owner A made: where it is read and changed, the listings that show it, and how it
    is deleted (by A's second key; afterwards A's first key reads a 404)."""

    reads: list[str] = field(default_factory=list)
    changes: list[Call] = field(default_factory=list)
    listings: dict[str, str] = field(default_factory=dict)  # listing path -> text of the object in it
    delete: Call | None = None


Maker = Callable[[TestClient, dict[str, str]], Owned]


def made(response: Any) -> dict:
    assert response.status_code in (200, 201, 202), response.text
    return response.json()


def sent(name: str, content: bytes | None = None) -> dict[str, Any]:
    return {"files": {"file": (name, content if content is not None else (FINANCE_DATA / name).read_bytes())}}


def wait_for_job(client: TestClient, job_id: str, headers: dict[str, str]) -> None:
    deadline = time.monotonic() + 60
    while client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()["state"] not in ("complete", "failed"):
        assert time.monotonic() < deadline, f"job {job_id} did not end within 60 s"
        time.sleep(0.05)


def core_job(client: TestClient, headers: dict[str, str]) -> Owned:
    body = {"task": "core.generate", "arguments": {"model": "finance-analyst", "prompt": "hi"}}
    job = made(client.post("/api/v1/jobs", json=body, headers=headers))
    wait_for_job(client, job["id"], headers)  # it fails (no LLM here): still the owner's to read
    return Owned(reads=[f"/api/v1/jobs/{job['id']}", f"/api/v1/jobs/{job['id']}/events"])


def corpus_job(client: TestClient, headers: dict[str, str]) -> Owned:
    notes = b'{"id": "n1", "text": "Seen by Dr. Smith on 3/4/2021. Call 217-555-0198."}\n'
    job = made(client.post("/api/v1/health/deidentify/corpus", **sent("notes.jsonl", notes), headers=headers))
    wait_for_job(client, job["id"], headers)
    return Owned(reads=[f"/api/v1/jobs/{job['id']}", job["result_url"]])


def matter(client: TestClient, headers: dict[str, str]) -> Owned:
    body = {"title": "Walk v. Owners", "client": "Alice Walk", "opposing_parties": ["Bob Owner"]}
    created = made(client.post(f"{LEGAL}/matters", json=body, headers=headers))
    path = f"{LEGAL}/matters/{created['id']}"
    with_deadline = made(client.post(f"{path}/deadlines", json={"title": "Answer", "due": "2030-01-15"}, headers=headers))
    deadline = with_deadline["deadlines"][0]["id"]
    return Owned(
        reads=[path],
        changes=[
            ("PATCH", path, {"json": {"status": "closed"}}),
            ("POST", f"{path}/deadlines", {"json": {"title": "Reply", "due": "2030-02-01"}}),
            ("DELETE", f"{path}/deadlines/{deadline}", {}),
            ("POST", f"{path}/documents", {"json": {"name": "complaint.pdf"}}),
            ("POST", f"{path}/notes", {"json": {"text": "called the client"}}),
            ("DELETE", path, {}),
        ],
        listings={f"{LEGAL}/matters": created["id"]},
        delete=("DELETE", path, {}),
    )


def statement(client: TestClient, headers: dict[str, str]) -> Owned:
    created = made(client.post(f"{FINANCE}/statements", **sent("apple_fy2023_statement.csv"), headers=headers))
    return Owned(reads=[f"{FINANCE}/statements/{created['id']}"], listings={f"{FINANCE}/statements": created["id"]})


def transaction_import(client: TestClient, headers: dict[str, str]) -> Owned:
    created = made(client.post(f"{FINANCE}/transactions/imports", **sent("chase_checking.csv"), headers=headers))
    path = f"{FINANCE}/transactions/imports/{created['id']}"
    return Owned(
        reads=[path],
        changes=[("DELETE", path, {})],
        listings={f"{FINANCE}/transactions/imports": created["id"], f"{FINANCE}/transactions": f'"id":"{created["id"]}-'},
        delete=("DELETE", path, {}),
    )


def portfolio(client: TestClient, headers: dict[str, str]) -> Owned:
    path = f"{FINANCE}/portfolios/walk"
    made(client.put(f"{path}/activity", **sent("broker_activity.csv"), headers=headers))
    return Owned(
        reads=[path],
        changes=[
            ("PUT", f"{path}/prices", sent("broker_prices.csv")),
            ("POST", f"{FINANCE}/reports/portfolio/walk", {"json": {}}),
            ("DELETE", path, {}),
        ],
        listings={f"{FINANCE}/portfolios": '"walk"'},
        delete=("DELETE", path, {}),
    )


def price_series(client: TestClient, headers: dict[str, str]) -> Owned:
    prices = b"Date,Close\n2024-01-02,100\n2024-01-03,101\n2024-01-04,99\n2024-01-05,102\n"
    made(client.post(f"{FINANCE}/market/series", **sent("walk.csv", prices), data={"name": "walkseries"}, headers=headers))
    path = f"{FINANCE}/market/series/walkseries"
    return Owned(
        reads=[f"{FINANCE}/market/analysis/walkseries"],
        changes=[("DELETE", path, {})],
        listings={f"{FINANCE}/market/series": "walkseries"},
        delete=("DELETE", path, {}),
    )


def category(client: TestClient, headers: dict[str, str]) -> Owned:
    made(client.post(f"{FINANCE}/transactions/categories", json={"name": "Walkcat"}, headers=headers))
    return Owned(listings={f"{FINANCE}/transactions/categories": "Walkcat"})


def correction(client: TestClient, headers: dict[str, str]) -> Owned:
    made(client.post(f"{FINANCE}/transactions/imports", **sent("chase_checking.csv"), headers=headers))
    merchant = made(client.get(f"{FINANCE}/transactions", headers=headers))["transactions"][0]["merchant"]
    body = {"merchant": merchant, "category": "Walkfix", "create": True}
    made(client.post(f"{FINANCE}/transactions/corrections", json=body, headers=headers))
    return Owned(listings={f"{FINANCE}/transactions/corrections": "Walkfix"})


def budgets(client: TestClient, headers: dict[str, str]) -> Owned:
    body = [{"category": "Groceries", "limit": 321.5, "currency": "GBP"}]
    made(client.put(f"{FINANCE}/transactions/budgets", json=body, headers=headers))
    return Owned(listings={f"{FINANCE}/transactions/budgets?month=2024-03": "321.5"})


def rules(client: TestClient, headers: dict[str, str]) -> Owned:
    made(client.put(f"{FINANCE}/transactions/rules", json=[{"contains": "WALKRULE", "category": "Groceries"}], headers=headers))
    return Owned(listings={f"{FINANCE}/transactions/rules": "WALKRULE"})


CREATES: dict[tuple[str, str], Maker] = {
    ("POST", "/api/v1/jobs"): core_job,
    ("POST", "/api/v1/health/deidentify/corpus"): corpus_job,
    ("POST", f"{LEGAL}/matters"): matter,
    ("POST", f"{FINANCE}/statements"): statement,
    ("POST", f"{FINANCE}/transactions/imports"): transaction_import,
    ("PUT", f"{FINANCE}/portfolios/{{name}}/activity"): portfolio,
    ("POST", f"{FINANCE}/market/series"): price_series,
    ("POST", f"{FINANCE}/transactions/categories"): category,
    ("POST", f"{FINANCE}/transactions/corrections"): correction,
    ("PUT", f"{FINANCE}/transactions/budgets"): budgets,
    ("PUT", f"{FINANCE}/transactions/rules"): rules,
}
ACTS_ON: dict[tuple[str, str], Maker] = {
    ("GET", "/api/v1/jobs/{job_id}"): core_job,
    ("GET", "/api/v1/jobs/{job_id}/events"): core_job,
    ("GET", "/api/v1/health/deidentify/corpus/{job_id}/result"): corpus_job,
    ("GET", f"{LEGAL}/matters/{{matter_id}}"): matter,
    ("PATCH", f"{LEGAL}/matters/{{matter_id}}"): matter,
    ("DELETE", f"{LEGAL}/matters/{{matter_id}}"): matter,
    ("POST", f"{LEGAL}/matters/{{matter_id}}/deadlines"): matter,
    ("DELETE", f"{LEGAL}/matters/{{matter_id}}/deadlines/{{deadline_id}}"): matter,
    ("POST", f"{LEGAL}/matters/{{matter_id}}/documents"): matter,
    ("POST", f"{LEGAL}/matters/{{matter_id}}/notes"): matter,
    ("GET", f"{FINANCE}/statements/{{statement_id}}"): statement,
    ("GET", f"{FINANCE}/transactions/imports/{{import_id}}"): transaction_import,
    ("DELETE", f"{FINANCE}/transactions/imports/{{import_id}}"): transaction_import,
    ("GET", f"{FINANCE}/portfolios/{{name}}"): portfolio,
    ("PUT", f"{FINANCE}/portfolios/{{name}}/prices"): portfolio,
    ("DELETE", f"{FINANCE}/portfolios/{{name}}"): portfolio,
    ("POST", f"{FINANCE}/reports/portfolio/{{name}}"): portfolio,
    ("GET", f"{FINANCE}/market/analysis/{{name}}"): price_series,
    ("DELETE", f"{FINANCE}/market/series/{{name}}"): price_series,
}
NOT_OWNED: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/keys"): "keys are the platform's, made by admins; a key's owner is what owns objects",
    ("DELETE", "/api/v1/keys/{prefix}"): "revoking a key is an admin's act on the platform's keys",
    ("POST", "/api/v1/health/deidentify"): "answers from the request body; stores nothing",
    ("POST", "/api/v1/health/deidentify/batch"): "answers from the request body; stores nothing",
    ("POST", "/api/v1/health/deidentify/upload"): "answers from the uploaded file; stores nothing",
    ("POST", "/api/v1/health/soap"): "answers from the request body; stores nothing",
    ("POST", "/api/v1/health/soap/fhir"): "answers from the request body; stores nothing",
    ("GET", "/api/v1/health/icd10/codes/{code}"): "the shipped ICD-10-CM code set, the same for everyone",
    ("GET", "/api/v1/developer/templates/{name}"): "the shipped project templates, the same for everyone",
    ("POST", "/api/v1/developer/templates/{name}/project"): "renders a shipped template into a download; stores nothing",
    ("POST", f"{FINANCE}/transactions/preview"): "reads the uploaded file against the caller's own ledger; stores nothing",
    ("POST", f"{FINANCE}/reports/account"): "a report of the caller's own transactions; stores nothing",
}


def test_every_route_that_writes_or_names_an_object_is_in_the_ownership_tables(app):
    tables = [set(CREATES), set(ACTS_ON), set(NOT_OWNED)]
    assert not (tables[0] & tables[1] or tables[0] & tables[2] or tables[1] & tables[2])
    from fastapi.routing import iter_route_contexts

    from codexcontinue.api.deps import READ_METHODS, SCOPE_EXTENSION

    missing = []
    for route in iter_route_contexts(app.routes):
        marked_read = (getattr(route.original_route, "openapi_extra", None) or {}).get(SCOPE_EXTENSION) == "read"
        for method in getattr(route.original_route, "methods", None) or ():
            writes = method not in READ_METHODS and not marked_read
            if (writes or "{" in route.path) and not any((method, route.path) in table for table in tables):
                missing.append((method, route.path))
    assert not missing, f"Say in CREATES, ACTS_ON or NOT_OWNED what these routes do to an owner's objects: {missing}"


@pytest.fixture(params=["embedded", "redis"])
def owners_app(request, codexcontinue_settings):
    """The app on the embedded store, and on a real Redis with a job worker inside the API."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        update = {"redis_url": SecretStr(url), "in_process_worker": True}
        codexcontinue_settings = codexcontinue_settings.model_copy(update=update)
    return create_app(codexcontinue_settings)


SCOPES = ("legal:write", "finance:write", "health:write")


@pytest.mark.parametrize("creator", [(method, path) for method, path in CREATES], ids=lambda c: f"{c[0]} {c[1]}")
def test_another_owners_key_gets_404_and_never_lists_it_and_a_second_key_of_the_owner_shares_it(owners_app, creator):
    alice = headers(create_key(owners_app, *SCOPES, name="alice laptop", owner="alice"))
    alice_phone = headers(create_key(owners_app, *SCOPES, name="alice phone", owner="alice"))
    bob = headers(create_key(owners_app, *SCOPES, name="bob", owner="bob"))
    make = CREATES[creator]
    with TestClient(owners_app) as client:
        owned = make(client, alice)
        called = []
        for path in owned.reads:
            called.append(("GET", path))
            answer = client.get(path, headers=bob)
            assert answer.status_code == 404, (path, answer.status_code, answer.text)
            assert "alice" not in answer.text
            assert client.get(path, headers=alice_phone).status_code == 200, path
        for method, path, options in owned.changes:
            called.append((method, path))
            answer = client.request(method, path, headers=bob, **options)
            assert answer.status_code == 404, (method, path, answer.status_code, answer.text)
        for path, shown in owned.listings.items():
            assert shown in client.get(path, headers=alice_phone).text, path
            listing = client.get(path, headers=bob)
            assert listing.status_code == 200 and shown not in listing.text, (path, listing.text)
        for path in owned.reads:  # the stranger's changes and deletes changed nothing
            assert client.get(path, headers=alice).status_code == 200, path
        if owned.delete is not None:
            method, path, options = owned.delete
            assert client.request(method, path, headers=alice_phone, **options).status_code in (200, 204)
            for read in owned.reads:
                assert client.get(read, headers=alice).status_code == 404, read
            for listing in owned.listings:
                assert owned.listings[listing] not in client.get(listing, headers=alice).text, listing
    exercised = [route for route, maker in ACTS_ON.items() if maker is make]
    for method, template in exercised:
        pattern = compile_path(template)[0]
        assert any(m == method and pattern.match(p) for m, p in called), f"the walk never called {method} {template}"
