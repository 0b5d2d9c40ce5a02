"""The interactive API documentation, served with no outside request: Swagger UI and ReDoc load
their scripts from ``/docs-static/`` (the files of the ``fastapi-offline`` package), not from a
CDN, so ``/docs`` works on a locked-down server.

Whether ``/docs``, ``/redoc`` and ``/openapi.json`` exist is a setting (``CLAIMS_PUBLIC_DOCS``):
on by default in development, off in production, where the schema tells an attacker every route
and parameter while the intake systems work from the published contract. Keys are not asked for
on these pages: a browser cannot send ``X-API-Key`` when it opens them."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-static"
ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"


def mount_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc`` with their assets served by this process."""
    if app.openapi_url is None:
        return
    openapi_url = app.openapi_url
    title = app.title
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} - ReDoc",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
