"""The pages' contract without a browser: session cookie flags, sign-in failures and their limit,
sign-out and revoked keys, redirects, security headers, review conflicts, the explanation partial
and the CSV export against the audit API."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from service.settings import ServiceSettings
from service.ui.audit_tables import Table
from service.ui.i18n import translator
from service.ui.pages import templates
from tests.service_support import Api, make_settings, running_api
from tests.ui_support import csrf_of, sign_in


@pytest.fixture()
def settings(sqlite_url: str, tmp_path: Path, tiny_model_dir: Path, tiny_encoder_dir: Path) -> ServiceSettings:
    return make_settings(tmp_path, sqlite_url, tiny_model_dir, tiny_encoder_dir, ui_login_attempts=3)


@pytest.fixture()
def api(settings: ServiceSettings) -> Iterator[Api]:
    yield from running_api(settings)


def test_sign_in_sets_a_strict_http_only_expiring_cookie(api: Api) -> None:
    response = sign_in(api.client, api.keys["clerk"])
    assert response.status_code == 303 and response.headers["location"] == "/ui/review"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("claims_session="))
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "samesite", "max-age", "path"} <= flags and "secure" not in flags
    assert "samesite=strict" in cookie.lower() and "max-age=28800" in cookie.lower()
    assert api.client.get("/ui/review").status_code == 200
    with TestClient(api.client.app, base_url="https://testserver") as https:
        secure = sign_in(https, api.keys["auditor"])
        cookie = next(c for c in secure.headers.get_list("set-cookie") if c.startswith("claims_session="))
        assert "secure" in cookie.lower()


def test_wrong_key_gives_the_form_again_without_a_hint_and_attempts_are_limited(api: Api) -> None:
    pages = []
    for key in ("ctk_wrong", api.keys["intake"], ""):
        response = sign_in(api.client, key)
        assert response.status_code == 401
        assert 'id="api_key"' in response.text and "Anmeldung fehlgeschlagen." in response.text
        assert "ctk_wrong" not in response.text and api.keys["intake"] not in response.text
        pages.append(response.text.replace(csrf_of(response.text), ""))
    assert len(set(pages)) == 1  # the same answer whichever part was wrong
    limited = sign_in(api.client, api.keys["clerk"])  # 3 failures allowed by the settings
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert "claims_session" not in limited.headers.get("set-cookie", "")


def test_sign_out_and_revoked_keys_end_the_session(api: Api, settings: ServiceSettings) -> None:
    from service import db
    from service.auth import hash_key, revoke_key
    from service.orm import ApiKey

    sign_in(api.client, api.keys["clerk"])
    page = api.client.get("/ui/review")
    token = api.client.cookies.get("claims_session")
    assert api.client.post("/ui/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False).status_code == 303
    api.client.cookies.set("claims_session", token, path="/ui")  # a copy of the old cookie is dead too
    gone = api.client.get("/ui/review", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/ui/login")

    sign_in(api.client, api.keys["clerk"])
    assert api.client.get("/ui/review", follow_redirects=False).status_code == 200
    engine = db.make_engine(settings.db_url)
    with db.session_scope(db.session_factory(engine)) as session:
        row = session.query(ApiKey).filter_by(key_hash=hash_key(api.keys["clerk"])).one()
        assert revoke_key(session, row.id)
    engine.dispose()
    assert api.client.get("/ui/review", follow_redirects=False).status_code == 303


def test_pages_need_a_session_and_sign_in_returns_to_them_but_never_elsewhere(api: Api) -> None:
    response = api.client.get("/ui/audit?period=day", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/login?next=%2Fui%2Faudit%3Fperiod%3Dday"
    form = api.client.get(response.headers["location"]).text
    back = api.client.post(
        "/ui/login",
        data={"api_key": api.keys["auditor"], "csrf": csrf_of(form), "next": "/ui/audit?period=day"},
        follow_redirects=False,
    )
    assert back.headers["location"] == "/ui/audit?period=day"
    for target in ("//evil.example/", "https://evil.example/ui/", "/ui//evil.example"):
        api.client.cookies.clear()
        form = api.client.get("/ui/login").text
        away = api.client.post(
            "/ui/login",
            data={"api_key": api.keys["auditor"], "csrf": csrf_of(form), "next": target},
            follow_redirects=False,
        )
        assert away.headers["location"] == "/ui/audit"


def test_security_headers_on_every_page(api: Api) -> None:
    sign_in(api.client, api.keys["admin"])
    for path in ("/ui/login", "/ui/review", "/ui/audit", "/ui/claims/nope", "/ui/static/ui.css"):
        response = api.client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src" not in csp and "default-src 'none'" in csp and "'unsafe-inline'" not in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert "<script" not in api.client.get("/ui/audit").text


def test_review_conflicts_are_shown_and_nothing_is_overwritten(api: Api) -> None:
    claim = api.post_claim("Sturm hat das Dach beschädigt.")
    sign_in(api.client, api.keys["clerk"])
    page = api.client.get(f"/ui/claims/{claim['id']}").text
    form = {"csrf": csrf_of(page), "review_count": "0", "damage_type": "sturm_hagel", "urgency": "hoch"}
    form["department"] = "sach_privat"
    saved = api.client.post(f"/ui/claims/{claim['id']}/review", data=form, follow_redirects=False)
    assert saved.status_code == 303
    again = api.client.post(f"/ui/claims/{claim['id']}/review", data={**form, "urgency": "niedrig"})
    assert again.status_code == 409 and "bereits geprüft" in again.text
    stale = api.client.post(f"/ui/claims/{claim['id']}/review", data={**form, "urgency": "niedrig", "override": "on"})
    assert stale.status_code == 409 and "Jemand anderes" in stale.text  # loaded before the first review
    current = api.client.get(f"/v1/claims/{claim['id']}", headers=api.headers("clerk")).json()
    assert current["final"]["urgency"] == "hoch" and len(current["reviews"]) == 1
    override = api.client.post(
        f"/ui/claims/{claim['id']}/review",
        data={**form, "urgency": "niedrig", "override": "on", "review_count": "1"},
        follow_redirects=False,
    )
    assert override.status_code == 303
    bad = api.client.post(f"/ui/claims/{claim['id']}/review", data={**form, "urgency": "sofort"})
    assert bad.status_code == 422 and "Unbekannte Einstufung" in bad.text
    current = api.client.get(f"/v1/claims/{claim['id']}", headers=api.headers("clerk")).json()
    assert current["final"]["urgency"] == "niedrig" and len(current["reviews"]) == 2


def test_the_explanation_partial_shows_facts_and_rules_when_the_claim_has_them() -> None:
    t = translator("de")
    claim = SimpleNamespace(review_reasons=[], entity_counts={"PERSON": 1})
    context = {"t": t, "task_title": lambda task: task, "TASKS": ("urgency", "department"), "claim": claim}
    explained = {"facts": {"water_escaping": 0.91, "injured_people": 2}, "rules": {"urgency": "R3", "department": None}}
    html = templates.get_template("_explanation.html").render(**context, explanation=explained)
    assert 'id="facts"' in html and "water_escaping" in html and "0.91" in html and ">2<" in html
    assert 'id="rules"' in html and "R3" in html and t("model_decided") in html
    plain = templates.get_template("_explanation.html").render(**context, explanation=None)
    assert 'id="facts"' not in plain and 'id="rules"' not in plain and t("no_rule") in plain


def test_csv_export_matches_the_audit_api(api: Api) -> None:
    for text in ("Sturm am Dach.", "Wasser im Keller.", "Auto zerkratzt."):
        claim = api.post_claim(text)
        labels = {"damage_type": "sturm_hagel", "urgency": claim["urgency"]["label"], "department": "sach_privat"}
        api.client.post(f"/v1/claims/{claim['id']}/review", json=labels, headers=api.headers("clerk"))
    report = api.client.get("/v1/audit/metrics", headers=api.headers("auditor")).json()["versions"][0]
    sign_in(api.client, api.keys["auditor"])
    exported = api.client.get("/ui/audit/export/accuracy.csv?model_version=tiny-1")
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = {row["task"]: row for row in csv.DictReader(io.StringIO(exported.text))}
    for task, numbers in report["tasks"].items():
        assert int(rows[task]["n"]) == numbers["n"] and int(rows[task]["correct"]) == numbers["correct"]
        assert float(rows[task]["ci95_low"]) == pytest.approx(numbers["ci95"]["low"])
    for table in ("summary", "per_class", "confusion", "trend", "reliability", "drift"):
        assert api.client.get(f"/ui/audit/export/{table}.csv").status_code == 200
    assert api.client.get("/ui/audit/export/secrets.csv").status_code == 404


def test_csv_cells_never_start_a_formula() -> None:
    table = Table("t", ["model_version", "n"], [["=cmd|' /C calc'!A0", -1], ["ok", None]])
    lines = table.csv().splitlines()
    assert lines[1].startswith("'=cmd") and lines[1].endswith(",-1") and lines[2] == "ok,"
