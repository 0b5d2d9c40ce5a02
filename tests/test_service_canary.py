"""Canary test: unique personal data planted in claims and comments goes through every endpoint,
error paths included, and through the pages (sign-in, queue, claim, review form, audit, CSV);
afterwards no canary may appear in the database files, the logs, any
response (body or headers) or /metrics. Uses the shipped model and the real PII model."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from claims.encoder import build_encoder
from service.app import create_app
from service.settings import ServiceSettings
from service.ui.audit_tables import TABLE_NAMES
from tests.service_support import add_key, wait_ready
from tests.ui_support import csrf_of, sign_in

IBAN = "DE66278055040645842208"
CANARIES = [
    "Quirinus",
    "Wendelmeier",
    "Theodora",
    "Blankenfels",
    IBAN,
    "DE66 2780 5504",
    "48213957",
    "99281734",
    "quirinus.wendelmeier",
    "posteo",
    "7734-281946",
    "QW 4821",
    "TB 7391",
    "558812",
]
CLAIM = (
    "Sehr geehrte Damen und Herren, ich, Quirinus Wendelmeier, melde einen Wasserschaden im Keller. "
    "Meine Versicherungsnummer ist HV-7734-281946. Bitte überweisen Sie auf IBAN DE66 2780 5504 0645 8422 08. "
    "Erreichbar unter 0176 48213957 oder quirinus.wendelmeier@posteo.de. Mein Auto M-QW 4821 ist nicht betroffen."
)
COLLISION = (
    "Beim Ausparken hat Frau Theodora Blankenfels mit ihrem Wagen (Kennzeichen HH-TB 7391) mein Fahrzeug "
    "gestreift. Schadennummer SN-2026-558812, Tel. +49 40 99281734."
)
COMMENT = "Rückruf bitte an Herrn Quirinus Wendelmeier, 0176 48213957"


@pytest.mark.slow
def test_no_canary_leaves_the_anonymizer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = ServiceSettings(var_dir=tmp_path / "var")
    build_encoder(settings.encoder_path)
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    def record(response) -> object:  # type: ignore[no-untyped-def]
        seen.append(response.text)
        seen.append(json.dumps(dict(response.headers)))
        return response

    keys = {role: add_key(settings, role) for role in ("intake", "clerk", "auditor")}
    h = {role: {"X-API-Key": key} for role, key in keys.items()}
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        wait_ready(client, timeout=120)
        post = client.post
        first = record(
            post(
                "/v1/claims",
                json={"text": CLAIM, "channel": "email"},
                headers={**h["intake"], "Idempotency-Key": "c-1"},
            )
        )
        assert first.status_code == 201, first.text
        claim_id = first.json()["id"]
        second = record(post("/v1/claims", json={"text": COLLISION}, headers=h["intake"]))
        assert second.status_code == 201
        # Error paths, each carrying canaries.
        assert (
            record(
                post("/v1/claims", json={"text": COLLISION}, headers={**h["intake"], "Idempotency-Key": "c-1"})
            ).status_code
            == 422
        )
        assert record(post("/v1/claims", json={"text": CLAIM + "x" * 20_000}, headers=h["intake"])).status_code == 422
        assert record(post("/v1/claims", json={"text": CLAIM, "note": COMMENT}, headers=h["intake"])).status_code == 422
        assert record(post("/v1/claims", json={"text": 1, "channel": COMMENT}, headers=h["intake"])).status_code == 422
        assert record(post("/v1/claims", json={"text": CLAIM + "\x00"}, headers=h["intake"])).status_code == 422
        broken = ('{"text": "' + CLAIM).encode()
        assert (
            record(
                post("/v1/claims", content=broken, headers={**h["intake"], "Content-Type": "application/json"})
            ).status_code
            == 422
        )
        assert record(post("/v1/claims", json={"text": CLAIM * 250}, headers=h["intake"])).status_code == 413
        assert record(post("/v1/claims", json={"text": CLAIM})).status_code == 401
        assert record(post("/v1/claims", json={"text": CLAIM}, headers=h["clerk"])).status_code == 403
        review = {"damage_type": "leitungswasser", "urgency": "mittel", "department": "sach_privat", "comment": COMMENT}
        url = f"/v1/claims/{claim_id}/review"
        assert record(post(url, json={**review, "urgency": COMMENT}, headers=h["clerk"])).status_code == 422
        assert record(post(url, json=review, headers=h["clerk"])).status_code == 200
        assert record(post(url, json=review, headers=h["clerk"])).status_code == 409
        assert record(post(url, json={**review, "override": True}, headers=h["clerk"])).status_code == 200
        for path, role in [
            (f"/v1/claims/{claim_id}", "clerk"),
            ("/v1/claims", "auditor"),
            ("/v1/review-queue", "clerk"),
            ("/v1/audit/metrics", "auditor"),
            ("/v1/models/active", "intake"),
        ]:
            assert record(client.get(path, headers=h[role])).status_code == 200
        record(client.get("/v1/claims", params={"external_ref": COMMENT}, headers=h["clerk"]))
        detail = client.get(f"/v1/claims/{claim_id}", headers=h["clerk"]).json()
        assert "<PERSON_1>" in detail["reviews"][0]["comment"]
        # The pages: sign-in (a canary as the key), queue, claim, a review with a canary comment,
        # the audit and every CSV export.
        assert record(sign_in(client, COMMENT)).status_code == 401  # type: ignore[arg-type]
        assert record(sign_in(client, keys["clerk"], follow=True)).status_code == 200  # type: ignore[arg-type]
        queue_page = record(client.get("/ui/review"))
        claim_page = record(client.get(f"/ui/claims/{second.json()['id']}"))
        assert "Blankenfels" not in claim_page.text and "&lt;PERSON" in claim_page.text
        form = {"csrf": csrf_of(queue_page.text), "review_count": "0", "comment": COMMENT}
        form |= {"damage_type": "kollision", "urgency": "mittel", "department": "kfz"}
        assert record(client.post(f"/ui/claims/{second.json()['id']}/review", data=form)).status_code == 200
        assert record(client.post(f"/ui/claims/{second.json()['id']}/review", data=form)).status_code == 409
        assert (
            record(client.post(f"/ui/claims/{claim_id}/review", data={**form, "urgency": COMMENT})).status_code == 422
        )
        assert "&lt;PERSON_1&gt;" in record(client.get(f"/ui/claims/{second.json()['id']}")).text
        client.cookies.clear()
        assert record(sign_in(client, keys["auditor"], follow=True)).status_code == 200  # type: ignore[arg-type]
        assert record(client.get("/ui/audit?model_version=&period=day")).status_code == 200
        for table in TABLE_NAMES:
            assert record(client.get(f"/ui/audit/export/{table}.csv?model_version=")).status_code == 200
        metrics = record(client.get("/metrics"))
        assert "claims_triaged_total" in metrics.text

    captured = capfd.readouterr()
    outputs = {
        "responses": "\n".join(seen),
        # Every server-side log record (the test client's own httpx log of its URLs is not the service's).
        "logs": "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
        + captured.out
        + captured.err,
    }
    for path in sorted((tmp_path / "var").iterdir()):  # the database and its WAL / shm files
        outputs[path.name] = path.read_bytes().decode("utf-8", errors="replace")
    assert any(name.endswith(".db") for name in outputs)
    leaks = [(where, canary) for where, text in outputs.items() for canary in CANARIES if canary in text]
    assert not leaks, leaks
