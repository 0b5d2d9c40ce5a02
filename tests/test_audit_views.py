"""The audit page's added computations on both databases: reliability bins, how often clerks
changed auto-routed decisions, the label distribution against training, and one database pass
serving several periods."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from claims.taxonomy import TASKS
from service import db
from service.audit import (
    AuditScope,
    auto_routed_changes,
    daily_rows,
    predicted_distribution,
    reliability,
    scoped_report,
    total_variation,
    training_distribution,
)
from service.orm import Claim
from service.store import URGENCY_RANK

PREDICTED = {"damage_type": "feuer", "urgency": "hoch", "department": "gewerbe"}


def add(session: Session, confidence: float, *, needs_review: bool, final: dict[str, str] | None, day: int = 0) -> None:
    labels = final or PREDICTED
    session.add(
        Claim(
            id=str(uuid.uuid4()),
            created_at=datetime(2026, 11, 2, 12, tzinfo=UTC) + timedelta(days=day),
            anonymized_text="<PERSON_1> meldet einen Brand.",
            entity_counts={},
            **{f"predicted_{t}": PREDICTED[t] for t in TASKS},
            **{f"confidence_{t}": confidence for t in TASKS},
            needs_review=needs_review,
            review_reasons=[],
            model_version="m-1",
            **labels,
            urgency_rank=URGENCY_RANK[labels["urgency"]],
            review_state="reviewed" if final else ("needs_review" if needs_review else "auto_routed"),
            review_count=1 if final else 0,
        )
    )


@pytest.fixture()
def session(db_url: str) -> Session:
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    with db.session_factory(engine)() as session:
        changed = {**PREDICTED, "urgency": "niedrig"}
        add(session, 0.95, needs_review=False, final=PREDICTED)  # auto-routed, checked, kept
        add(session, 0.95, needs_review=False, final=changed)  # auto-routed, checked, changed
        add(session, 0.99, needs_review=False, final=None)  # auto-routed, never checked
        add(session, 0.35, needs_review=True, final=changed, day=8)
        add(session, 0.30, needs_review=True, final=PREDICTED, day=8)  # on a bin edge: bin [0.3, 0.4)
        add(session, 0.31, needs_review=True, final=None, day=8)
        session.commit()
        yield session
    engine.dispose()


def test_reliability_bins(session: Session) -> None:
    bins = reliability(session, AuditScope())
    urgency = {round(b.low, 1): b for b in bins["urgency"] if b.n}
    assert set(urgency) == {0.3, 0.9}
    assert urgency[0.9].n == 2 and urgency[0.9].accuracy == 0.5 and urgency[0.9].mean_confidence == pytest.approx(0.95)
    assert urgency[0.3].n == 2 and urgency[0.3].accuracy == 0.5 and urgency[0.3].mean_confidence == pytest.approx(0.325)
    assert {b.n for b in bins["damage_type"] if b.n} == {2} and all(
        b.accuracy == 1.0 for b in bins["damage_type"] if b.n
    )
    assert len(bins["department"]) == 10


def test_auto_routed_changes_count_only_checked_auto_routed_claims(session: Session) -> None:
    checks = auto_routed_changes(session, AuditScope())["m-1"]
    assert (checks.checked, checks.changed) == (2, 1)
    later = AuditScope(created_from=datetime(2026, 11, 5, tzinfo=UTC))
    assert auto_routed_changes(session, later) == {}


def test_distribution_against_training(session: Session, tmp_path: Path) -> None:
    now = predicted_distribution(session, AuditScope())
    assert now["damage_type"]["feuer"] == 6 and sum(now["urgency"].values()) == 6
    train = tmp_path / "train.jsonl"
    train.write_text(
        "\n".join(
            json.dumps({"text": "x", "damage_type": d, "urgency": "hoch", "department": "gewerbe"})
            for d in ("feuer", "glasbruch")
        ),
        encoding="utf-8",
    )
    reference = training_distribution(train)
    assert reference is not None and reference["damage_type"]["glasbruch"] == 1
    assert total_variation(now["damage_type"], reference["damage_type"]) == pytest.approx(0.5)
    assert total_variation(now["urgency"], reference["urgency"]) == pytest.approx(0.0)
    assert training_distribution(tmp_path / "missing.jsonl") is None


def test_one_database_pass_serves_every_period(session: Session) -> None:
    rows = daily_rows(session, AuditScope())
    for period in ("all", "day", "week", "month"):
        assert scoped_report(session, AuditScope(), period, rows=rows) == scoped_report(session, AuditScope(), period)
    weeks = scoped_report(session, AuditScope(), "week", rows=rows)
    assert [(v.period, v.claims, v.reviewed) for v in weeks.versions] == [("2026-W45", 3, 2), ("2026-W46", 3, 2)]
