"""The pages in a real browser: headless Chromium from Debian's packages, driven by Playwright's
Python package (which never downloads a browser here). Scenarios of the issue: a clerk signs in,
works the queue and corrects a claim that then leaves the queue; the auditor sees the numbers
change and exports CSV; a clerk cannot open the audit; a form without its CSRF token is refused;
everything works from the keyboard; axe-core finds no accessibility violation on any page.
Screenshots of every page land in ``test-output/ui/`` (gitignored) for a person to look at.

Without Chromium the tests skip, except when ``CLAIMS_REQUIRE_BROWSER=1`` (set by ``.ci/run``),
where they fail."""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO
from tests.service_support import add_key, make_settings
from tests.ui_support import live_service

CHROMIUM = Path(os.environ.get("CLAIMS_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("CLAIMS_REQUIRE_BROWSER") == "1"
AXE = REPO / "tests" / "vendor" / "axe-core" / "axe.min.js"
SHOTS = REPO / "test-output" / "ui"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CLAIMS = [
    "Sturm hat das Dach abgedeckt, Wasser tropft ins Schlafzimmer.",
    "Wasserschaden im Keller nach Rohrbruch, der Boden steht unter Wasser.",
    "Beim Ausparken die Stoßstange eines anderen Wagens gestreift.",
    "Einbruch in die Wohnung, Laptop und Schmuck gestohlen.",
    "Hagel hat die Windschutzscheibe beschädigt.",
    "Der Hund hat einen Jogger gebissen, die Hose ist zerrissen.",
]


@dataclass
class Live:
    url: str
    keys: dict[str, str]
    claim_ids: list[str]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path, tiny_encoder_dir: Path) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("ui-browser")
    settings = make_settings(tmp, f"sqlite:///{tmp / 'var' / 'claims-triage.db'}", tiny_model_dir, tiny_encoder_dir)
    keys = {role: add_key(settings, role) for role in ("intake", "clerk", "auditor")}
    with live_service(settings) as url:
        deadline = time.monotonic() + 120
        while httpx.get(f"{url}/readyz").status_code != 200:
            assert time.monotonic() < deadline, "service not ready"
            time.sleep(0.1)
        ids = []
        for text in CLAIMS:
            response = httpx.post(f"{url}/v1/claims", json={"text": text}, headers={"X-API-Key": keys["intake"]})
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        yield Live(url, keys, ids)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver; .ci/run does)"
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def signed_in(browser: Any, live: Live, role: str, **context: Any) -> Any:
    """A new browser context (its own cookies) signed in with the role's key through the form."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}, **context).new_page()
    page.goto(f"{live.url}/ui/login")
    page.fill("#api_key", live.keys[role])
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def queue_ids(page: Any) -> list[str]:
    return [row.get_attribute("data-claim") for row in page.locator("#queue tbody tr").all()]


def summary_row(page: Any) -> dict[str, str]:
    headers = [h.inner_text() for h in page.locator("#table-summary thead th").all()]
    cells = [c.inner_text() for c in page.locator("#table-summary tbody tr").first.locator("td").all()]
    return dict(zip(headers, cells, strict=True))


def test_clerk_corrects_a_claim_and_the_auditor_sees_it(browser: Any, live: Live) -> None:
    refused: list[str] = []
    auditor = signed_in(browser, live, "auditor")
    assert auditor.url.endswith("/ui/audit")
    auditor.on("console", lambda message: refused.append(message.text) if "Refused" in message.text else None)
    shot(auditor, "login-then-audit-before")
    before = summary_row(auditor)
    assert before["Geprüft"] == "0" and before["Fälle"] == str(len(CLAIMS))

    clerk = signed_in(browser, live, "clerk")
    clerk.on("console", lambda message: refused.append(message.text) if "Refused" in message.text else None)
    assert clerk.url.endswith("/ui/review")
    shot(clerk, "review-queue")
    waiting = queue_ids(clerk)
    count = int(clerk.locator("#queue-count strong").get_attribute("data-count"))
    assert count == len(waiting) == len(CLAIMS)  # the tiny model's thresholds send every claim to review
    first = waiting[0]
    clerk.locator(f"tr[data-claim='{first}'] a").click()
    clerk.wait_for_load_state()
    assert f"/ui/claims/{first}" in clerk.url
    assert clerk.locator("#claim-text").inner_text().strip() in CLAIMS
    assert clerk.locator("#decision tbody tr").count() == 3
    shot(clerk, "claim")
    predicted_urgency = clerk.locator("#f-urgency").input_value()
    corrected = "niedrig" if predicted_urgency != "niedrig" else "kritisch"
    clerk.select_option("#f-urgency", corrected)
    clerk.fill("#f-comment", "Dringlichkeit nach Rückruf angepasst.")
    clerk.click("#review-form button[type=submit]")
    clerk.wait_for_load_state()
    assert "/ui/claims/" in clerk.url and first not in clerk.url  # the next claim of the queue
    assert clerk.locator("p.note[role=status]").count() == 1
    shot(clerk, "claim-after-save")
    clerk.goto(f"{live.url}/ui/review")
    assert first not in queue_ids(clerk)
    assert int(clerk.locator("#queue-count strong").get_attribute("data-count")) == count - 1

    # The clerk's page shows the review in the claim's history.
    clerk.goto(f"{live.url}/ui/claims/{first}")
    assert clerk.locator("#state").inner_text() == "geprüft"
    assert "Rückruf" in clerk.locator("#history").inner_text()

    auditor.reload()
    after = summary_row(auditor)
    assert after["Geprüft"] == "1"
    urgency = [
        [c.inner_text() for c in row.locator("td").all()] for row in auditor.locator("#table-accuracy tbody tr").all()
    ]
    assert ["urgency", "1", "0"] == [cell for cell in urgency[1][1:4]]  # one reviewed, the model was wrong
    shot(auditor, "audit-after")

    with auditor.expect_download() as download:
        auditor.locator("#table-accuracy caption a.csv").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    by_task = {row["task"]: row for row in rows}
    assert by_task["urgency"]["n"] == "1" and by_task["urgency"]["correct"] == "0"
    assert by_task["urgency"]["accuracy"] == "0.0"
    assert not refused, refused  # nothing blocked by the Content-Security-Policy

    auditor.click("text=English")
    auditor.wait_for_load_state()
    assert auditor.locator("html").get_attribute("lang") == "en"
    assert auditor.locator("h1").inner_text() == "Audit"
    shot(auditor, "audit-english")


def test_a_clerk_cannot_open_the_audit_page(browser: Any, live: Live) -> None:
    clerk = signed_in(browser, live, "clerk")
    response = clerk.goto(f"{live.url}/ui/audit")
    assert response.status == 403
    assert "Kein Zugriff" in clerk.locator("h1").inner_text()
    shot(clerk, "forbidden")
    stranger = browser.new_context().new_page()
    stranger.goto(f"{live.url}/ui/audit")
    assert "/ui/login" in stranger.url  # pages need a session


def test_a_post_without_the_csrf_token_is_refused(browser: Any, live: Live) -> None:
    clerk = signed_in(browser, live, "clerk")
    waiting = queue_ids(clerk)
    target = waiting[-1]
    labels = {"damage_type": "feuer", "urgency": "kritisch", "department": "gewerbe"}
    response = clerk.context.request.post(f"{live.url}/ui/claims/{target}/review", form=labels)
    assert response.status == 403
    forged = clerk.context.request.post(f"{live.url}/ui/claims/{target}/review", form={**labels, "csrf": "forged"})
    assert forged.status == 403
    clerk.reload()
    assert target in queue_ids(clerk)  # nothing was stored
    fresh = browser.new_context().new_page()
    no_token = fresh.context.request.post(f"{live.url}/ui/login", form={"api_key": live.keys["clerk"]})
    assert no_token.status == 403


def test_keyboard_only(browser: Any, live: Live) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live.url}/ui/login")
    shot(page, "login")

    def tab_to(predicate: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(predicate):
                return
        raise AssertionError(f"Tab never reached {predicate}")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # the skip link comes first
    tab_to("document.activeElement.id === 'api_key'")
    page.keyboard.type(live.keys["clerk"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui/review")
    tab_to("document.activeElement.closest('#queue') !== null && document.activeElement.tagName === 'A'")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    shot(page, "keyboard-focus-queue")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui/claims/**")
    tab_to("document.activeElement.id === 'f-urgency'")
    tab_to("document.activeElement.id === 'f-comment'")
    tab_to("document.activeElement.closest('#review-form') !== null && document.activeElement.type === 'submit'")


def test_pages_pass_axe(browser: Any, live: Live) -> None:
    """axe-core (vendored) on every page, German and English: labels, contrast, landmarks and the
    rest of WCAG 2.1 A/AA plus axe's best practices. The test context bypasses the CSP only to
    inject axe itself."""
    pages = {}
    for role in ("clerk", "auditor"):
        pages[role] = signed_in(browser, live, role, bypass_csp=True)
    anonymous = browser.new_context(bypass_csp=True).new_page()
    claim = live.claim_ids[-1]
    visits = [
        (anonymous, "/ui/login"),
        (pages["clerk"], "/ui/review"),
        (pages["clerk"], f"/ui/claims/{claim}"),
        (pages["clerk"], "/ui/audit"),
        (pages["auditor"], "/ui/audit"),
        (pages["auditor"], "/ui/audit?model_version=&period=day"),
    ]
    problems = []
    for language in ("de", "en"):
        for page, path in visits:
            page.goto(f"{live.url}/ui/lang/{language}?next=" + path.replace("?", "%3F").replace("&", "%26"))
            page.wait_for_load_state()
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                """async () => {
                    const r = await axe.run(document, {runOnly: {type: 'tag',
                        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
                    return {violations: r.violations.map(v => [v.id, v.nodes.map(n => n.target.join(' '))]),
                            passes: r.passes.map(p => p.id)};
                }"""
            )
            assert {"label", "color-contrast", "landmark-one-main"} & set(result["passes"]) or path.startswith(
                "/ui/login"
            )
            problems += [(language, path, violation) for violation in result["violations"]]
    assert not problems, problems
