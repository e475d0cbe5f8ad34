"""The API docs pages, `/docs` (Swagger UI) and `/redoc`, built only from files this API serves.

The files are the copies of swagger-ui-dist and ReDoc that the `fastapi-offline` package ships (it
tracks their releases); the pages are FastAPI's own builders pointed at them, without Google fonts
and without Swagger UI's online validator. Each docs answer carries a Content-Security-Policy that
lets the browser load from this API only, so nothing a future version of those files asks for can
reach another host. ReDoc's menu always shows Redocly's logo from their CDN; its bundle is served
with that one address taken out (the logo then hides itself).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, Response

ASSETS = Path(str(files("fastapi_offline") / "static"))
ASSETS_URL = "/docs-assets"
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'none'"
)
SWAGGER_UI_PARAMETERS = {"validatorUrl": None}  # no badge fetched from validator.swagger.io


def add_docs_pages(app: FastAPI) -> None:
    """Serve `/docs`, `/docs/oauth2-redirect`, `/redoc` and their files on `app` (built with
    `docs_url=None, redoc_url=None`)."""
    title = app.title

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{title} - Swagger UI",
            oauth2_redirect_url=f"{root}/docs/oauth2-redirect",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )
        return _confined(page)

    async def oauth2_redirect() -> HTMLResponse:
        return _confined(get_swagger_ui_oauth2_redirect_html())

    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
        return _confined(page)

    async def redoc_bundle() -> Response:
        return _confined(Response(_redoc_without_remote_logo(), media_type="text/javascript"))

    for path, endpoint in (("/docs", swagger_ui), ("/docs/oauth2-redirect", oauth2_redirect), ("/redoc", redoc),
                           (f"{ASSETS_URL}/redoc.js", redoc_bundle)):  # fmt: skip
        app.add_api_route(path, endpoint, methods=["GET"], include_in_schema=False)
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")


@cache
def _redoc_without_remote_logo() -> bytes:
    return (ASSETS / "redoc.standalone.js").read_bytes().replace(REDOCLY_LOGO.encode(), b"")


def _confined(response: Any) -> Any:
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response
