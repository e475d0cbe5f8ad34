"""Every route the app has, packs' included, answers only with a valid key and the right scope."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts

from codexcontinue.api.deps import READ_METHODS, SCOPE_EXTENSION
from codexcontinue.api.request_info import pack_of

PUBLIC = {"/healthz", "/readyz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/docs-assets/redoc.js"}
DOCS_FILES = "/docs-assets"  # the docs pages' scripts and styles, public too: tests/test_docs_assets.py


@pytest.fixture
def codexcontinue_settings(codexcontinue_settings):
    """The walks send far more requests without a valid key, from one address, than the limit on
    them allows (CODEXCONTINUE_ANONYMOUS_RATE_LIMIT, tested in test_request_guards.py): no limit here."""
    return codexcontinue_settings.model_copy(update={"anonymous_rate_limit": ""})


def every_route(app) -> list[tuple[str, str]]:
    """(method, concrete path) for every route, path parameters filled with a dummy value."""
    return [(method, path) for method, path, _ in every_route_with_scope(app)]


def every_route_with_scope(app) -> list[tuple[str, str, str]]:
    """(method, concrete path, 'read' or 'write') for every route."""
    routes = []
    for route in iter_route_contexts(app.routes):
        if route.path == DOCS_FILES:  # a folder of static files, all public
            continue
        path = re.sub(r"\{[^}]+\}", "x", route.path)
        marked_read = (getattr(route.original_route, "openapi_extra", None) or {}).get(SCOPE_EXTENSION) == "read"
        for method in sorted(getattr(route.original_route, "methods", None) or {"GET"}):
            if method != "HEAD":
                action = "read" if method in READ_METHODS or marked_read else "write"
                routes.append((method, path, action))
    return routes


def test_the_walk_covers_core_and_pack_routes(codexcontinue_app):
    paths = {path for _, path in every_route(codexcontinue_app)}
    assert {"/api/v1/packs", "/metrics", "/api/v1/legal/about", "/api/v1/finance/about"} <= paths


def test_no_route_answers_without_a_key_except_probes_and_docs(api_client):
    for method, path in every_route(api_client.app):
        response = api_client.request(method, path)
        if path in PUBLIC:
            assert response.status_code == 200, (method, path)
        else:
            assert response.status_code == 401, (method, path, response.status_code)
            assert "API key" in response.json()["detail"]


@pytest.mark.parametrize("token", ["cc_000000000000_" + "a" * 43, "not-a-key", "Bearer"])
def test_unknown_and_malformed_keys_get_401(api_client, token):
    for method, path in every_route(api_client.app):
        if path not in PUBLIC:
            response = api_client.request(method, path, headers={"X-API-Key": token})
            assert response.status_code == 401, (method, path)


def test_a_key_without_the_pack_scope_gets_403_on_that_pack(api_client, make_api_key):
    headers = make_api_key("legal:read")
    for method, path, action in every_route_with_scope(api_client.app):
        pack = pack_of(path)
        if path in PUBLIC or pack is None:
            continue
        response = api_client.request(method, path, headers=headers)
        if pack == "legal" and action == "read":
            assert response.status_code not in (401, 403), (method, path)
        else:
            assert response.status_code == 403, (method, path)
            assert "scope" in response.json()["detail"]


def test_metrics_need_the_metrics_scope(api_client, make_api_key):
    assert api_client.get("/metrics", headers=make_api_key("legal:read")).status_code == 403
    response = api_client.get("/metrics", headers=make_api_key("metrics:read"))
    assert response.status_code == 200
    assert "http_requests_total" in response.text


def test_a_revoked_key_stops_working_at_once(api_client, make_api_key):
    import asyncio

    headers = make_api_key("admin")
    assert api_client.get("/api/v1/packs", headers=headers).status_code == 200
    prefix = headers["Authorization"].split("_")[1]
    asyncio.run(api_client.app.state.keyring.revoke(prefix))
    assert api_client.get("/api/v1/packs", headers=headers).status_code == 401
