"""Tenant isolation on the pages, on SQLite and PostgreSQL: a clerk's or auditor's session sees
only the tenants its key is granted, in the queue, on the claim page, in the review form and on
the audit page (whose tenant filter offers only those tenants)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.service_support import Api, add_key, make_settings, running_api
from tests.ui_support import csrf_of, sign_in

REVIEW = {"damage_type": "sturm_hagel", "urgency": "hoch", "department": "sach_privat", "review_count": "0"}


@pytest.fixture()
def api(db_url: str, tmp_path: Path, tiny_model_dir: Path, tiny_encoder_dir: Path) -> Iterator[Api]:
    yield from running_api(make_settings(tmp_path, db_url, tiny_model_dir, tiny_encoder_dir))


def _claims_of_two_tenants(api: Api) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {"a": [], "b": []}
    for tenant in ("a", "b"):
        key = add_key(api.settings, "intake", [tenant])
        for text in ("Sturm hat das Dach abgedeckt.", "Wasser im Keller."):
            response = api.client.post("/v1/claims", json={"text": f"{text} ({tenant})"}, headers={"X-API-Key": key})
            assert response.status_code == 201, response.text
            ids[tenant].append(response.json()["id"])
    return ids


def _page_client(api: Api, role: str, tenants: list[str] | None) -> TestClient:
    client = TestClient(api.client.app)
    assert sign_in(client, add_key(api.settings, role, tenants)).status_code == 303  # type: ignore[attr-defined]
    return client


def test_a_clerk_session_sees_and_reviews_only_its_tenants_claims(api: Api) -> None:
    ids = _claims_of_two_tenants(api)
    queued = api.client.get("/v1/review-queue", params={"limit": 200}, headers=api.headers("clerk")).json()
    # the tiny model's department threshold (0.99) sends every claim to review
    assert {c["id"] for c in queued["data"]} == set(ids["a"] + ids["b"])
    with _page_client(api, "clerk", ["a"]) as clerk:
        queue = clerk.get("/ui/review").text
        assert not any(claim_id in queue for claim_id in ids["b"])
        assert all(claim_id in queue for claim_id in ids["a"])
        other = clerk.get(f"/ui/claims/{ids['b'][0]}")
        assert other.status_code == 404 and "Sturm" not in other.text and "Wasser" not in other.text
        own = clerk.get(f"/ui/claims/{ids['a'][0]}")
        assert own.status_code == 200 and 'id="tenant">a<' in own.text
        form = {**REVIEW, "csrf": csrf_of(own.text)}
        refused = clerk.post(f"/ui/claims/{ids['b'][0]}/review", data=form, follow_redirects=False)
        assert refused.status_code == 404
        untouched = api.client.get(f"/v1/claims/{ids['b'][0]}", headers=api.headers("clerk")).json()
        assert untouched["reviews"] == []
        saved = clerk.post(f"/ui/claims/{ids['a'][0]}/review", data=form, follow_redirects=False)
        assert saved.status_code == 303
        next_claim = saved.headers["location"]
        assert not any(claim_id in next_claim for claim_id in ids["b"])
    with _page_client(api, "clerk", None) as every_tenant:
        queue = every_tenant.get("/ui/review").text
        assert all(claim_id in queue for claim_id in ids["b"])


def test_the_review_form_refuses_a_loose_override_and_control_characters(api: Api) -> None:
    claim = api.post_claim("Sturm hat das Dach abgedeckt.")
    with _page_client(api, "clerk", None) as clerk:
        page = clerk.get(f"/ui/claims/{claim['id']}").text
        form = {**REVIEW, "csrf": csrf_of(page)}
        for bad in ({"override": "yes"}, {"override": "1"}, {"comment": "ok \x1b[2J\x1b[31m red"}):
            response = clerk.post(f"/ui/claims/{claim['id']}/review", data={**form, **bad})
            assert response.status_code == 422, bad
            assert "\x1b" not in response.text
    current = api.client.get(f"/v1/claims/{claim['id']}", headers=api.headers("clerk")).json()
    assert current["reviews"] == []


def _summary_claims(client: TestClient, query: str = "") -> int:
    exported = client.get(f"/ui/audit/export/summary.csv?model_version={query}")
    assert exported.status_code == 200
    return sum(int(row["claims"]) for row in csv.DictReader(io.StringIO(exported.text)))


def test_an_auditor_session_audits_only_its_tenants_and_filters_among_them(api: Api) -> None:
    _claims_of_two_tenants(api)
    with _page_client(api, "auditor", ["b"]) as auditor:
        page = auditor.get("/ui/audit").text
        assert '<option value="b"' in page and '<option value="a"' not in page
        assert _summary_claims(auditor) == 2
        assert _summary_claims(auditor, "&tenant=b") == 2
        refused = auditor.get("/ui/audit?tenant=a")
        assert refused.status_code == 200 and "Ungültige Filter" in refused.text
        assert _summary_claims(auditor, "&tenant=a") == 2  # reset to the granted tenants, never a's
    with _page_client(api, "auditor", None) as every_tenant:
        page = every_tenant.get("/ui/audit").text
        assert '<option value="a"' in page and '<option value="b"' in page
        assert _summary_claims(every_tenant) == 4
        assert _summary_claims(every_tenant, "&tenant=a") == 2
