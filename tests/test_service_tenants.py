"""Tenant isolation, external references and idempotent answers on SQLite and PostgreSQL
(issue 14: tenants, findings 6 and 11)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, inspect, select, text

from service import db
from service.schemas import ClaimIn
from service.store import digest, find_replay, request_digest
from tests.service_support import Api, add_key, make_settings, running_api

REVIEW = {"damage_type": "sturm_hagel", "urgency": "hoch", "department": "sach_privat"}
EXPLANATION = {
    "facts": {"loss_ongoing": 0.1, "amount_eur": None},
    "rules": {"urgency": "hoch.amount", "department": "sach_privat.everything_else"},
    "policy": "guide",
}


@pytest.fixture()
def api(db_url: str, tmp_path: Path, tiny_model_dir: Path, tiny_encoder_dir: Path) -> Iterator[Api]:
    yield from running_api(make_settings(tmp_path, db_url, tiny_model_dir, tiny_encoder_dir))


def _headers(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def test_keys_see_only_their_tenants(api: Api) -> None:
    keys = {
        "intake-a": add_key(api.settings, "intake", ["a"]),
        "intake-b": add_key(api.settings, "intake", ["b"]),
        "clerk-a": add_key(api.settings, "clerk", ["a"]),
        "auditor-b": add_key(api.settings, "auditor", ["b"]),
    }
    ids = {}
    for tenant in ("a", "b"):
        response = api.client.post(
            "/v1/claims",
            json={"text": f"Sturm im Haus {tenant}", "external_ref": "SAME-REF"},
            headers=_headers(keys[f"intake-{tenant}"]),
        )
        assert response.status_code == 201 and response.json()["tenant"] == tenant
        ids[tenant] = response.json()["id"]
    client = api.client
    # an intake system reads, lists and finds by reference only its own claims
    assert client.get(f"/v1/claims/{ids['b']}", headers=_headers(keys["intake-a"])).status_code == 404
    assert client.get(f"/v1/claims/{ids['a']}", headers=_headers(keys["intake-a"])).status_code == 200
    listed = client.get("/v1/claims", headers=_headers(keys["intake-a"])).json()
    assert [c["id"] for c in listed["data"]] == [ids["a"]] and listed["count"] == 1
    by_ref = client.get("/v1/claims", params={"external_ref": "SAME-REF"}, headers=_headers(keys["intake-b"])).json()
    assert [c["id"] for c in by_ref["data"]] == [ids["b"]]
    # a clerk granted tenant a: its queue, reads and reviews stay in a
    queue = client.get("/v1/review-queue", headers=_headers(keys["clerk-a"])).json()
    assert {c["tenant"] for c in queue["data"]} <= {"a"}
    assert (
        client.post(f"/v1/claims/{ids['b']}/review", json=REVIEW, headers=_headers(keys["clerk-a"])).status_code == 404
    )
    assert (
        client.post(f"/v1/claims/{ids['a']}/review", json=REVIEW, headers=_headers(keys["clerk-a"])).status_code == 200
    )
    # the default clerk and auditor keys see every tenant; the audit splits by tenant
    everything = client.get("/v1/claims", params={"external_ref": "SAME-REF"}, headers=api.headers("clerk")).json()
    assert {c["id"] for c in everything["data"]} == set(ids.values())
    split = client.get("/v1/audit/metrics", params={"by_tenant": "true"}, headers=api.headers("auditor")).json()
    assert sorted(v["tenant"] for v in split["versions"]) == ["a", "b"]
    only_b = client.get("/v1/audit/metrics", params={"by_tenant": "true"}, headers=_headers(keys["auditor-b"])).json()
    assert [v["tenant"] for v in only_b["versions"]] == ["b"] and only_b["versions"][0]["claims"] == 1
    assert client.get(f"/v1/claims/{ids['a']}", headers=_headers(keys["auditor-b"])).status_code == 404


def test_external_reference_is_never_stored_in_clear(api: Api, tmp_path: Path) -> None:
    secret_refs = ["DE02120300000000202051", "Quirinus.Zwetschkenbaum", "0171-2345678", "M-QZ-4711"]
    for ref in secret_refs:
        answer = api.post_claim("Sturm hat das Dach abgedeckt", external_ref=ref)
        assert answer["external_ref"] == ref  # echoed to its sender
        found = api.client.get("/v1/claims", params={"external_ref": ref}, headers=api.headers("intake")).json()
        assert [c["id"] for c in found["data"]] == [answer["id"]]
        assert found["data"][0]["external_ref"] is None
        queue = api.client.get("/v1/review-queue", headers=api.headers("clerk")).text
        assert ref not in queue
    state = api.client.app.state.service  # type: ignore[attr-defined]
    metadata = MetaData()
    metadata.reflect(state.engine)
    with state.engine.connect() as connection:
        dump = " ".join(str(row) for table in metadata.sorted_tables for row in connection.execute(select(table)))
    for ref in secret_refs:
        assert ref not in dump
    for path in (tmp_path / "var").glob("claims-triage.db*"):  # SQLite file and its WAL
        content = path.read_bytes()
        assert not any(ref.encode() in content for ref in secret_refs), path.name


def test_replay_returns_the_original_answer_after_a_review(api: Api) -> None:
    first = api.post_claim("Sturm hat das Dach abgedeckt", key="replay-1", external_ref="INT-7")
    reviewed = api.client.post(
        f"/v1/claims/{first['id']}/review", json={**REVIEW, "override": True}, headers=api.headers("clerk")
    )
    assert reviewed.status_code == 200 and reviewed.json()["review_state"] == "reviewed"
    replay = api.client.post(
        "/v1/claims",
        json={"text": "Sturm hat das Dach abgedeckt", "external_ref": "INT-7"},
        headers=api.headers("intake", **{"Idempotency-Key": "replay-1"}),
    )
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first and first["explanation"] is not None


def test_migration_moves_existing_claims_and_intake_keys_to_the_default_tenant(db_url: str) -> None:
    """0003 on top of 0002: existing claims (with their explanation) and intake keys go to the
    default tenant, a replay recorded before 0003 answers from the stored claim, explanation
    included; down to 0002 keeps the claims and their explanations."""
    engine = db.make_engine(db_url)
    db.upgrade(engine, "0002")
    body = ClaimIn(text="Sturm hat das Dach abgedeckt")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO api_keys (id, key_hash, prefix, role, label, created_at) VALUES "
                "(1, 'h1', 'ctk_a', 'intake', '', CURRENT_TIMESTAMP), (2, 'h2', 'ctk_b', 'clerk', '', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO claims (id, created_at, external_ref, anonymized_text, entity_counts, "
                "predicted_damage_type, predicted_urgency, predicted_department, confidence_damage_type, "
                "confidence_urgency, confidence_department, needs_review, review_reasons, explanation, "
                "model_version, damage_type, urgency, department, urgency_rank, review_state, review_count) VALUES "
                "('c1', CURRENT_TIMESTAMP, 'DE02120300000000202051', 'x', '{}', 'sturm_hagel', 'hoch', "
                "'sach_privat', 0.9, 0.9, 0.9, false, '[]', :explanation, 'v1', 'sturm_hagel', 'hoch', "
                "'sach_privat', 1, 'auto_routed', 0)"
            ),
            {"explanation": json.dumps(EXPLANATION)},
        )
        connection.execute(
            text(
                "INSERT INTO idempotency_keys (key_hash, request_hash, claim_id, created_at) "
                "VALUES (:key, :request, 'c1', CURRENT_TIMESTAMP)"
            ),
            {"key": digest("1:old-key"), "request": request_digest(body)},
        )
    db.upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT tenant, external_ref_hash FROM claims")).one() == ("default", None)
        tenants = dict(connection.execute(text("SELECT role, tenants FROM api_keys")).all())
    assert tenants["intake"] in (["default"], '["default"]') and tenants["clerk"] is None
    with db.session_scope(db.session_factory(engine)) as session:
        replay = find_replay(session, "1:old-key", body)
    assert replay is not None and replay.tenant == "default"
    assert replay.explanation is not None and replay.explanation.model_dump() == EXPLANATION
    db.downgrade(engine, "0002")
    with engine.connect() as connection:
        (claim_id, explanation) = connection.execute(text("SELECT id, explanation FROM claims")).one()
    assert claim_id == "c1"
    assert (json.loads(explanation) if isinstance(explanation, str) else explanation) == EXPLANATION
    assert "tenant" not in {c["name"] for c in inspect(engine).get_columns("claims")}
    db.downgrade(engine)
    engine.dispose()
