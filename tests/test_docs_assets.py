"""The API docs load nothing from another host: Swagger UI, ReDoc and the favicon are served by the API."""

from __future__ import annotations

import re

import pytest

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")


def referenced(html: str) -> list[str]:
    """Every address the page's tags and styles load."""
    return [first or second for first, second in ASSET.findall(html)]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_load_only_files_the_api_serves_without_a_key(api_client, page):
    answer = api_client.get(page)
    assert answer.status_code == 200
    addresses = referenced(answer.text)
    assert addresses, "the page loads its viewer from somewhere"
    for address in addresses:
        assert address.startswith("/"), f"{page} loads {address} from another host"
        served = api_client.get(address)
        assert served.status_code == 200, (address, served.status_code)
        assert len(served.content) > 1000, address  # a real script, style or icon, not an error page
    assert "fonts.googleapis.com" not in answer.text


def test_swagger_ui_asks_no_online_validator(api_client):
    assert '"validatorUrl": null' in api_client.get("/docs").text


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/docs-assets/redoc.js"])
def test_the_browser_may_load_the_docs_from_this_api_only(api_client, page):
    policy = api_client.get(page).headers["content-security-policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data:" in policy and "https:" not in policy


def test_redoc_is_served_without_the_remote_logo_its_menu_shows(api_client):
    bundle = api_client.get("/docs-assets/redoc.js").text
    assert len(bundle) > 500_000 and "cdn.redoc.ly" not in bundle
