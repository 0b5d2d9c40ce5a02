"""The auditor's page and its CSV exports. Filters: model version (newest by default, or all),
tenant (one of those the auditor's key is granted, or all of them), received from/to (UTC days)
and the trend's period. The filters make one ``AuditScope``; it never reaches beyond the key's
tenants."""

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
from service.store import tenant_names
from service.ui.audit_tables import SHARE_COLUMNS, TABLE_NAMES, AuditView, audit_view
from service.ui.charts import Series, line_chart, paired_bars, reliability_chart
from service.ui.i18n import translator
from service.ui.pages import AuditorDep, language, render, task_title

router = APIRouter(prefix="/ui", include_in_schema=False)
PERIODS = tuple(p for p in get_args(Period) if p != "all")
ALL_VERSIONS = ""
ALL_TENANTS = ""


@dataclass(frozen=True)
class AuditFilters:
    """The page's filters as the auditor chose them (echoed in the form and the CSV links)."""

    model_version: str
    date_from: str
    date_to: str
    period: Period
    tenant: str = ALL_TENANTS
    granted: tuple[str, ...] | None = None  # the key's tenants (None: every tenant); not a choice
    invalid: bool = False

    def scope(self) -> AuditScope:
        start = _day(self.date_from)
        end = _day(self.date_to)
        return AuditScope(
            model_version=self.model_version or None,
            created_from=datetime.combine(start, time(), UTC) if start else None,
            created_to=datetime.combine(end + timedelta(days=1), time(), UTC) if end else None,
            tenants=(self.tenant,) if self.tenant else self.granted,
        )

    def query(self) -> str:
        return urlencode(
            {
                "model_version": self.model_version,
                "tenant": self.tenant,
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


@dataclass(frozen=True)
class FilterChoices:
    """The filters chosen and what the form offers: the model versions and tenants in reach."""

    filters: AuditFilters
    versions: list[str]
    tenants: list[str]


def chosen_filters(
    session: SessionDep,
    user: AuditorDep,
    model_version: Annotated[str | None, Query(max_length=64)] = None,
    tenant: FilterParams = ALL_TENANTS,
    date_from: FilterParams = "",
    date_to: FilterParams = "",
    period: FilterParams = "week",
) -> FilterChoices:
    """The filters from the query (shared by the page and its CSV exports), the model versions and
    tenants to choose from (of the tenants the key is granted); an unknown version or tenant, a
    malformed day or period is reset and flagged."""
    granted = user.tenants
    tenants = list(granted) if granted is not None else sorted(tenant_names(session))
    versions = model_versions(session, granted)
    if model_version is None:
        model_version = versions[0] if versions else ALL_VERSIONS
    invalid = False
    if model_version and model_version not in versions:
        model_version, invalid = ALL_VERSIONS, True
    if tenant and tenant not in tenants:
        tenant, invalid = ALL_TENANTS, True
    if (date_from and _day(date_from) is None) or (date_to and _day(date_to) is None):
        invalid = True
        date_from = date_from if _day(date_from) else ""
        date_to = date_to if _day(date_to) else ""
    if period not in PERIODS:
        period, invalid = "week", invalid or bool(period)
    filters = AuditFilters(model_version, date_from, date_to, cast(Period, period), tenant, granted, invalid)
    return FilterChoices(filters, versions, tenants)


ChosenFilters = Annotated[FilterChoices, Depends(chosen_filters)]


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
    filters = chosen.filters
    view = audit_view(session, filters.scope(), filters.period, state.settings.training_data)
    lang = language(request)
    return render(
        request,
        "audit.html",
        {
            "view": view,
            "filters": filters,
            "versions": chosen.versions,
            "tenants": chosen.tenants,
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
    filters = chosen.filters
    view = audit_view(session, filters.scope(), filters.period, state.settings.training_data)
    return Response(
        view.tables[table].csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-{table}.csv"'},
    )
