"""The auditor's page and its CSV exports. Filters: model version (newest by default, or all),
received from/to (UTC days) and the trend's period. The filters make one ``AuditScope``; a tenant
filter, once tenants exist, is one more field there and one more select here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, cast, get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from claims.taxonomy import TASKS
from service.audit import AuditScope, Period, model_versions
from service.deps import SessionDep, StateDep
from service.ui.audit_tables import SHARE_COLUMNS, TABLE_NAMES, AuditView, audit_view
from service.ui.charts import Series, line_chart, paired_bars, reliability_chart
from service.ui.i18n import translator
from service.ui.pages import AuditorDep, language, render, task_title

router = APIRouter(prefix="/ui", include_in_schema=False)
PERIODS = tuple(p for p in get_args(Period) if p != "all")
ALL_VERSIONS = ""


@dataclass(frozen=True)
class AuditFilters:
    """The page's filters as the auditor chose them (echoed in the form and the CSV links)."""

    model_version: str
    date_from: str
    date_to: str
    period: Period
    invalid: bool = False

    def scope(self) -> AuditScope:
        start = _day(self.date_from)
        end = _day(self.date_to)
        return AuditScope(
            model_version=self.model_version or None,
            created_from=datetime.combine(start, time(), UTC) if start else None,
            created_to=datetime.combine(end + timedelta(days=1), time(), UTC) if end else None,
        )

    def query(self) -> str:
        return urlencode(
            {
                "model_version": self.model_version,
                "date_from": self.date_from,
                "date_to": self.date_to,
                "period": self.period,
            }
        )


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


FilterParams = Annotated[str, Query(max_length=64)]


def chosen_filters(
    session: SessionDep,
    model_version: Annotated[str | None, Query(max_length=64)] = None,
    date_from: FilterParams = "",
    date_to: FilterParams = "",
    period: FilterParams = "week",
) -> tuple[AuditFilters, list[str]]:
    """The filters from the query (shared by the page and its CSV exports) and the model versions
    to choose from; an unknown version, a malformed day or period is reset and flagged."""
    versions = model_versions(session)
    if model_version is None:
        model_version = versions[0] if versions else ALL_VERSIONS
    invalid = False
    if model_version and model_version not in versions:
        model_version, invalid = ALL_VERSIONS, True
    if (date_from and _day(date_from) is None) or (date_to and _day(date_to) is None):
        invalid = True
        date_from = date_from if _day(date_from) else ""
        date_to = date_to if _day(date_to) else ""
    if period not in PERIODS:
        period, invalid = "week", invalid or bool(period)
    return AuditFilters(model_version, date_from, date_to, cast(Period, period), invalid), versions


ChosenFilters = Annotated[tuple[AuditFilters, list[str]], Depends(chosen_filters)]


def _charts(view: AuditView, lang: str) -> dict[str, object]:
    t = translator(lang)
    trend = line_chart(
        "chart-trend",
        t("trend_chart"),
        t("trend_chart") + ": " + ", ".join(task_title(task, lang) for task in TASKS),
        view.trend_periods,
        [Series(task_title(task, lang), view.trend_accuracy[task]) for task in TASKS],
    )
    reliability = {
        task: reliability_chart(
            f"chart-reliability-{task}",
            f"{t('reliability_title')}: {task_title(task, lang)}",
            t("reliability_intro"),
            view.reliability_points[task],
        )
        for task in TASKS
    }
    drift = {
        task: paired_bars(
            f"chart-drift-{task}",
            f"{t('drift_title')}: {task_title(task, lang)}",
            t("drift_intro"),
            view.drift_shares[task][0],
            [
                Series(t("share_now"), view.drift_shares[task][1]),
                Series(t("share_training"), view.drift_shares[task][2]),
            ],
        )
        for task in TASKS
    }
    return {"trend_chart": trend, "reliability_charts": reliability, "drift_charts": drift}


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    state: StateDep,
    user: AuditorDep,
    chosen: ChosenFilters,
) -> Response:
    filters, versions = chosen
    view = audit_view(session, filters.scope(), filters.period, state.settings.training_data)
    lang = language(request)
    return render(
        request,
        "audit.html",
        {
            "view": view,
            "filters": filters,
            "versions": versions,
            "periods": PERIODS,
            "share_columns": SHARE_COLUMNS,
            **_charts(view, lang),
        },
        user=user,
    )


@router.get("/audit/export/{table}.csv")
def export_csv(
    request: Request,
    table: str,
    session: SessionDep,
    state: StateDep,
    user: AuditorDep,
    chosen: ChosenFilters,
) -> Response:
    if table not in TABLE_NAMES:
        return render(
            request, "error.html", {"title": "not_found_title", "message": "bad_input"}, user=user, status_code=404
        )
    filters = chosen[0]
    view = audit_view(session, filters.scope(), filters.period, state.settings.training_data)
    return Response(
        view.tables[table].csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-{table}.csv"'},
    )
