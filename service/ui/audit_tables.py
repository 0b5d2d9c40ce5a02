"""The auditor's tables, built once from ``service.audit`` and rendered twice: as HTML and as CSV
(each table of the page has its CSV export with the same rows)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from claims.taxonomy import TASKS, load_taxonomy
from service.audit import (
    AuditScope,
    Period,
    auto_routed_changes,
    daily_rows,
    predicted_distribution,
    reliability,
    scoped_report,
    total_variation,
    training_distribution,
)
from service.schemas import AuditReport, VersionAudit

# Columns shown as percentages on the page (CSV keeps the raw share).
SHARE_COLUMNS = {
    "auto_routed_share",
    "change_rate",
    "accuracy",
    "ci95_low",
    "ci95_high",
    "mean_confidence",
    "agreement",
    "share_now",
    "share_training",
    "difference",
    "distance",
}
TABLE_NAMES = ("summary", "accuracy", "per_class", "confusion", "trend", "reliability", "drift")


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows([[_csv_cell(value) for value in row] for row in self.rows])
        return out.getvalue()


def _csv_cell(value: Any) -> Any:
    """Numbers as they are; text that a spreadsheet would read as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@dataclass(frozen=True)
class Matrix:
    """One confusion matrix for the page: rows are the clerk's labels, columns the model's."""

    model_version: str
    task: str
    labels: list[str]
    counts: list[list[int]]

    def shade(self, count: int) -> int:
        """0–5: the cell against the largest cell, for the shading class (no inline style under the CSP)."""
        largest = max((max(row) for row in self.counts), default=0)
        return 0 if not count or not largest else 1 + min(4, int(4 * count / largest))


@dataclass
class AuditView:
    tables: dict[str, Table]
    matrices: list[Matrix]
    trend_periods: list[str]
    trend_accuracy: dict[str, list[float | None]]
    reliability_points: dict[str, list[tuple[float, float, int]]]
    drift_shares: dict[str, tuple[list[str], list[float | None], list[float | None]]]
    has_training: bool


def _interval(row: Any) -> list[Any]:
    return [row.n, row.correct, row.accuracy, row.ci95.low, row.ci95.high]


def _summary(report: AuditReport, changes: dict[str, Any]) -> Table:
    table = Table(
        "summary",
        [
            "model_version",
            "claims",
            "auto_routed",
            "auto_routed_share",
            "reviewed",
            "auto_checked",
            "auto_changed",
            "change_rate",
        ],
    )
    for version in report.versions:
        checks = changes.get(version.model_version)
        checked, changed = (checks.checked, checks.changed) if checks else (0, 0)
        table.rows.append(
            [
                version.model_version,
                version.claims,
                version.auto_routed,
                version.auto_routed_share,
                version.reviewed,
                checked,
                changed,
                changed / checked if checked else None,
            ]
        )
    return table


def _accuracy_tables(versions: list[VersionAudit]) -> tuple[Table, Table, Table, list[Matrix]]:
    accuracy = Table("accuracy", ["model_version", "task", "n", "correct", "accuracy", "ci95_low", "ci95_high"])
    per_class = Table(
        "per_class", ["model_version", "task", "class", "n", "correct", "accuracy", "ci95_low", "ci95_high"]
    )
    confusion = Table("confusion", ["model_version", "task", "clerk_label", "model_label", "n"])
    matrices = []
    for version in versions:
        for task in TASKS:
            audit = version.tasks[task]
            accuracy.rows.append([version.model_version, task, *_interval(audit)])
            for label in audit.labels:
                per_class.rows.append([version.model_version, task, label, *_interval(audit.per_class[label])])
            for i, clerk in enumerate(audit.labels):
                for j, model in enumerate(audit.labels):
                    confusion.rows.append([version.model_version, task, clerk, model, audit.confusion[i][j]])
            matrices.append(Matrix(version.model_version, task, list(audit.labels), audit.confusion))
    return accuracy, per_class, confusion, matrices


def _trend(report: AuditReport) -> tuple[Table, list[str], dict[str, list[float | None]]]:
    table = Table(
        "trend",
        ["model_version", "period", "task", "claims", "reviewed", "n", "correct", "accuracy", "ci95_low", "ci95_high"],
    )
    pooled: dict[tuple[str, str], list[int]] = {}
    for version in report.versions:
        for task in TASKS:
            audit = version.tasks[task]
            table.rows.append(
                [version.model_version, version.period, task, version.claims, version.reviewed, *_interval(audit)]
            )
            totals = pooled.setdefault((version.period or "", task), [0, 0])
            totals[0] += audit.correct
            totals[1] += audit.n
    periods = sorted({period for period, _ in pooled})
    series = {task: [(c / n if n else None) for c, n in (pooled[(p, task)] for p in periods)] for task in TASKS}
    return table, periods, series


def audit_view(session: Session, scope: AuditScope, period: Period, training_data: Path) -> AuditView:
    """Every table and chart of the audit page for the claims in ``scope``, the trend split by ``period``."""
    rows = daily_rows(session, scope)
    whole = scoped_report(session, scope, rows=rows)
    accuracy, per_class, confusion, matrices = _accuracy_tables(whole.versions)
    trend, periods, trend_series = _trend(scoped_report(session, scope, period, rows=rows))

    bins = reliability(session, scope)
    reliability_table = Table("reliability", ["task", "bin_low", "bin_high", "n", "mean_confidence", "agreement"])
    points: dict[str, list[tuple[float, float, int]]] = {}
    for task in TASKS:
        points[task] = []
        for b in bins[task]:
            reliability_table.rows.append([task, b.low, b.high, b.n, b.mean_confidence, b.accuracy])
            if b.n and b.mean_confidence is not None and b.accuracy is not None:
                points[task].append((b.mean_confidence, b.accuracy, b.n))

    now = predicted_distribution(session, scope)
    training = training_distribution(training_data)
    drift = Table(
        "drift", ["task", "class", "n_now", "share_now", "n_training", "share_training", "difference", "distance"]
    )
    shares: dict[str, tuple[list[str], list[float | None], list[float | None]]] = {}
    taxonomy = load_taxonomy()
    for task in TASKS:
        labels = list(taxonomy.labels(task))
        reference = training[task] if training else {}
        n_now, n_train = sum(now[task].values()), sum(reference.values())
        distance = total_variation(now[task], reference) if training else None
        share_now = [now[task][label] / n_now if n_now else None for label in labels]
        share_train = [reference.get(label, 0) / n_train if n_train else None for label in labels]
        for label, now_share, train_share in zip(labels, share_now, share_train, strict=True):
            difference = now_share - train_share if now_share is not None and train_share is not None else None
            drift.rows.append(
                [
                    task,
                    label,
                    now[task][label],
                    now_share,
                    reference.get(label) if training else None,
                    train_share,
                    difference,
                    distance,
                ]
            )
        shares[task] = (labels, share_now, share_train)

    tables = [_summary(whole, auto_routed_changes(session, scope)), accuracy, per_class, confusion, trend]
    tables += [reliability_table, drift]
    return AuditView(
        tables={table.name: table for table in tables},
        matrices=matrices,
        trend_periods=periods,
        trend_accuracy=trend_series,
        reliability_points=points,
        drift_shares=shares,
        has_training=training is not None,
    )
