"""The service's storage on SQLite and on PostgreSQL: migrations, intake, idempotency under
concurrency, reviews with history and conflicts, the review queue, and the audit numbers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from service import db
from service.orm import Claim, ClaimReview
from tests.service_support import Api, make_settings, running_api


@pytest.fixture()
def api(db_url: str, tmp_path: Path, tiny_model_dir: Path, tiny_encoder_dir: Path) -> Iterator[Api]:
    yield from running_api(make_settings(tmp_path, db_url, tiny_model_dir, tiny_encoder_dir))


def count(api: Api, model: type) -> int:
    with db.session_scope(api.client.app.state.service.sessions) as session:  # type: ignore[attr-defined]
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_migrations_apply_and_revert_cleanly(db_url: str) -> None:
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    assert db.is_migrated(engine)
    assert {"claims", "claim_reviews", "api_keys", "idempotency_keys"} <= set(inspect(engine).get_table_names())
    db.upgrade(engine)  # idempotent
    db.downgrade(engine)
    assert not db.is_migrated(engine)
    assert "claims" not in inspect(engine).get_table_names()
    db.upgrade(engine)
    assert db.is_migrated(engine)
    engine.dispose()


def test_a_rule_stored_before_explanations_survives_upgrade_and_downgrade(db_url: str) -> None:
    engine = db.make_engine(db_url)
    db.upgrade(engine, "0001")
    columns = (
        "id, created_at, anonymized_text, entity_counts, predicted_damage_type, predicted_urgency, "
        "predicted_department, confidence_damage_type, confidence_urgency, confidence_department, needs_review, "
        "review_reasons, rule, model_version, damage_type, urgency, department, urgency_rank, review_state, review_count"
    )
    with engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO claims ({columns}) VALUES ('c-1', '2026-11-30 10:00:00', 'Sturm', '{{}}', 'sturm_hagel', "
                "'hoch', 'sach_privat', 0.9, 0.9, 0.9, false, '[]', 'amount above 10,000 EUR -> at least hoch', "
                "'triage-e5-lora-2', 'sturm_hagel', 'hoch', 'sach_privat', 1, 'auto_routed', 0)"
            )
        )
    db.upgrade(engine)
    with engine.connect() as connection:
        (explanation,) = connection.execute(text("SELECT explanation FROM claims WHERE id = 'c-1'")).one()
    stored = json.loads(explanation) if isinstance(explanation, str) else explanation
    assert stored == {"facts": {}, "rules": {"legacy": "amount above 10,000 EUR -> at least hoch"}}
    assert "rule" not in {c["name"] for c in inspect(engine).get_columns("claims")}
    db.downgrade(engine, "0001")
    with engine.connect() as connection:
        (rule,) = connection.execute(text("SELECT rule FROM claims WHERE id = 'c-1'")).one()
    assert rule == "amount above 10,000 EUR -> at least hoch"
    db.downgrade(engine)
    engine.dispose()


def test_intake_stores_only_anonymized_text(api: Api) -> None:
    body = api.post_claim("Wasser im Keller, Herr Koch, Tel. 0721 556 23 10", channel="phone", external_ref="INT-1")
    assert body["model_version"] == "tiny-1"
    assert {"damage_type", "urgency", "department", "needs_review", "review_reasons", "explanation"} <= set(body)
    assert set(body["explanation"]["rules"]) == {"urgency", "department"}  # type: ignore[index]
    assert "person_injured" in body["explanation"]["facts"]  # type: ignore[index]
    assert 0 <= body["damage_type"]["confidence"] <= 1  # type: ignore[index]
    detail = api.client.get(f"/v1/claims/{body['id']}", headers=api.headers("clerk")).json()
    assert "0721" not in detail["anonymized_text"] and "<PHONE_NUMBER_1>" in detail["anonymized_text"]
    assert detail["entity_counts"] == {"PHONE_NUMBER": 1} or "PHONE_NUMBER" in detail["entity_counts"]
    # The reference is echoed to its sender only; stored as a keyed hash, it reads as null.
    assert body["external_ref"] == "INT-1" and detail["channel"] == "phone" and detail["external_ref"] is None


def test_same_key_same_body_returns_the_original_and_other_body_is_422(api: Api) -> None:
    first = api.post_claim("Sturm hat das Dach abgedeckt", key="k-1")
    again = api.client.post(
        "/v1/claims",
        json={"text": "Sturm hat das Dach abgedeckt"},
        headers=api.headers("intake", **{"Idempotency-Key": "k-1"}),
    )
    assert again.status_code == 201 and again.json() == first
    assert again.headers["Idempotent-Replayed"] == "true"
    other = api.client.post(
        "/v1/claims", json={"text": "ein anderer Text"}, headers=api.headers("intake", **{"Idempotency-Key": "k-1"})
    )
    assert other.status_code == 422 and "different body" in other.json()["detail"]
    assert count(api, Claim) == 1


def test_concurrent_replays_of_one_key_store_exactly_one_claim(api: Api) -> None:
    headers = api.headers("intake", **{"Idempotency-Key": "race-1"})

    def send(_: int) -> tuple[int, str]:
        response = api.client.post("/v1/claims", json={"text": "Glasbruch an der Terrassentür"}, headers=headers)
        return response.status_code, response.json()["id"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(send, range(16)))
    assert {status for status, _ in results} == {201}
    assert len({claim_id for _, claim_id in results}) == 1
    assert count(api, Claim) == 1


def test_review_flow_history_conflict_and_override(api: Api) -> None:
    claim = api.post_claim("Einbruch in die Garage, Fahrrad gestohlen")
    url = f"/v1/claims/{claim['id']}/review"
    labels = {"damage_type": "einbruch_diebstahl", "urgency": "mittel", "department": "sach_privat"}
    first = api.client.post(url, json=labels, headers=api.headers("clerk"))
    assert first.status_code == 200, first.text
    assert first.json()["final"] == labels and first.json()["review_state"] == "reviewed"
    again = api.client.post(url, json={**labels, "urgency": "hoch"}, headers=api.headers("clerk"))
    assert again.status_code == 409
    changed = api.client.post(url, json={**labels, "urgency": "hoch", "override": True}, headers=api.headers("clerk"))
    assert changed.status_code == 200
    history = changed.json()["reviews"]
    assert [r["urgency"] for r in history] == ["mittel", "hoch"]
    assert history[1]["previous"]["urgency"] == "mittel" and history[1]["override"] is True
    # The prediction itself never changes.
    assert changed.json()["urgency"] == claim["urgency"]
    filtered = api.client.get("/v1/claims", params={"urgency": "hoch"}, headers=api.headers("auditor")).json()
    assert [c["id"] for c in filtered["data"]] == [claim["id"]]


def test_review_history_is_append_only_in_the_database(api: Api) -> None:
    claim = api.post_claim("Hagel hat die Markise beschädigt")
    labels = {"damage_type": "sturm_hagel", "urgency": "niedrig", "department": "sach_privat"}
    api.client.post(f"/v1/claims/{claim['id']}/review", json=labels, headers=api.headers("clerk"))
    engine = api.client.app.state.service.engine  # type: ignore[attr-defined]
    for statement in ("UPDATE claim_reviews SET urgency = 'hoch'", "DELETE FROM claim_reviews"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert count(api, ClaimReview) == 1


def test_concurrent_reviews_never_overwrite_silently(api: Api) -> None:
    claim = api.post_claim("Rohrbruch im Bad")
    url = f"/v1/claims/{claim['id']}/review"

    def send(urgency: str) -> int:
        body = {"damage_type": "leitungswasser", "urgency": urgency, "department": "sach_privat"}
        return api.client.post(url, json=body, headers=api.headers("clerk")).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(send, ["hoch", "mittel", "niedrig", "kritisch"]))
    assert statuses.count(200) == 1 and statuses.count(409) == 3
    assert count(api, ClaimReview) == 1


def test_review_queue_is_most_urgent_first_and_paginated(api: Api) -> None:
    ids = [api.post_claim(f"Schaden Nummer {i} im Keller")["id"] for i in range(5)]
    queue = api.client.get("/v1/review-queue", params={"limit": 2}, headers=api.headers("clerk")).json()
    everything = api.client.get("/v1/review-queue", params={"limit": 200}, headers=api.headers("clerk")).json()
    assert queue["count"] == everything["count"] and len(queue["data"]) == min(2, queue["count"])
    ranks = {"kritisch": 0, "hoch": 1, "mittel": 2, "niedrig": 3}
    order = [(ranks[c["urgency"]["label"]], c["created_at"]) for c in everything["data"]]
    assert order == sorted(order)
    assert {c["id"] for c in everything["data"]} <= set(ids)
    assert all(c["review_state"] == "needs_review" for c in everything["data"])


def test_audit_metrics_compare_predictions_with_clerks(api: Api) -> None:
    claims = [api.post_claim(f"Leitungswasserschaden {i}") for i in range(4)]
    for i, claim in enumerate(claims[:3]):
        labels = {t: claim[t]["label"] for t in ("damage_type", "urgency", "department")}  # type: ignore[index]
        if i == 0:  # the clerk corrects the first
            labels["damage_type"] = "feuer" if labels["damage_type"] != "feuer" else "glasbruch"
        api.client.post(f"/v1/claims/{claim['id']}/review", json=labels, headers=api.headers("clerk"))
    report = api.client.get("/v1/audit/metrics", headers=api.headers("auditor"))
    assert report.status_code == 200
    (version,) = report.json()["versions"]
    assert version["model_version"] == "tiny-1" and version["claims"] == 4 and version["reviewed"] == 3
    damage = version["tasks"]["damage_type"]
    assert (damage["n"], damage["correct"]) == (3, 2)
    assert 0 < damage["ci95"]["low"] < 2 / 3 < damage["ci95"]["high"] < 1
    assert sum(map(sum, damage["confusion"])) == 3
    assert version["tasks"]["urgency"]["correct"] == 3
    assert version["auto_routed"] == sum(not c["needs_review"] for c in claims)
    empty = api.client.get(
        "/v1/audit/metrics", params={"created_to": "2000-01-01T00:00:00Z"}, headers=api.headers("auditor")
    ).json()
    assert empty["versions"] == []


def test_idempotency_keys_are_scoped_to_the_calling_api_key(api: Api) -> None:
    first = api.post_claim("Sturm hat das Dach abgedeckt", key="shared-1", external_ref="SYS-A-1")
    other = api.client.post(
        "/v1/claims",
        json={"text": "Wasser im Keller"},
        headers={**api.headers("admin"), "Idempotency-Key": "shared-1"},
    )
    assert other.status_code == 201 and other.json()["id"] != first["id"]
    found = api.client.get("/v1/claims", params={"external_ref": "SYS-A-1"}, headers=api.headers("intake")).json()
    assert [c["id"] for c in found["data"]] == [first["id"]]


def test_audit_splits_by_period(api: Api) -> None:
    claim = api.post_claim("Glasbruch am Wintergarten")
    labels = {t: claim[t]["label"] for t in ("damage_type", "urgency", "department")}  # type: ignore[index]
    api.client.post(f"/v1/claims/{claim['id']}/review", json=labels, headers=api.headers("clerk"))
    today = claim["created_at"][:10]  # type: ignore[index]
    for period, expected in [("day", today), ("month", today[:7]), ("all", None)]:
        report = api.client.get("/v1/audit/metrics", params={"period": period}, headers=api.headers("auditor")).json()
        assert report["period"] == period
        assert [(v["period"], v["claims"], v["tasks"]["urgency"]["correct"]) for v in report["versions"]] == [
            (expected, 1, 1)
        ]
    week = api.client.get("/v1/audit/metrics", params={"period": "week"}, headers=api.headers("auditor")).json()
    assert week["versions"][0]["period"].startswith(today[:4]) and "-W" in week["versions"][0]["period"]
    assert (
        api.client.get("/v1/audit/metrics", params={"period": "year"}, headers=api.headers("auditor")).status_code
        == 422
    )
