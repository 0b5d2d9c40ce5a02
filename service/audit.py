"""The auditors' view: the model's labels (as stored at intake, after guide rules) against the
clerks' final labels, per model version and period. Aggregated in SQL by day (cheap on large
tables), then summed into the requested periods; intervals are Wilson 95 % intervals
(``claims.metrics.wilson_interval``). Days are UTC days."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import ColumnElement, case, func, or_, select
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


@dataclass(frozen=True)
class AuditScope:
    """Which claims an audit looks at. One place for the filters, so that a new one is one field
    here and one condition below. ``tenants`` None means every tenant (a key granted all)."""

    model_version: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    tenants: tuple[str, ...] | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.tenants is not None:
            conditions.append(Claim.tenant.in_(self.tenants))
        if self.model_version is not None:
            conditions.append(Claim.model_version == self.model_version)
        if self.created_from is not None:
            conditions.append(Claim.created_at >= self.created_from)
        if self.created_to is not None:
            conditions.append(Claim.created_at < self.created_to)
        return conditions


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
    scope = AuditScope(model_version, created_from, created_to, tenants)
    return scoped_report(session, scope, period, by_tenant=by_tenant)


@dataclass(frozen=True)
class DailyRows:
    """The audit's SQL aggregates by model version, tenant and UTC day, before they are summed
    into periods (and, unless split by tenant, over tenants)."""

    counts: list[tuple[Any, ...]]  # version, tenant, day, review_state, needs_review, count
    pairs: dict[str, list[tuple[Any, ...]]]  # per task: version, tenant, day, final, predicted, count


def daily_rows(session: Session, scope: AuditScope) -> DailyRows:
    conditions = scope.conditions()
    day = func.date(Claim.created_at)
    counts = [
        tuple(row)
        for row in session.execute(
            select(Claim.model_version, Claim.tenant, day, Claim.review_state, Claim.needs_review, func.count())
            .where(*conditions)
            .group_by(Claim.model_version, Claim.tenant, day, Claim.review_state, Claim.needs_review)
        )
    ]
    pairs = {}
    for task in TASKS:
        final_col, predicted_col = getattr(Claim, task), getattr(Claim, f"predicted_{task}")
        pairs[task] = [
            tuple(row)
            for row in session.execute(
                select(Claim.model_version, Claim.tenant, day, final_col, predicted_col, func.count())
                .where(*conditions, Claim.review_state == "reviewed")
                .group_by(Claim.model_version, Claim.tenant, day, final_col, predicted_col)
            )
        ]
    return DailyRows(counts, pairs)


def scoped_report(
    session: Session,
    scope: AuditScope,
    period: Period = "all",
    rows: DailyRows | None = None,
    *,
    by_tenant: bool = False,
) -> AuditReport:
    """The report for ``scope`` split by ``period`` (and by tenant with ``by_tenant``; otherwise
    the tenants are summed into one report); pass ``rows`` to reuse one database pass for several
    periods."""
    rows = rows or daily_rows(session, scope)

    def key_of(version: str, tenant: str, when: Any) -> Key:
        return (version, tenant if by_tenant else None, _bucket(when, period))

    claims: dict[Key, int] = defaultdict(int)
    auto: dict[Key, int] = defaultdict(int)
    reviewed: dict[Key, int] = defaultdict(int)
    for version, tenant, when, state, needs_review, count in rows.counts:
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
        for version, tenant, when, final, predicted, count in rows.pairs[task]:
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
    return AuditReport(created_from=scope.created_from, created_to=scope.created_to, period=period, versions=versions)


def model_versions(session: Session, tenants: tuple[str, ...] | None = None) -> list[str]:
    """Model versions with stored claims (of ``tenants``; None: every tenant), the one with the
    newest claim first."""
    rows = session.execute(
        select(Claim.model_version, func.max(Claim.created_at).label("newest"))
        .where(*AuditScope(tenants=tenants).conditions())
        .group_by(Claim.model_version)
        .order_by(func.max(Claim.created_at).desc())
    )
    return [version for version, _ in rows]


@dataclass(frozen=True)
class AutoRoutedChecks:
    """Auto-routed claims a clerk reviewed afterwards, and how many of those the clerk changed."""

    checked: int
    changed: int


def auto_routed_changes(session: Session, scope: AuditScope) -> dict[str, AutoRoutedChecks]:
    """Per model version: how often clerks changed a decision that had been routed without review."""
    changed = or_(*(getattr(Claim, task) != getattr(Claim, f"predicted_{task}") for task in TASKS))
    rows = session.execute(
        select(Claim.model_version, func.count(), func.sum(case((changed, 1), else_=0)))
        .where(*scope.conditions(), Claim.needs_review.is_(False), Claim.review_state == "reviewed")
        .group_by(Claim.model_version)
    )
    return {version: AutoRoutedChecks(int(n), int(k or 0)) for version, n, k in rows}


@dataclass(frozen=True)
class ReliabilityBin:
    """Reviewed claims whose stored confidence fell in ``[low, high)``: how sure the model was on
    average and how often the clerk agreed."""

    low: float
    high: float
    n: int
    mean_confidence: float | None
    accuracy: float | None


def reliability(session: Session, scope: AuditScope, bins: int = 10) -> dict[str, list[ReliabilityBin]]:
    """Per task, the reliability diagram's bins of equal width over the confidence of the stored
    prediction, against the clerks' labels (reviewed claims only). One grouped query for the three
    tasks; binned in SQL with a CASE, which SQLite and PostgreSQL evaluate alike (a cast would
    truncate on one and round on the other)."""
    indexes, sums = [], []
    for task in TASKS:
        confidence = getattr(Claim, f"confidence_{task}")
        indexes.append(case(*((confidence < (i + 1) / bins, i) for i in range(bins - 1)), else_=bins - 1))
        agreed = case((getattr(Claim, task) == getattr(Claim, f"predicted_{task}"), 1), else_=0)
        sums += [func.sum(confidence), func.sum(agreed)]
    totals = {task: [[0, 0.0, 0] for _ in range(bins)] for task in TASKS}  # n, confidence sum, agreed
    for row in session.execute(
        select(*indexes, func.count(), *sums)
        .where(*scope.conditions(), Claim.review_state == "reviewed")
        .group_by(*indexes)
    ):
        n = int(row[len(TASKS)])
        for t, task in enumerate(TASKS):
            total = totals[task][int(row[t])]
            total[0] += n
            total[1] += float(row[len(TASKS) + 1 + 2 * t])
            total[2] += int(row[len(TASKS) + 2 + 2 * t])
    return {
        task: [
            ReliabilityBin(
                low=i / bins,
                high=(i + 1) / bins,
                n=int(n),
                mean_confidence=conf / n if n else None,
                accuracy=agreed / n if n else None,
            )
            for i, (n, conf, agreed) in enumerate(totals[task])
        ]
        for task in TASKS
    }


def predicted_distribution(session: Session, scope: AuditScope) -> dict[str, dict[str, int]]:
    """Per task, how many stored claims the model gave each label (every claim, reviewed or not);
    one grouped query for the three tasks."""
    taxonomy = load_taxonomy()
    result = {task: dict.fromkeys(taxonomy.labels(task), 0) for task in TASKS}
    columns = [getattr(Claim, f"predicted_{task}") for task in TASKS]
    for *labels, n in session.execute(select(*columns, func.count()).where(*scope.conditions()).group_by(*columns)):
        for task, label in zip(TASKS, labels, strict=True):
            if label in result[task]:
                result[task][label] += int(n)
    return result


@cache
def _training_counts(path: Path, mtime_ns: int) -> dict[str, dict[str, int]]:
    taxonomy = load_taxonomy()
    counts = {task: dict.fromkeys(taxonomy.labels(task), 0) for task in TASKS}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                for task in TASKS:
                    if record.get(task) in counts[task]:
                        counts[task][record[task]] += 1
    return counts


def training_distribution(path: Path) -> dict[str, dict[str, int]] | None:
    """Per task, label counts of the labeled training split (``CLAIMS_TRAINING_DATA``), read once
    per file version; None when the file is not there (the drift table then says so)."""
    try:
        mtime_ns = path.stat().st_mtime_ns
    except OSError:
        return None
    return _training_counts(path.resolve(), mtime_ns)


def total_variation(observed: dict[str, int], reference: dict[str, int]) -> float | None:
    """Half the summed absolute difference of two label distributions (0 = same, 1 = disjoint)."""
    n, m = sum(observed.values()), sum(reference.values())
    if not n or not m:
        return None
    return 0.5 * sum(abs(observed.get(k, 0) / n - reference.get(k, 0) / m) for k in set(observed) | set(reference))
