"""The reform KPIs of SPEC.md §6, computed from live data, each beside its target in the
seeds. Every figure is a few aggregate queries; how each is defined is written on it.

Targets (seeds/):
- 002 (国务院办公厅《进一步深化"互联网+政务服务"推进政务服务"一网、一门、一次"改革实施方案》),
  goals for the end of 2019: online availability ≥ 90 % for provinces and ≥ 70 % for cities
  and counties; ≥ 70 % of services accepted by category at one window (一窗分类受理);
  materials companies and citizens hand in reduced by ≥ 60 %.
- 001 (淮阳区 放管服效 measures): promised time limits on average ≥ 90 % shorter than the
  statutory ones; complaints forwarded in time and answered on time: 100 %; bad ratings
  rectified: 100 %.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models import (
    Case as Conditional,
)
from django.db.models.functions import Cast
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from certificates.models import CertificateUse
from identity.constants import RegionLevel
from identity.models import Region
from matters.constants import MaterialSource, OnlineDepth
from matters.models import ImplementationVersion, Material
from matters.selectors import published_versions
from sharing.models import ApplicationUse
from supervision import dashboards
from supervision.dashboards import Scope, percentage, scoped_cases

# 网上可办: a service can be applied for online from level III (online application with
# pre-check) up; levels I and II only inform or offer forms to download. The same line
# cases.services draws when it refuses online applications below level III.
ONLINE_AVAILABLE_DEPTH = OnlineDepth.PRE_CHECK
REUSED_SOURCES = (MaterialSource.CERTIFICATE, MaterialSource.SHARED_DATA)


@dataclass(frozen=True)
class Target:
    percent: float
    source: str | Promise


TARGET_ONLINE_PROVINCE = Target(90, _("Provinces (State Council plan, 2019): at least 90%"))
TARGET_ONLINE_LOCAL = Target(70, _("Cities and counties (State Council plan, 2019): at least 70%"))
TARGET_ONE_WINDOW = Target(
    70, _("Accepted by category at one window (State Council plan): at least 70%")
)
TARGET_MATERIALS = Target(60, _("Fewer materials handed in (State Council plan): at least 60%"))
TARGET_COMPRESSION = Target(
    90, _("Promised limits shorter on average (Huaiyang measures): at least 90%")
)
TARGET_FORWARDING = Target(100, _("Forwarded in time (Huaiyang measures): 100%"))
TARGET_REPLY = Target(100, _("Answered on time (Huaiyang measures): 100%"))
TARGET_RECTIFICATION = Target(100, _("Bad ratings rectified (Huaiyang measures): 100%"))


@dataclass(frozen=True)
class Kpi:
    """One figure: value in percent (None when there is nothing to count yet), what it was
    computed from, its target, and where the things it counts are listed."""

    key: str
    label: str | Promise
    definition: str | Promise
    value: float | None
    numerator: float
    denominator: int
    target: Target | None = None
    # "cases": the supervisor's case list with `figure`; "complaints": the complaint list
    # with `figure`; "services": the public catalogue.
    link_kind: str = ""
    link_params: tuple[tuple[str, str], ...] = ()
    unit: str = "%"

    @property
    def met(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target.percent


class JsonArrayLength(Func):
    """Length of a JSON array column (PostgreSQL jsonb, SQLite JSON1)."""

    function = "json_array_length"
    output_field = IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="jsonb_array_length", **extra)


def scoped_versions(scope: Scope) -> QuerySet[ImplementationVersion]:
    """The published service guides of the scope's regions and departments (the catalogue
    as it stands: the period does not apply)."""
    versions = published_versions()
    if scope.regions is not None:
        versions = versions.filter(implementation__region_id__in=scope.regions)
    if scope.departments is not None:
        versions = versions.filter(implementation__department_id__in=scope.departments)
    return versions


def _online_target(scope: Scope) -> Target:
    """The province target for a province, the local one for cities and counties; without a
    region filter, that of the highest level offering services."""
    if scope.region is not None:
        level = scope.region.level
    else:
        levels = set(
            Region.objects.filter(implementations__isnull=False)
            .values_list("level", flat=True)
            .distinct()
        )
        level = RegionLevel.PROVINCE if RegionLevel.PROVINCE in levels else RegionLevel.CITY
    return TARGET_ONLINE_PROVINCE if level == RegionLevel.PROVINCE else TARGET_ONLINE_LOCAL


def catalogue_figures(scope: Scope) -> dict[str, Any]:
    """One query over the published guides: how many, how many online (level ≥ III), at
    most one visit, and the average compression of the promised against the statutory
    limit (over guides with a statutory limit)."""
    compression = Cast(F("statutory_limit_days") - F("promised_limit_days"), FloatField()) / Cast(
        F("statutory_limit_days"), FloatField()
    )
    return scoped_versions(scope).aggregate(
        total=Count("pk"),
        online=Count("pk", filter=Q(online_depth__gte=ONLINE_AVAILABLE_DEPTH)),
        one_visit=Count("pk", filter=Q(visits_required__lte=1)),
        with_statutory=Count("pk", filter=Q(statutory_limit_days__gt=0)),
        compression=Avg(
            Conditional(When(statutory_limit_days__gt=0, then=compression), default=Value(None)),
            output_field=FloatField(),
        ),
    )


def depth_distribution(scope: Scope) -> dict[int, int]:
    """Published guides per online depth (I–IV)."""
    counts = dict(
        scoped_versions(scope)
        .values_list("online_depth")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("online_depth", "n")
    )
    return {depth: counts.get(depth, 0) for depth in OnlineDepth.values}


def accepted_in_period(scope: Scope) -> QuerySet[Case]:
    return scoped_cases(scope).filter(accepted_at__gte=scope.start, accepted_at__lt=scope.end)


def one_window_figures(period: list[dashboards.PeriodRow]) -> dict[str, int]:
    """Cases accepted in the period, and how many of them a comprehensive-window clerk
    accepted (the rest were accepted by the department's own staff)."""
    return {
        "accepted": sum(row.accepted for row in period),
        "by_window": sum(row.by_window for row in period),
    }


def materials_figures(
    scope: Scope, period: list[dashboards.PeriodRow] | None = None
) -> dict[str, int]:
    """For the cases accepted in the period: the materials their guides list, how many of
    those the catalogue lets come from a certificate or shared data, and how many were
    actually taken from the certificate library (免提交) or the sharing exchange instead of
    being handed in. Per guide, not per case: the period's rows are grouped by version."""
    if period is None:
        period = dashboards.period_rows(scope)
    cases_per_version: dict[int, int] = {}
    for row in period:
        if row.accepted:
            cases_per_version[row.version_id] = (
                cases_per_version.get(row.version_id, 0) + row.accepted
            )
    asked = reusable = 0
    per_version = (
        Material.objects.filter(version_id__in=list(cases_per_version))
        .values_list("version_id")
        .annotate(total=Count("pk"), reusable=Count("pk", filter=Q(source__in=REUSED_SOURCES)))
        .order_by()
        .values_list("version_id", "total", "reusable")
    )
    for version_id, total, can_reuse in per_version:
        asked += cases_per_version[version_id] * total
        reusable += cases_per_version[version_id] * can_reuse
    # Reuse is recorded against the application's number: the case's, or its bundle's.
    in_period = accepted_in_period(scope)
    own = in_period.values("number")
    bundles = in_period.filter(parent__isnull=False).values("parent__number")
    from_certificates = CertificateUse.objects.filter(
        Q(case_reference__in=own) | Q(case_reference__in=bundles)
    ).count()
    from_sharing = (
        ApplicationUse.objects.filter(Q(reference__in=own) | Q(reference__in=bundles)).aggregate(
            n=Sum(JsonArrayLength("material_keys"))
        )["n"]
        or 0
    )
    return {
        "asked": asked,
        "reusable": reusable,
        "reused": min(asked, from_certificates + from_sharing),
        "from_certificates": from_certificates,
        "from_sharing": from_sharing,
    }


def reform_kpis(
    scope: Scope,
    *,
    case_rows: Any = None,
    period: list[dashboards.PeriodRow] | None = None,
    extra: list[Kpi] | None = None,
) -> list[Kpi]:
    """The catalogue and case KPIs; `extra` adds those of ratings and complaints."""
    if period is None:
        period = dashboards.period_rows(scope)
    catalogue = catalogue_figures(scope)
    window = one_window_figures(period)
    materials = materials_figures(scope, period)
    total = catalogue["total"]
    kpis = [
        Kpi(
            key="online_availability",
            label=_("Online availability (网上可办率)"),
            definition=_(
                "Published services that can be applied for online (depth III or IV) among "
                "all published services."
            ),
            value=percentage(catalogue["online"], total),
            numerator=catalogue["online"],
            denominator=total,
            target=_online_target(scope),
            link_kind="services",
        ),
        Kpi(
            key="one_window",
            label=_("Accepted at one window (一窗受理)"),
            definition=_(
                "Cases accepted in the period by a comprehensive-window clerk, among all "
                "cases accepted in the period (the rest by the department's own staff)."
            ),
            value=percentage(window["by_window"], window["accepted"]),
            numerator=window["by_window"],
            denominator=window["accepted"],
            target=TARGET_ONE_WINDOW,
            link_kind="cases",
            link_params=(("figure", "accepted_by_window"),),
        ),
        Kpi(
            key="one_visit",
            label=_("At most one visit (最多跑一次)"),
            definition=_(
                "Published services that need at most one visit to the hall. The seeds set "
                "no percentage: every high-frequency service should get there."
            ),
            value=percentage(catalogue["one_visit"], total),
            numerator=catalogue["one_visit"],
            denominator=total,
            link_kind="services",
            link_params=(("one_visit", "1"),),
        ),
        Kpi(
            key="materials_reduction",
            label=_("Materials not handed in thanks to reuse"),
            definition=_(
                "Of the materials the guides of cases accepted in the period list, the share "
                "taken from the certificate library or the data sharing exchange instead."
            ),
            value=percentage(materials["reused"], materials["asked"]),
            numerator=materials["reused"],
            denominator=materials["asked"],
            target=TARGET_MATERIALS,
            link_kind="cases",
            link_params=(("figure", "accepted"),),
        ),
        Kpi(
            key="materials_reusable",
            label=_("Materials the catalogue lets reuse"),
            definition=_(
                "The same materials, counting those whose guide names a certificate or a "
                "shared data resource as their source: what reuse could reach."
            ),
            value=percentage(materials["reusable"], materials["asked"]),
            numerator=materials["reusable"],
            denominator=materials["asked"],
            target=TARGET_MATERIALS,
            link_kind="cases",
            link_params=(("figure", "accepted"),),
        ),
        Kpi(
            key="time_compression",
            label=_("Promised against statutory time limit"),
            definition=_(
                "Average reduction of the promised time limit against the statutory one, over "
                "published services that have a statutory limit."
            ),
            value=(
                round(100 * catalogue["compression"], 1)
                if catalogue["compression"] is not None
                else None
            ),
            numerator=round(100 * (catalogue["compression"] or 0), 1),
            denominator=catalogue["with_statutory"],
            target=TARGET_COMPRESSION,
            link_kind="services",
        ),
    ]
    if case_rows is not None:
        kpis.append(
            Kpi(
                key="on_time_completion",
                label=_("Decided on time (按时办结率)"),
                definition=_(
                    "Cases decided in the period by their promised deadline, among all cases "
                    "decided in the period."
                ),
                value=case_rows.on_time_rate,
                numerator=case_rows.on_time,
                denominator=case_rows.decided,
                link_kind="cases",
                link_params=(("figure", "decided_on_time"),),
            )
        )
    return kpis + list(extra or [])


def supervision_kpis(
    scope: Scope, *, complaints: Any, follow_ups: dict[str, Any], accepted: int
) -> list[Kpi]:
    """The complaint and rating KPIs, from dashboards.complaint_totals and
    dashboards.follow_up_figures, with the cases accepted in the period for the rate."""
    return [
        Kpi(
            key="complaint_forwarding",
            label=_("Complaints forwarded in time (及时转办率)"),
            definition=_(
                "Complaints received in the period that reached the handling department by "
                "their assignment date, among those assigned or past that date."
            ),
            value=complaints.forwarding_rate,
            numerator=complaints.forwarded_in_time,
            denominator=complaints.assignment_due,
            target=TARGET_FORWARDING,
            link_kind="complaints",
            link_params=(("figure", "forwarded_late"),),
        ),
        Kpi(
            key="complaint_reply",
            label=_("Complaints answered on time (按期回复率)"),
            definition=_(
                "Complaints received in the period and answered by their deadline, among "
                "those answered or past their deadline."
            ),
            value=complaints.on_time_reply_rate,
            numerator=complaints.replied_on_time,
            denominator=complaints.reply_due,
            target=TARGET_REPLY,
            link_kind="complaints",
            link_params=(("figure", "answered_late"),),
        ),
        Kpi(
            key="complaint_rate",
            label=_("Complaints per 1,000 accepted cases"),
            definition=_(
                "Complaints received in the period for every 1,000 cases accepted in the "
                "period (a rate, not a percentage; lower is better)."
            ),
            value=round(1000 * complaints.received / accepted, 1) if accepted else None,
            numerator=complaints.received,
            denominator=accepted,
            unit="‰",
            link_kind="complaints",
            link_params=(("figure", "received"),),
        ),
        Kpi(
            key="rectification",
            label=_("Bad ratings rectified (差评整改率)"),
            definition=_(
                "Bad ratings (1 or 2) given in the period whose follow-up was closed (called "
                "back, rectified and answered), among those closed or past their deadline."
            ),
            value=follow_ups["rectification_rate"],
            numerator=follow_ups["closed"],
            denominator=follow_ups["total"],
            target=TARGET_RECTIFICATION,
            link_kind="cases",
            link_params=(("figure", "rated_bad"),),
        ),
    ]


@dataclass
class DashboardFigures:
    """Everything the dashboard page shows, for one scope."""

    kpis: list[Kpi]
    departments: list[Any]
    totals: Any
    cards: list[Any]
    card_totals: Any
    ratings: dict[int, int]
    complaints: list[Any]
    complaint_totals: Any
    follow_ups: dict[str, Any]
    depths: dict[int, int]


def dashboard_figures(scope: Scope) -> DashboardFigures:
    """The dashboard's tables and KPIs: a fixed number of aggregate queries."""
    with dashboards.aggregate_queries():
        period = dashboards.period_rows(scope)
        departments = dashboards.case_table(scope, period)
        totals = dashboards.case_totals(departments)
        complaints = dashboards.complaint_table(scope)
        complaint_totals = dashboards.complaint_totals(complaints)
        follow_ups = dashboards.follow_up_figures(scope)
        cards = dashboards.card_table(scope)
        extra = supervision_kpis(
            scope, complaints=complaint_totals, follow_ups=follow_ups, accepted=totals.accepted
        )
        return DashboardFigures(
            kpis=reform_kpis(scope, case_rows=totals, period=period, extra=extra),
            departments=departments,
            totals=totals,
            cards=cards,
            card_totals=dashboards.card_totals(cards),
            ratings=dashboards.rating_distribution(scope),
            complaints=complaints,
            complaint_totals=complaint_totals,
            follow_ups=follow_ups,
            depths=depth_distribution(scope),
        )
