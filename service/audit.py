"""The auditors' view: the model's labels (as stored at intake, after guide rules) against the
clerks' final labels, per model version and period. Aggregated in SQL by day (cheap on large
tables), then summed into the requested periods; intervals are Wilson 95 % intervals
(``claims.metrics.wilson_interval``). Days are UTC days."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from claims.metrics import wilson_interval
from claims.taxonomy import TASKS, load_taxonomy
from service.orm import Claim
from service.schemas import Accuracy, AuditReport, Interval, TaskAudit, VersionAudit

Period = Literal["all", "day", "week", "month"]
Key = tuple[str, str | None, str | None]  # model version, tenant (when split), period (when split)


def _accuracy(correct: int, n: int) -> Accuracy:
    low, high = wilson_interval(correct, n)
    return Accuracy(n=n, correct=correct, accuracy=correct / n if n else None, ci95=Interval(low=low, high=high))


def _bucket(day: Any, period: Period) -> str | None:
    """The period a UTC day belongs to: ``2026-11-25``, ``2026-W48`` or ``2026-11``."""
    if period == "all":
        return None
    value = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    if period == "day":
        return value.isoformat()
    if period == "week":
        year, week, _ = value.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{value.year}-{value.month:02d}"


def audit_report(
    session: Session,
    *,
    tenants: tuple[str, ...] | None = None,
    by_tenant: bool = False,
    model_version: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    period: Period = "all",
) -> AuditReport:
    conditions: list[ColumnElement[bool]] = []
    if tenants is not None:
        conditions.append(Claim.tenant.in_(tenants))
    if model_version is not None:
        conditions.append(Claim.model_version == model_version)
    if created_from is not None:
        conditions.append(Claim.created_at >= created_from)
    if created_to is not None:
        conditions.append(Claim.created_at < created_to)
    day = func.date(Claim.created_at)
    # Grouped by tenant too; without ``by_tenant`` the tenants are summed into one report.
    tenant_col = Claim.tenant

    def key_of(version: str, tenant: str, when: Any) -> Key:
        return (version, tenant if by_tenant else None, _bucket(when, period))

    claims: dict[Key, int] = defaultdict(int)
    auto: dict[Key, int] = defaultdict(int)
    reviewed: dict[Key, int] = defaultdict(int)
    for version, tenant, when, state, needs_review, count in session.execute(
        select(Claim.model_version, tenant_col, day, Claim.review_state, Claim.needs_review, func.count())
        .where(*conditions)
        .group_by(Claim.model_version, tenant_col, day, Claim.review_state, Claim.needs_review)
    ):
        key = key_of(version, tenant, when)
        claims[key] += count
        # An auto-routed claim a clerk spot-checked later still counts as auto-routed.
        auto[key] += 0 if needs_review else count
        reviewed[key] += count if state == "reviewed" else 0

    taxonomy = load_taxonomy()
    labels = {task: list(taxonomy.labels(task)) for task in TASKS}
    matrices: dict[Key, dict[str, list[list[int]]]] = defaultdict(
        lambda: {task: [[0] * len(labels[task]) for _ in labels[task]] for task in TASKS}
    )
    for task in TASKS:
        index = {label: i for i, label in enumerate(labels[task])}
        final_col, predicted_col = getattr(Claim, task), getattr(Claim, f"predicted_{task}")
        for version, tenant, when, final, predicted, count in session.execute(
            select(Claim.model_version, tenant_col, day, final_col, predicted_col, func.count())
            .where(*conditions, Claim.review_state == "reviewed")
            .group_by(Claim.model_version, tenant_col, day, final_col, predicted_col)
        ):
            if final in index and predicted in index:
                matrices[key_of(version, tenant, when)][task][index[final]][index[predicted]] += count

    versions = []
    for key in sorted(claims, key=lambda k: (k[0], k[1] or "", k[2] or "")):
        tasks = {}
        for task in TASKS:
            matrix = matrices[key][task]
            n = sum(map(sum, matrix))
            correct = sum(matrix[i][i] for i in range(len(matrix)))
            per_class = {label: _accuracy(matrix[i][i], sum(matrix[i])) for i, label in enumerate(labels[task])}
            tasks[task] = TaskAudit(
                **_accuracy(correct, n).model_dump(), per_class=per_class, labels=labels[task], confusion=matrix
            )
        versions.append(
            VersionAudit(
                model_version=key[0],
                tenant=key[1],
                period=key[2],
                claims=claims[key],
                auto_routed=auto[key],
                auto_routed_share=auto[key] / claims[key] if claims[key] else None,
                reviewed=reviewed[key],
                tasks=tasks,
            )
        )
    return AuditReport(created_from=created_from, created_to=created_to, period=period, versions=versions)
