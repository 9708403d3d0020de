"""The supervision dashboard, the cases behind each of its figures, and its tables as CSV
and XLSX. Supervisors see everything; a department head sees their own department."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from cases.constants import CaseState
from core.errors import ApplicationError
from core.forms import add_service_errors
from matters.constants import OnlineDepth
from supervision import charts, dashboards, exports, kpis
from supervision.constants import ExportFormat, RatingScore

CASE_PAGE_SIZE = 50


class ScopeForm(forms.Form):
    """The dashboard's filters (a GET form): region, department, period."""

    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    department = forms.ChoiceField(label=gettext_lazy("Department"), required=False)
    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, regions: Any = (), departments: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions")), *regions]
        self.fields["department"].choices = [("", _("All departments")), *departments]


def _scope_form(request: HttpRequest) -> tuple[ScopeForm, dashboards.Scope]:
    """The filters as asked for; with bad ones, their errors and the default scope."""
    if not dashboards.may_see_dashboards(request.user):
        raise PermissionDenied
    data = {name: request.GET.get(name, "") for name in ("region", "department", "since", "until")}
    default = dashboards.scope_for(request.user)
    choices = {
        "regions": [(r.code, r.name) for r in dashboards.region_choices()],
        "departments": [(d.credit_code, d.name) for d in dashboards.department_choices(default)],
    }
    form = ScopeForm(data, **choices)
    if not form.is_valid():
        return form, default
    try:
        scope = dashboards.scope_for(request.user, **data)
    except ApplicationError as error:
        add_service_errors(form, error)
        return form, default
    # Shown with the period filled in, so the form says what the page covers.
    shown = ScopeForm({**data, "since": scope.since, "until": scope.until}, **choices)
    shown.is_valid()
    return shown, scope


def _link(name: str, scope: dashboards.Scope, **extra: str) -> str:
    return reverse(name) + "?" + urlencode({**scope.query(), **extra})


def _row_links(
    name: str, scope: dashboards.Scope, credit_code: str, **figures: str
) -> dict[str, str]:
    """Links from one department's row to the cases or complaints behind each of its figures
    (key → figure); a row of no department (e.g. the hall's) has none."""
    return {
        key: _link(name, scope, figure=figure, department=credit_code) if credit_code else ""
        for key, figure in figures.items()
    }


def _kpi_link(kpi: kpis.Kpi, scope: dashboards.Scope) -> str:
    params = dict(kpi.link_params)
    if kpi.link_kind == "cases":
        return _link("dashboards:cases", scope, **params)
    if kpi.link_kind == "complaints":
        return _link("dashboards:complaints", scope, **params)
    if kpi.link_kind == "services":
        # The public catalogue search filters by the same public codes.
        if scope.region is not None:
            params["region"] = scope.region.code
        if scope.department is not None:
            params["department"] = scope.department.credit_code
        return reverse("matters:search") + "?" + urlencode(params)
    return ""


def _charts(figures: kpis.DashboardFigures) -> dict[str, Any]:
    percent_kpis = [k for k in figures.kpis if k.unit == "%"]
    return {
        "kpis": charts.bar_chart(
            chart_id="chart-kpis",
            title=_("Reform targets"),
            description=_(
                "Each figure as a bar from 0 to 100 %, with its target drawn as a vertical "
                "mark. The table below gives the same figures."
            ),
            bars=[
                charts.Bar(
                    label=k.label, value=k.value, target=k.target.percent if k.target else None
                )
                for k in percent_kpis
            ],
            max_value=100,
        ),
        "on_time": charts.bar_chart(
            chart_id="chart-on-time",
            title=_("Decided on time, by department"),
            description=_("Share of the cases decided in the period that met their deadline."),
            bars=[
                charts.Bar(label=row.name, value=row.on_time_rate) for row in figures.departments
            ],
            max_value=100,
        ),
        "handling": charts.bar_chart(
            chart_id="chart-handling",
            title=_("Average handling time against the promised time, by department"),
            description=_(
                "Calendar days from acceptance to decision (thick bar) against the days the "
                "promised deadline allowed (thin bar), for cases decided in the period."
            ),
            bars=[
                charts.Bar(
                    label=row.name,
                    value=row.average_handling_days,
                    second=row.average_promised_days,
                )
                for row in figures.departments
            ],
            unit="",
            legend=(_("Handling (days)"), _("Promised (days)")),
        ),
        "ratings": charts.bar_chart(
            chart_id="chart-ratings",
            title=_("Ratings in the period"),
            description=_("Number of ratings at each of the five levels."),
            bars=[
                charts.Bar(label=RatingScore(score).label, value=count)
                for score, count in sorted(figures.ratings.items(), reverse=True)
            ],
            unit="",
        ),
        "cards": charts.bar_chart(
            chart_id="chart-cards",
            title=_("Deadline cards, by department"),
            description=_(
                "Cards open now, yellow and red together (thick bar), against the cards "
                "closed in the period (thin bar)."
            ),
            bars=[
                charts.Bar(label=row.name, value=row.open_yellow + row.open_red, second=row.closed)
                for row in figures.cards
            ],
            unit="",
            legend=(_("Open now"), _("Closed in the period")),
        ),
        "complaints": charts.bar_chart(
            chart_id="chart-complaints",
            title=_("Complaints answered on time and forwarded in time, by department"),
            description=_(
                "Share of the complaints received in the period answered by their date "
                "(thick bar) and handed to the answering department by their date (thin "
                "bar); the target of both, 100 %, is marked."
            ),
            bars=[
                charts.Bar(
                    label=row.name,
                    value=row.on_time_reply_rate,
                    second=row.forwarding_rate,
                    target=100,
                )
                for row in figures.complaints
            ],
            max_value=100,
            legend=(_("Answered on time"), _("Forwarded in time")),
        ),
        "queues": charts.bar_chart(
            chart_id="chart-queues",
            title=_("Cases waiting now, by department"),
            description=_("Open cases per department, all states together."),
            bars=[charts.Bar(label=row.name, value=row.open_total) for row in figures.departments],
            unit="",
        ),
    }


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    form, scope = _scope_form(request)
    figures = kpis.dashboard_figures(scope)
    rated = sum(figures.ratings.values())
    context = {
        "form": form,
        "scope": scope,
        "query": urlencode(scope.query()),
        "figures": figures,
        "kpi_rows": [{"kpi": k, "link": _kpi_link(k, scope)} for k in figures.kpis],
        "charts": _charts(figures),
        "open_states": [(state, CaseState(state).label) for state in dashboards.OPEN_STATES],
        "department_rows": [
            {
                "row": row,
                "open": [row.open_by_state[state] for state in dashboards.OPEN_STATES],
                **_row_links(
                    "dashboards:cases",
                    scope,
                    row.credit_code,
                    decided_url="decided",
                    late_url="decided_late",
                    open_url="open",
                    overdue_url="overdue",
                ),
            }
            for row in figures.departments
        ],
        "card_rows": [
            {
                "row": row,
                **_row_links(
                    "dashboards:cases",
                    scope,
                    row.credit_code,
                    yellow_url="cards_yellow",
                    red_url="cards_red",
                ),
            }
            for row in figures.cards
        ],
        "complaint_rows": [
            {
                "row": row,
                **_row_links(
                    "dashboards:complaints",
                    scope,
                    row.credit_code,
                    received_url="received",
                    waiting_url="waiting",
                ),
            }
            for row in figures.complaints
        ],
        "complaint_links": {
            figure: _link("dashboards:complaints", scope, figure=figure)
            for figure in dashboards.COMPLAINT_FIGURES
        },
        "rating_rows": [
            {"score": score, "label": RatingScore(score).label, "count": count}
            for score, count in sorted(figures.ratings.items(), reverse=True)
        ],
        "rated": rated,
        "depth_rows": [
            {
                "label": OnlineDepth(depth).label,
                "count": count,
                "url": reverse("matters:search") + "?" + urlencode({"online_depth": depth}),
            }
            for depth, count in figures.depths.items()
        ],
        "links": {
            figure: _link("dashboards:cases", scope, figure=figure) for figure in dashboards.FIGURES
        },
        "formats": ExportFormat.choices,
    }
    return render(request, "supervision/dashboard.html", context)


class CaseFilterForm(forms.Form):
    figure = forms.ChoiceField(
        label=gettext_lazy("Figure"),
        required=False,
        choices=[("", gettext_lazy("All cases")), *dashboards.FIGURES.items()],
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("All states")), *CaseState.choices],
    )


@login_required
@require_safe
def cases(request: HttpRequest) -> HttpResponse:
    """The cases behind a figure, newest first, in keyset pages (no COUNT over a million)."""
    form, scope = _scope_form(request)
    filters = CaseFilterForm(request.GET)
    figure = state = ""
    if filters.is_valid():
        figure, state = filters.cleaned_data["figure"], filters.cleaned_data["state"]
    found = dashboards.cases_behind(request.user, scope, figure, state)
    before = request.GET.get("before", "")
    if before.isdigit():
        found = found.filter(pk__lt=int(before))
    page = list(found[: CASE_PAGE_SIZE + 1])
    more = len(page) > CASE_PAGE_SIZE
    page = page[:CASE_PAGE_SIZE]
    params = {**scope.query(), "figure": figure, "state": state}
    next_url = ""
    if more:
        next_url = "?" + urlencode({**params, "before": page[-1].pk})
    return render(
        request,
        "supervision/dashboard_cases.html",
        {
            "form": form,
            "filters": filters,
            "scope": scope,
            "figure_label": dashboards.FIGURES.get(figure, ""),
            "cases": page,
            "next_url": next_url,
            "first_url": "?" + urlencode(params) if before else "",
            "dashboard_url": _link("dashboards:home", scope),
            "export_query": urlencode({k: v for k, v in params.items() if v}),
            "formats": ExportFormat.choices,
        },
    )


@login_required
@require_safe
def table_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """One dashboard table as CSV (streamed) or XLSX, for the dashboard's filters."""
    if fmt not in ExportFormat.values or table not in exports.DASHBOARD_TABLES:
        raise Http404
    form, scope = _scope_form(request)
    if form.errors:
        # A link from the dashboard never has bad filters: show them on the dashboard.
        return redirect(reverse("dashboards:home") + "?" + request.GET.urlencode())
    produced = exports.dashboard_table(table, scope)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{table}-{scope.since:%Y%m%d}-{scope.until:%Y%m%d}-{stamp}.{fmt}"
    if fmt == ExportFormat.CSV:
        response: HttpResponse = StreamingHttpResponse(
            exports.csv_chunks(produced), content_type=exports.CONTENT_TYPES[ExportFormat.CSV]
        )
    else:
        response = HttpResponse(content_type=exports.CONTENT_TYPES[ExportFormat.XLSX])
        exports.write_xlsx(produced, response)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("", home, name="home"),
    path("cases/", cases, name="cases"),
    path("tables/<slug:table>.<str:fmt>", table_export, name="table-export"),
]
