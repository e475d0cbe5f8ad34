"""Keys that expire, admin key routes, rate limits, token quotas, request hygiene and the audit trail."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import time
import urllib.parse

import pytest
from distributions import routed_pack_source
from fastapi.testclient import TestClient
from pydantic import SecretStr

from codexcontinue.api.app import create_app

GUARDED = routed_pack_source(
    "guarded",
    imports="""import asyncio
from fastapi import HTTPException, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from codexcontinue import LLMDep, record_resources
""",
    routes='''
class Note(BaseModel):
    text: str


@router.post("/echo-length")
async def echo_length(note: Note) -> dict:
    return {"length": len(note.text)}


@router.get("/slow")
async def slow() -> dict:
    await asyncio.sleep(3)
    return {"done": True}


@router.get("/stream")
async def stream() -> StreamingResponse:
    async def pieces():
        for piece in ("a", "b", "c"):
            yield piece
            await asyncio.sleep(0.4)
    return StreamingResponse(pieces(), media_type="text/plain")


@router.get("/items/{item_id}")
async def item(item_id: str, request: Request) -> dict:
    if item_id != "known-item":
        raise HTTPException(404, "No such item.")
    record_resources(request, item_id)
    return {"id": item_id}


@router.get("/ask")
async def ask(llm: LLMDep) -> dict:
    result = await llm.generate("llama3.2:1b", "Say hi", pack="guarded", cache=False)
    return {"text": result.text}
''',
)


@pytest.fixture
def settings(codexcontinue_settings, tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "guarded.py").write_text(textwrap.dedent(GUARDED))
    return codexcontinue_settings.model_copy(update={"plugins_dir": plugins})


def client_and_key(settings, *scopes):
    app = create_app(settings)
    token, _ = asyncio.run(app.state.keyring.create("guard-test", list(scopes) or ["admin"]))
    return TestClient(app, raise_server_exceptions=False), {"X-API-Key": token}


# keys -------------------------------------------------------------------------------------------


def test_an_expired_key_gets_401(settings):
    app = create_app(settings)
    token, _ = asyncio.run(app.state.keyring.create("brief", ["admin"], expires_in=0.3))
    with TestClient(app) as client:
        assert client.get("/api/v1/packs", headers={"X-API-Key": token}).status_code == 200
        time.sleep(0.4)
        response = client.get("/api/v1/packs", headers={"X-API-Key": token})
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_admins_manage_keys_over_http_and_others_cannot(settings):
    client, admin = client_and_key(settings, "admin")
    _, reader = client_and_key(settings.model_copy(), "legal:read")
    with client:
        reader_token = reader["X-API-Key"]
        assert client.get("/api/v1/keys", headers={"X-API-Key": reader_token}).status_code in (401, 403)
        created = client.post("/api/v1/keys", json={"name": "ci", "scopes": ["legal:read"], "expires_in_days": 1}, headers=admin)
        assert created.status_code == 201
        token, prefix = created.json()["token"], created.json()["key"]["prefix"]
        new_key = {"X-API-Key": token}
        assert client.get("/api/v1/legal/about", headers=new_key).status_code == 200
        assert client.post("/api/v1/keys", json={"name": "x", "scopes": ["admin"]}, headers=new_key).status_code == 403
        listed = client.get("/api/v1/keys", headers=admin)
        assert token.split("_", 2)[2] not in listed.text and prefix in listed.text
        assert client.delete(f"/api/v1/keys/{prefix}", headers=admin).json()["revoked"] is True
        assert client.get("/api/v1/legal/about", headers=new_key).status_code == 401
        assert client.delete("/api/v1/keys/000000000000", headers=admin).status_code == 404
        bad = client.post("/api/v1/keys", json={"name": "x", "scopes": ["legal:delete"]}, headers=admin)
        assert bad.status_code == 422 and "legal:delete" in bad.json()["detail"]


# rate limits and quotas --------------------------------------------------------------------------


def test_the_rate_limit_is_per_key_and_pack_with_retry_after(settings):
    client, headers = client_and_key(settings.model_copy(update={"rate_limit": "3/minute"}))
    with client:
        answers = [client.get("/api/v1/legal/about", headers=headers).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        refused = client.get("/api/v1/legal/about", headers=headers)
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "Rate limit of 3 per 1 minute" in refused.json()["detail"]
        assert client.get("/api/v1/finance/about", headers=headers).status_code == 200  # another pack


def test_the_rate_limit_is_shared_through_redis(settings, redis_url):
    shared = settings.model_copy(update={"rate_limit": "2/minute", "redis_url": SecretStr(redis_url)})
    first, second = create_app(shared), create_app(shared)  # two replicas
    with TestClient(first) as one, TestClient(second) as two:
        token, _ = one.portal.call(first.state.keyring.create, "t", ["admin"])
        headers = {"X-API-Key": token}
        statuses = [one.get("/api/v1/legal/about", headers=headers).status_code,
                    two.get("/api/v1/legal/about", headers=headers).status_code,
                    one.get("/api/v1/legal/about", headers=headers).status_code]  # fmt: skip
    assert statuses == [200, 200, 429]


def test_llm_tokens_per_day_are_a_quota(settings, ollama_server):
    quota = settings.model_copy(update={"llm_tokens_per_day": 5, "ollama_hosts": [ollama_server.url]})
    client, headers = client_and_key(quota)
    with client:
        assert client.get("/api/v1/guarded/ask", headers=headers).status_code == 200  # spends more than 5
        refused = client.get("/api/v1/guarded/ask", headers=headers)
    assert refused.status_code == 429 and "LLM tokens" in refused.json()["detail"]
    assert int(refused.headers["Retry-After"]) > 0
    assert ollama_server.request_count("/api/chat") == 1


def test_requests_without_a_valid_key_are_limited_per_address_and_a_valid_key_still_works(settings):
    client, headers = client_and_key(settings.model_copy(update={"anonymous_rate_limit": "3/minute"}))
    forged = {"X-API-Key": "cc_000000000000_" + "a" * 43}
    with client:
        answers = [
            client.get("/api/v1/legal/about").status_code,
            client.get("/api/v1/legal/about", headers=forged).status_code,
            client.get("/api/v1/health/no-such-route").status_code,  # unknown paths count too
        ]
        refused = client.get("/api/v1/legal/about")
        assert answers == [401, 401, 401]
        assert refused.status_code == 429 and "CODEXCONTINUE_ANONYMOUS_RATE_LIMIT" in refused.json()["detail"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert client.get("/api/v1/legal/about", headers=headers).status_code == 200
        assert client.get("/healthz").status_code == 200  # the probes are public and never limited


def test_the_limit_on_requests_without_a_key_is_shared_through_redis(settings, redis_url):
    shared = settings.model_copy(update={"anonymous_rate_limit": "2/minute", "redis_url": SecretStr(redis_url)})
    first, second = create_app(shared), create_app(shared)  # two replicas
    with TestClient(first) as one, TestClient(second) as two:
        statuses = [one.get("/api/v1/legal/about").status_code, two.get("/api/v1/legal/about").status_code,
                    one.get("/api/v1/legal/about").status_code]  # fmt: skip
    assert statuses == [401, 401, 429]


def test_only_a_caller_with_a_key_learns_that_an_api_path_does_not_exist(settings):
    client, headers = client_and_key(settings)
    with client:
        assert client.get("/api/v1/legal/no-such-route").status_code == 401
        assert client.get("/api/v1/no-such-pack/x").status_code == 401
        assert client.get("/api/v1/legal/no-such-route", headers=headers).status_code == 404
        assert client.get("/no-such-page").status_code == 404  # outside the API


# request hygiene ---------------------------------------------------------------------------------


def test_a_url_over_the_limit_gets_414_before_any_route_or_audit_runs(settings):
    client, headers = client_and_key(settings.model_copy(update={"max_url_bytes": 1000}))
    with client:
        started = time.monotonic()
        long_query = client.get("/api/v1/guarded/slow?x=" + "1-" * 600, headers=headers)  # /slow takes 3 s
        long_path = client.get("/api/v1/health/" + "a" * 1000)
        elapsed = time.monotonic() - started
        fits = client.get("/api/v1/health/about?x=" + "1" * 900, headers=headers)
    assert (long_query.status_code, long_path.status_code, fits.status_code) == (414, 414, 200)
    assert elapsed < 1  # the route never ran
    assert "over the limit of 1000 (CODEXCONTINUE_MAX_URL_BYTES)" in long_query.json()["detail"]
    assert long_query.headers["x-content-type-options"] == "nosniff"
    assert [record["outcome"] for record in audit_lines(settings)] == [200]  # the 414s wrote nothing




def test_a_body_over_the_limit_gets_413_declared_or_streamed(settings):
    client, headers = client_and_key(settings.model_copy(update={"max_body_bytes": 100}))
    with client:
        small = client.post("/api/v1/guarded/echo-length", json={"text": "x" * 10}, headers=headers)
        assert small.json() == {"length": 10}
        big = client.post("/api/v1/guarded/echo-length", json={"text": "x" * 500}, headers=headers)
        assert big.status_code == 413 and "CODEXCONTINUE_MAX_BODY_BYTES" in big.json()["detail"]

        def chunks():
            yield b'{"text": "'
            yield b"x" * 500
            yield b'"}'

        streamed = client.post(
            "/api/v1/guarded/echo-length", content=chunks(), headers={**headers, "content-type": "application/json"}
        )
        assert streamed.status_code == 413


def test_a_request_over_the_time_limit_gets_504_but_a_started_stream_goes_on(settings):
    client, headers = client_and_key(settings.model_copy(update={"request_timeout_s": 0.5}))
    with client:
        started = time.monotonic()
        slow = client.get("/api/v1/guarded/slow", headers=headers)
        assert slow.status_code == 504 and "CODEXCONTINUE_REQUEST_TIMEOUT_S" in slow.json()["detail"]
        assert time.monotonic() - started < 2  # answered at the limit, not after the handler's 3 s
        stream = client.get("/api/v1/guarded/stream", headers=headers)
        assert stream.status_code == 200 and stream.text == "abc"  # took 1.2 s, longer than the limit


def test_security_headers_and_cors_off_by_default(settings):
    client, headers = client_and_key(settings)
    with client:
        answer = client.get("/api/v1/legal/about", headers={**headers, "Origin": "https://evil.example"})
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["content-security-policy"].startswith("default-src 'none'")
        assert "access-control-allow-origin" not in answer.headers
        assert "script-src 'self'" in client.get("/docs").headers["content-security-policy"]  # its own scripts only


def test_cors_allows_only_the_configured_origins(settings):
    client, _ = client_and_key(settings.model_copy(update={"cors_origins": ["https://ui.example"]}))
    preflight = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "Authorization"}
    with client:
        allowed = client.options("/api/v1/packs", headers={"Origin": "https://ui.example", **preflight})
        refused = client.options("/api/v1/packs", headers={"Origin": "https://evil.example", **preflight})
    assert allowed.headers["access-control-allow-origin"] == "https://ui.example"
    assert "access-control-allow-origin" not in refused.headers


# audit trail -------------------------------------------------------------------------------------


SECRET_TEXT = "Patient Zebulon Quist, MRN 00471122"


def audit_lines(settings) -> list[dict]:
    path = settings.audit_path
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_pack_declaring_always_audited_is_audited_others_when_configured_and_never_the_body(settings):
    # the health pack sets PackInfo.always_audited; "guarded" does not
    client, headers = client_and_key(settings)
    with client:
        client.get("/api/v1/health/about", headers=headers)
        client.post("/api/v1/guarded/echo-length", json={"text": SECRET_TEXT}, headers=headers)
    assert [(r["pack"], r["action"], r["route"], r["outcome"]) for r in audit_lines(settings)] == [
        ("health", "GET", "/api/v1/health/about", 200)
    ]
    audited = settings.model_copy(update={"audit_packs": ["guarded"]})
    client, headers = client_and_key(audited)
    with client:
        client.post("/api/v1/guarded/echo-length", json={"text": SECRET_TEXT}, headers=headers)
        client.post("/api/v1/guarded/echo-length", json={"text": SECRET_TEXT})
    records = audit_lines(settings)[1:]
    assert [(r["actor_name"], r["outcome"]) for r in records] == [("guard-test", 200), ("", 401)]
    assert records[1]["actor"] == "anonymous"
    assert SECRET_TEXT not in settings.audit_path.read_text()
    assert headers["X-API-Key"] not in settings.audit_path.read_text()


PHI = "Margaret Thompsonwood 555-867-5309"


def test_the_audit_trail_holds_route_templates_and_only_the_ids_a_pack_names(settings):
    client, headers = client_and_key(settings.model_copy(update={"audit_packs": ["guarded"]}))
    quoted = urllib.parse.quote(PHI)
    with client:
        client.get("/api/v1/guarded/items/known-item", headers=headers)  # found: the pack names it
        client.get(f"/api/v1/guarded/items/{quoted}", headers=headers)  # not found: nothing to name
        client.get(f"/api/v1/health/{quoted}", headers=headers)  # no such route
        client.get(f"/api/v1/health/{quoted}")  # no such route, and no key
        client.get(f"/api/v1/health/icd10/codes/{quoted}", headers=headers)  # refused by validation
        client.request("BREW", "/api/v1/health/about", headers=headers)
    records = audit_lines(settings)
    assert [(r["action"], r["route"], r["resources"], r["outcome"]) for r in records] == [
        ("GET", "/api/v1/guarded/items/{item_id}", ["known-item"], 200),
        ("GET", "/api/v1/guarded/items/{item_id}", [], 404),
        ("GET", "unmatched", [], 404),
        ("GET", "unmatched", [], 401),
        ("GET", "/api/v1/health/icd10/codes/{code}", [], 422),
        ("OTHER", "/api/v1/health/about", [], 405),
    ]
    written = settings.audit_path.read_text().lower()
    assert not [piece for piece in ("margaret", "thompsonwood", "867-5309", "brew") if piece in written]


def test_requests_without_a_key_write_short_audit_records_whatever_their_url(settings):
    client, _ = client_and_key(settings.model_copy(update={"anonymous_rate_limit": ""}))
    with client:
        for _ in range(50):
            client.get("/api/v1/health/about?x=" + "1-" * 4000)  # 8,000 bytes: under the URL limit
            client.get("/api/v1/health/" + "Thompsonwood" * 600)  # 7,200 bytes, and no such route
            client.get("/api/v1/health/about?x=" + "1-" * 32_500)  # 65 KB: refused (414), not audited
    records = audit_lines(settings)
    assert len(records) == 100 and {record["outcome"] for record in records} == {401}
    assert settings.audit_path.stat().st_size < 100 * 250  # before: 3.2 MB for the 65 KB requests alone


def test_key_changes_are_audited_with_the_key_prefix_as_resource(settings):
    client, headers = client_and_key(settings)
    with client:
        created = client.post("/api/v1/keys", json={"name": "ci", "scopes": ["legal:read"]}, headers=headers).json()
    [record] = audit_lines(settings)
    assert (record["route"], record["resources"]) == ("/api/v1/keys", [created["key"]["prefix"]])
    assert created["token"] not in settings.audit_path.read_text()


def test_the_audit_stream_in_redis_and_the_cli(settings, redis_url, tmp_path):
    with_redis = settings.model_copy(update={"redis_url": SecretStr(redis_url)})
    app = create_app(with_redis)
    with TestClient(app) as client:
        token, _ = client.portal.call(app.state.keyring.create, "t", ["admin"])
        headers = {"X-API-Key": token}
        for _ in range(3):
            client.get("/api/v1/health/about", headers=headers)
    env = {**os.environ, "CODEXCONTINUE_REDIS_URL": redis_url, "CODEXCONTINUE_DATA_DIR": str(settings.data_dir)}
    tail = subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", "audit", "tail", "-n", "2"],
        env=env, capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    records = [json.loads(line) for line in tail.stdout.splitlines()]
    assert len(records) == 2 and {r["route"] for r in records} == {"/api/v1/health/about"}
    exported = tmp_path / "audit.jsonl"
    subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", "audit", "export", "--since", "2000-01-01", "-o", str(exported)],
        env=env, capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert len(exported.read_text().splitlines()) == 3


def test_refusals_by_the_limits_are_audited_too(settings):
    client, headers = client_and_key(settings.model_copy(update={"max_body_bytes": 100}))
    with client:
        client.post("/api/v1/health/deidentify", json={"text": "x" * 500}, headers=headers)
    [record] = audit_lines(settings)
    assert (record["route"], record["outcome"]) == ("/api/v1/health/deidentify", 413)
