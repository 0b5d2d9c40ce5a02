"""Findings of the outside attack run on the routing service (issue 14), one test each: every
one failed on the code before the fix."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import HTTPException

from service.admission import Admission
from service.app import create_app
from service.process import free_port
from service.server import server_config
from service.settings import ServiceSettings
from tests.service_support import Api, add_key, make_settings, running_api

REVIEW = {"damage_type": "sturm_hagel", "urgency": "hoch", "department": "sach_privat"}


@pytest.fixture()
def settings(sqlite_url: str, tmp_path: Path, tiny_model_dir: Path, tiny_encoder_dir: Path) -> ServiceSettings:
    return make_settings(tmp_path, sqlite_url, tiny_model_dir, tiny_encoder_dir)


@pytest.fixture()
def api(settings: ServiceSettings) -> Iterator[Api]:
    yield from running_api(settings)


# 1. calendar-edge dates ------------------------------------------------------------------------
@pytest.mark.parametrize("param", ["created_to=9999-12-31T23:59:59-01:00", "created_from=0001-01-01T00:00:00+01:00"])
@pytest.mark.parametrize("path", ["/v1/claims", "/v1/audit/metrics"])
def test_dates_beyond_utc_range_are_422_with_the_reason(api: Api, path: str, param: str) -> None:
    response = api.client.get(f"{path}?{param.replace('+', '%2B')}", headers=api.headers("auditor"))
    assert response.status_code == 422
    assert "out of range" in response.text and "9999-12-31" not in response.text


# 2. the key before the body --------------------------------------------------------------------
def test_key_is_checked_before_the_body_is_parsed(api: Api) -> None:
    raw = {"Content-Type": "application/json"}
    assert api.client.post("/v1/claims", content=b"{not json", headers=raw).status_code == 401
    clerk = {**raw, **api.headers("clerk")}
    assert api.client.post("/v1/claims", content=b"{not json", headers=clerk).status_code == 403
    claim = api.post_claim("Sturm hat das Dach beschädigt")
    intake = {**raw, **api.headers("intake")}
    assert api.client.post(f"/v1/claims/{claim['id']}/review", content=b"[", headers=intake).status_code == 403
    # with the right key, a malformed body is still a 422
    assert api.client.post("/v1/claims", content=b"{not json", headers=intake).status_code == 422


# 3. and 4. invisible text, C1 controls, ANSI escapes --------------------------------------------
@pytest.mark.parametrize(
    "text", ["\u200b\u200b\ufeff", "\u2060\u00ad \u200d", "Sturm\u0085", "\u009b2J Sturm", "\u0080"]
)
def test_invisible_only_or_c1_control_text_is_422(api: Api, text: str) -> None:
    response = api.client.post("/v1/claims", json={"text": text}, headers=api.headers("intake"))
    assert response.status_code == 422


def test_review_comment_with_terminal_escapes_is_422(api: Api) -> None:
    claim = api.post_claim("Sturm hat das Dach beschädigt")
    url = f"/v1/claims/{claim['id']}/review"
    bad = api.client.post(url, json={**REVIEW, "comment": "ok \x1b[2J\x1b[31m red"}, headers=api.headers("clerk"))
    assert bad.status_code == 422
    good = api.client.post(url, json={**REVIEW, "comment": "geprüft,\n\tpasst"}, headers=api.headers("clerk"))
    assert good.status_code == 200


# 5. strict booleans -----------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["true", "yes", 1, "off", 0, "false"])
def test_override_takes_json_booleans_only(api: Api, value: object) -> None:
    claim = api.post_claim("Sturm hat das Dach beschädigt")
    url = f"/v1/claims/{claim['id']}/review"
    response = api.client.post(url, json={**REVIEW, "override": value}, headers=api.headers("clerk"))
    assert response.status_code == 422


# 7. unknown keys never echoed -------------------------------------------------------------------
def test_unknown_json_keys_are_not_echoed(api: Api) -> None:
    response = api.client.post(
        "/v1/claims", json={"text": "Sturm", "DE02120300000000202051": "x"}, headers=api.headers("intake")
    )
    assert response.status_code == 422
    assert "DE02120300000000202051" not in response.text
    assert response.json()["detail"][0]["loc"] == ["body", "<unknown field>"]


# 9. attacker-chosen methods ---------------------------------------------------------------------
def test_unknown_http_methods_do_not_become_metric_labels(api: Api) -> None:
    for method in ("ZWETSCHKENBAUM", "QUIRINUS", "X1"):
        api.client.request(method, "/healthz")
    metrics = api.client.get("/metrics").text
    assert "ZWETSCHKENBAUM" not in metrics and "QUIRINUS" not in metrics
    assert 'method="OTHER"' in metrics


# 10. no redirect built from the Host header -----------------------------------------------------
def test_no_redirect_to_a_forged_host(api: Api) -> None:
    response = api.client.get(
        "/v1/claims/", headers={**api.headers("intake"), "Host": "evil.example"}, follow_redirects=False
    )
    assert response.status_code == 404
    assert "evil.example" not in response.headers.get("location", "")


# 13. docs without a CDN, off in production ------------------------------------------------------
def test_docs_load_their_assets_from_this_server(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    for asset in ("/docs-static/swagger-ui-bundle.js", "/docs-static/swagger-ui.css"):
        assert api.client.get(asset).status_code == 200
    redoc = api.client.get("/redoc")
    assert redoc.status_code == 200 and "https://" not in redoc.text
    assert api.client.get("/docs-static/redoc.standalone.js").status_code == 200


def test_docs_and_schema_are_off_in_production_unless_asked_for(settings: ServiceSettings) -> None:
    from fastapi.testclient import TestClient

    production = settings.model_copy(update={"environment": "production"})
    add_key(production, "admin")
    with TestClient(create_app(production)) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/openapi.json").status_code == 404
    public = production.model_copy(update={"public_docs": True})
    with TestClient(create_app(public)) as client:
        assert client.get("/openapi.json").status_code == 200


# 8. one key cannot starve the others --------------------------------------------------------------
def test_admission_holds_a_keys_extra_requests_and_refuses_beyond_its_line() -> None:
    async def scenario() -> tuple[list[int], int]:
        admission = Admission(running=2, waiting=1)
        release = asyncio.Event()
        entered: list[int] = []

        async def job(key_id: int) -> None:
            async with admission.slot(key_id):
                entered.append(key_id)
                await release.wait()

        busy = [asyncio.create_task(job(1)) for _ in range(3)]  # two run, one waits in line
        await asyncio.sleep(0.01)
        status = 0
        try:
            async with admission.slot(1):
                pass
        except HTTPException as error:
            status = error.status_code
            assert error.headers and int(error.headers["Retry-After"]) >= 1
        other = asyncio.create_task(job(2))  # another key is not behind key 1's line
        await asyncio.sleep(0.01)
        seen = list(entered)
        release.set()
        await asyncio.gather(*busy, other)
        assert admission.held(1) == 0
        return seen, status

    seen, status = asyncio.run(scenario())
    assert status == 429
    assert seen == [1, 1, 2]


def test_a_key_over_its_share_gets_429_with_retry_after(api: Api) -> None:
    admission = api.client.app.state.service.admission  # type: ignore[attr-defined]
    intake_id = 1  # the first key Api created
    # the intake key's line is full (as with many slow claims in flight): its next claim is refused
    admission._held[intake_id] = admission.running + admission.waiting
    try:
        busy = api.client.post("/v1/claims", json={"text": "Sturm zwei"}, headers=api.headers("intake"))
        other_key = api.client.post("/v1/claims", json={"text": "Sturm drei"}, headers=api.headers("admin"))
    finally:
        admission._held[intake_id] = 0
    assert busy.status_code == 429 and int(busy.headers["Retry-After"]) >= 1
    assert other_key.status_code == 201
    assert api.client.post("/v1/claims", json={"text": "Sturm"}, headers=api.headers("intake")).status_code == 201


# 12. slow connections time out --------------------------------------------------------------------
@pytest.fixture()
def live_url(settings: ServiceSettings) -> Iterator[str]:
    quick = settings.model_copy(update={"header_timeout": 1.0, "body_timeout": 1.0})
    port = free_port()
    server = uvicorn.Server(server_config(create_app(quick), quick, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(timeout=30)


def _closed_within(sock: socket.socket, seconds: float, trickle: bytes = b"") -> tuple[bool, bytes]:
    """Sends ``trickle`` one byte every 0.3 s until the server answers; True when the server closed
    the connection in time (a reset counts as closed). Sending stops once an answer arrived, so a
    close after the answer is not turned into a reset that could discard the answer unread."""
    sock.settimeout(0.3)
    received = b""
    deadline = time.monotonic() + seconds
    index = 0
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(4096)
            if not chunk:
                return True, received
            received += chunk
        except TimeoutError:
            pass
        except ConnectionResetError:
            return True, received
        try:
            if index < len(trickle) and not received:
                sock.sendall(trickle[index : index + 1])
                index += 1
        except OSError:
            return True, received
    return False, received


def test_slow_headers_and_slow_bodies_are_cut_off(live_url: str) -> None:
    port = int(live_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as headers_sock:
        headers_sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        closed, _ = _closed_within(headers_sock, 6.0, trickle=b"X-Slow: " + b"a" * 100)
        assert closed
    with socket.create_connection(("127.0.0.1", port)) as body_sock:
        body_sock.sendall(
            b"POST /v1/claims HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"
        )
        closed, received = _closed_within(body_sock, 6.0, trickle=b'"text": "' + b"a" * 100)
        assert closed and b" 408 " in received.split(b"\r\n", 1)[0]
    assert json.loads(httpx.get(f"{live_url}/healthz").text) == {"status": "ok"}
