"""The API's contract at its edges: keys and roles, readiness, bad input of every kind, and the
Prometheus metrics (route templates only)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from claims_runtime.pipeline import build_pipeline
from service.app import ConfigurationError, create_app
from service.settings import ServiceSettings
from tests.service_support import Api, add_key, make_settings, running_api, wait_ready


@pytest.fixture()
def settings(sqlite_url: str, tmp_path: Path, tiny_model_dir: Path, tiny_encoder_dir: Path) -> ServiceSettings:
    return make_settings(tmp_path, sqlite_url, tiny_model_dir, tiny_encoder_dir)


@pytest.fixture()
def api(settings: ServiceSettings) -> Iterator[Api]:
    yield from running_api(settings)


def test_keys_and_roles(api: Api) -> None:
    body = {"text": "Sturm"}
    assert api.client.post("/v1/claims", json=body).status_code == 401
    assert api.client.post("/v1/claims", json=body, headers={"X-API-Key": "ctk_wrong"}).status_code == 401
    assert api.client.post("/v1/claims", json=body, headers=api.headers("clerk")).status_code == 403
    assert api.client.post("/v1/claims", json=body, headers=api.headers("admin")).status_code == 201
    assert api.client.get("/v1/review-queue", headers=api.headers("intake")).status_code == 403
    assert api.client.get("/v1/audit/metrics", headers=api.headers("clerk")).status_code == 403
    assert api.client.get("/v1/audit/metrics", headers=api.headers("auditor")).status_code == 200
    active = api.client.get("/v1/models/active", headers=api.headers("intake")).json()
    assert active["model_version"] == "tiny-1" and active["labels"]["urgency"][0] == "kritisch"
    assert active["policy"] == "guide" and active["rules"]["department"][-1] == "sach_privat.everything_else"
    assert "person_injured" in active["facts"]


def test_policy_setting_changes_decisions_without_retraining(tiny_model_dir: Path, tiny_encoder_dir: Path) -> None:
    """CLAIMS_POLICY selects another policy file: the same model, other rules, other decisions."""
    from claims_runtime.pipeline import build_pipeline
    from claims_runtime.settings import RuntimeSettings

    narrow = Path(__file__).resolve().parents[1] / "policies" / "acute-injuries-only.yaml"
    common = {"model_dir": tiny_model_dir, "encoder_dir": tiny_encoder_dir, "use_pii_model": False}
    guide = build_pipeline(settings=RuntimeSettings(**common))
    insurer = build_pipeline(settings=RuntimeSettings(policy=narrow, **common))
    assert insurer.policy.name == "acute-injuries-only" and guide.policy.name == "guide"
    facts = {name: 0.0 for name in guide.model.fact_names} | {"person_injured": 0.97, "insured_injured": 0.96}
    damage = np.full(len(guide.model.damage_labels), 0.1)
    as_guide = guide.decide_one("Sturz vor drei Wochen", damage, facts, None)
    as_insurer = insurer.decide_one("Sturz vor drei Wochen", damage, facts, None)
    assert as_guide.label("urgency") == "kritisch" and as_guide.rules["urgency"] == "kritisch.person_injured"
    assert as_insurer.label("urgency") == "hoch" and as_insurer.rules["urgency"] == "hoch.person_injured_later"


def test_revoked_key_is_refused(api: Api, settings: ServiceSettings) -> None:
    from service import db
    from service.auth import hash_key, revoke_key
    from service.orm import ApiKey

    engine = db.make_engine(settings.db_url)
    with db.session_scope(db.session_factory(engine)) as session:
        row = session.query(ApiKey).filter_by(key_hash=hash_key(api.keys["intake"])).one()
        assert revoke_key(session, row.id)
    assert api.client.post("/v1/claims", json={"text": "x"}, headers=api.headers("intake")).status_code == 401


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"text": ""}, "at least 1 character"),
        ({"text": "   \n\t"}, "should match pattern"),
        ({"text": "x" * 20_001}, "at most 20000"),
        ({"text": "Sturm", "priority": "high"}, "Extra inputs"),
        ({"text": 42}, "valid string"),
        ({"text": "Sturm", "channel": ["email"]}, "valid string"),
        ({"text": "Sturm", "external_ref": "has spaces in it"}, "pattern"),
        ({}, "Field required"),
        ([], "valid dictionary"),
    ],
)
def test_bad_claim_bodies_get_422_with_a_reason(api: Api, body: object, reason: str) -> None:
    response = api.client.post("/v1/claims", json=body, headers=api.headers("intake"))
    assert response.status_code == 422
    assert reason in json.dumps(response.json())
    assert "input" not in response.json()["detail"][0]


def test_malformed_json_and_wrong_content_are_4xx_never_500(api: Api) -> None:
    for raw, content_type in [
        (b'{"text": "Sturm"', "application/json"),
        (b"\xff\xfe not utf-8", "application/json"),
        (b"text=Sturm", "application/x-www-form-urlencoded"),
        (b"", "application/json"),
        (b"null", "application/json"),
    ]:
        response = api.client.post(
            "/v1/claims", content=raw, headers={**api.headers("intake"), "Content-Type": content_type}
        )
        assert 400 <= response.status_code < 500, (raw, response.status_code)


def test_binary_text_is_refused_by_the_anonymizer_with_422(api: Api) -> None:
    response = api.client.post("/v1/claims", json={"text": "Sturm\x00\x01"}, headers=api.headers("intake"))
    assert response.status_code == 422


def test_body_over_64_kib_is_413_declared_or_streamed(api: Api) -> None:
    big = json.dumps({"text": "x" * 70_000}).encode()
    response = api.client.post(
        "/v1/claims", content=big, headers={**api.headers("intake"), "Content-Type": "application/json"}
    )
    assert response.status_code == 413

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(big), 8192):
            yield big[i : i + 8192]

    streamed = api.client.post(
        "/v1/claims", content=chunks(), headers={**api.headers("intake"), "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413


def test_bad_idempotency_key_and_unknown_review_labels_are_422(api: Api) -> None:
    response = api.client.post(
        "/v1/claims", json={"text": "Sturm"}, headers=api.headers("intake", **{"Idempotency-Key": "x" * 300})
    )
    assert response.status_code == 422
    claim = api.post_claim("Sturm hat das Dach beschädigt")
    url = f"/v1/claims/{claim['id']}/review"
    for body in [
        {"damage_type": "meteor", "urgency": "hoch", "department": "sach_privat"},
        {"damage_type": "sturm_hagel", "urgency": "sofort", "department": "sach_privat"},
        {"damage_type": "sturm_hagel", "urgency": "hoch"},
        {"damage_type": "sturm_hagel", "urgency": "hoch", "department": "sach_privat", "override": "maybe"},
    ]:
        assert api.client.post(url, json=body, headers=api.headers("clerk")).status_code == 422
    missing = api.client.post(
        "/v1/claims/nope/review",
        json={"damage_type": "sturm_hagel", "urgency": "hoch", "department": "sach_privat"},
        headers=api.headers("clerk"),
    )
    assert missing.status_code == 404
    assert api.client.get("/v1/claims/nope", headers=api.headers("clerk")).status_code == 404


def test_list_filters_and_pagination(api: Api) -> None:
    ids = [api.post_claim(f"Glas {i}")["id"] for i in range(3)]
    page = api.client.get("/v1/claims", params={"limit": 2}, headers=api.headers("auditor")).json()
    assert page["count"] == 3 and [c["id"] for c in page["data"]] == ids[::-1][:2]
    rest = api.client.get("/v1/claims", params={"limit": 2, "offset": 2}, headers=api.headers("auditor")).json()
    assert [c["id"] for c in rest["data"]] == [ids[0]]
    assert api.client.get("/v1/claims", params={"limit": 0}, headers=api.headers("auditor")).status_code == 422
    assert api.client.get("/v1/claims", params={"urgency": "soon"}, headers=api.headers("auditor")).status_code == 422
    future = api.client.get(
        "/v1/claims", params={"created_from": "2999-01-01T00:00:00"}, headers=api.headers("auditor")
    ).json()
    assert future == {"data": [], "count": 0}


def test_metrics_use_route_templates_and_count_predictions(api: Api) -> None:
    claim = api.post_claim("Wasser im Keller")
    api.client.get(f"/v1/claims/{claim['id']}", headers=api.headers("clerk"))
    text = api.client.get("/metrics").text
    assert 'route="/v1/claims/{claim_id}"' in text
    assert claim["id"] not in text  # type: ignore[operator]
    assert 'claims_predictions_total{label="' in text and "claims_triaged_total{" in text


def test_readyz_is_503_until_the_model_is_loaded(settings: ServiceSettings) -> None:
    release = threading.Event()

    def slow_factory(s: ServiceSettings):  # type: ignore[no-untyped-def]
        release.wait(30)
        return build_pipeline(s.model_dir, settings=s)

    with TestClient(create_app(settings, pipeline_factory=slow_factory)) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        key = add_key(settings, "intake")
        assert client.post("/v1/claims", json={"text": "Sturm"}, headers={"X-API-Key": key}).status_code == 503
        # Keys are checked first: no key is 401 even while the model loads.
        assert client.post("/v1/claims", json={"text": "Sturm"}).status_code == 401
        release.set()
        wait_ready(client)


def test_failed_model_load_is_reported_by_readyz(settings: ServiceSettings, tmp_path: Path) -> None:
    broken = settings.model_copy(update={"model_dir": tmp_path / "no-model"})
    with TestClient(create_app(broken)) as client:
        for _ in range(200):
            body = client.get("/readyz").json()
            if "error" in body:
                break
            threading.Event().wait(0.05)
        assert client.get("/readyz").status_code == 503 and "error" in client.get("/readyz").json()


def test_production_refuses_to_start_without_keys(settings: ServiceSettings) -> None:
    production = settings.model_copy(update={"environment": "production"})
    with pytest.raises(ConfigurationError, match="no API key"), TestClient(create_app(production)):
        pass
    add_key(production, "admin")
    with TestClient(create_app(production)) as client:
        assert client.get("/healthz").status_code == 200


def test_openapi_documents_every_route_with_examples(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    assert {
        "/v1/claims",
        "/v1/claims/{claim_id}",
        "/v1/claims/{claim_id}/review",
        "/v1/review-queue",
        "/v1/audit/metrics",
        "/v1/models/active",
        "/healthz",
        "/readyz",
        "/metrics",
    } <= set(schema["paths"])
    assert schema["components"]["schemas"]["ClaimIn"]["examples"]
    assert schema["components"]["schemas"]["ClaimDecision"]["examples"]
    assert "X-API-Key" in json.dumps(schema["components"]["securitySchemes"])


def test_unreachable_database_is_503_with_retry_after_never_500(api: Api) -> None:
    from service import db

    state = api.client.app.state.service  # type: ignore[attr-defined]
    healthy = state.sessions, state.engine
    dead = db.make_engine("postgresql+psycopg://nobody:nothing@127.0.0.1:1/none")  # connection refused
    state.sessions, state.engine = db.session_factory(dead), dead
    try:
        response = api.client.post("/v1/claims", json={"text": "Sturm"}, headers=api.headers("intake"))
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        assert api.client.get("/readyz").status_code == 503
        assert api.client.get("/healthz").status_code == 200
        metrics = api.client.get("/metrics")  # still answers, without the queue gauge
        assert metrics.status_code == 200 and "claims_review_queue_size" not in metrics.text
    finally:
        state.sessions, state.engine = healthy
    assert api.client.post("/v1/claims", json={"text": "Sturm"}, headers=api.headers("intake")).status_code == 201


@pytest.mark.parametrize("value", ["0.5", "-4.1659241625886065e-180", "1700000000", "inf"])
def test_dates_are_iso_8601_only(api: Api, value: str) -> None:
    for path, role in [("/v1/claims", "auditor"), ("/v1/audit/metrics", "auditor")]:
        response = api.client.get(path, params={"created_to": value}, headers=api.headers(role))
        assert response.status_code == 422, (path, value)
    ok = api.client.get("/v1/claims", params={"created_to": "2026-11-01T00:00:00Z"}, headers=api.headers("auditor"))
    assert ok.status_code == 200
