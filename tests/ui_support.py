"""Helpers of the page tests: signing in through the form, and the service on a real port for
the browser (uvicorn in a thread, stopped afterwards)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi.testclient import TestClient

from service.app import create_app
from service.process import free_port
from service.settings import ServiceSettings

CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def sign_in(client: TestClient, key: str, follow: bool = False) -> object:
    """Posts the sign-in form as a browser would (its CSRF token and cookie first)."""
    token = csrf_of(client.get("/ui/login").text)
    return client.post("/ui/login", data={"api_key": key, "csrf": token}, follow_redirects=follow)


@contextmanager
def live_service(settings: ServiceSettings) -> Iterator[str]:
    """The app on a free loopback port until the block ends; yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=free_port(), log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
