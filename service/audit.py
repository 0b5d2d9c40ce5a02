"""The auditors' view: the model's labels (as stored at intake, after guide rules) against the
clerks' final labels, per model version, over a period. Aggregated in SQL, so it stays cheap on
large tables; intervals are Wilson 95 % intervals (``claims.metrics.wilson_interval``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claims.metrics import wilson_interval
from claims.taxonomy import TASKS, load_taxonomy
from service.orm import Claim
from service.schemas import Accuracy, AuditReport, Interval, TaskAudit, VersionAudit


def _accuracy(correct: int, n: int) -> Accuracy:
    low, high = wilson_interval(correct, n)
    return Accuracy(n=n, correct=correct, accuracy=correct / n if n else None, ci95=Interval(low=low, high=high))


def audit_report(
    session: Session,
    *,
    model_version: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> AuditReport:
    conditions = []
    if model_version is not None:
        conditions.append(Claim.model_version == model_version)
    if created_from is not None:
        conditions.append(Claim.created_at >= created_from)
    if created_to is not None:
        conditions.append(Claim.created_at < created_to)

    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for version, state, count in session.execute(
        select(Claim.model_version, Claim.review_state, func.count())
        .where(*conditions)
        .group_by(Claim.model_version, Claim.review_state)
    ):
        totals[version][state] += count
    # An auto-routed claim a clerk spot-checked later still counts as auto-routed.
    auto: dict[str, int] = dict(
        session.execute(  # type: ignore[arg-type]
            select(Claim.model_version, func.count())
            .where(*conditions, Claim.needs_review.is_(False))
            .group_by(Claim.model_version)
        ).all()
    )

    taxonomy = load_taxonomy()
    versions = []
    for version in sorted(totals):
        claims = sum(totals[version].values())
        tasks = {}
        for task in TASKS:
            labels = list(taxonomy.labels(task))
            index = {label: i for i, label in enumerate(labels)}
            matrix = [[0] * len(labels) for _ in labels]
            predicted_col = getattr(Claim, f"predicted_{task}")
            final_col = getattr(Claim, task)
            rows = session.execute(
                select(final_col, predicted_col, func.count())
                .where(*conditions, Claim.model_version == version, Claim.review_state == "reviewed")
                .group_by(final_col, predicted_col)
            )
            for final, predicted, count in rows:
                if final in index and predicted in index:
                    matrix[index[final]][index[predicted]] += count
            n = sum(map(sum, matrix))
            correct = sum(matrix[i][i] for i in range(len(labels)))
            per_class = {label: _accuracy(matrix[i][i], sum(matrix[i])) for i, label in enumerate(labels)}
            tasks[task] = TaskAudit(
                **_accuracy(correct, n).model_dump(), per_class=per_class, labels=labels, confusion=matrix
            )
        versions.append(
            VersionAudit(
                model_version=version,
                claims=claims,
                auto_routed=auto.get(version, 0),
                auto_routed_share=auto.get(version, 0) / claims if claims else None,
                reviewed=totals[version].get("reviewed", 0),
                tasks=tasks,
            )
        )
    return AuditReport(created_from=created_from, created_to=created_to, versions=versions)
