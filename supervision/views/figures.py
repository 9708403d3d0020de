"""The lists behind the dashboard's figures: the complaints behind a complaint figure, and
the case and complaint lists as CSV or XLSX (streamed, or written in the background with
their progress when long). The case list page itself is in views/dashboard.py."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from identity.services import audit_record_request
from supervision import dashboards, exports
from supervision.constants import ExportFormat
from supervision.views.dashboard import CaseFilterForm
from supervision.views.dashboard import _link as link
from supervision.views.dashboard import _scope_form as scope_form

PAGE_SIZE = 50


class ComplaintFigureForm(forms.Form):
    figure = forms.ChoiceField(
        label=gettext_lazy("Figure"),
        required=False,
        choices=[("", gettext_lazy("All complaints")), *dashboards.COMPLAINT_FIGURES.items()],
    )


@login_required
@require_safe
def complaints(request: HttpRequest) -> HttpResponse:
    """The complaints behind a complaint figure (received in the period), newest first, in
    keyset pages."""
    form, scope = scope_form(request)
    filters = ComplaintFigureForm(request.GET)
    figure = filters.cleaned_data["figure"] if filters.is_valid() else ""
    found = dashboards.complaints_behind(request.user, scope, figure).select_related("department")
    before = request.GET.get("before", "")
    if before.isdigit():
        found = found.filter(pk__lt=int(before))
    page = list(found[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    params = {**scope.query(), "figure": figure}
    return render(
        request,
        "supervision/dashboard_complaints.html",
        {
            "form": form,
            "filters": filters,
            "scope": scope,
            "figure_label": dashboards.COMPLAINT_FIGURES.get(figure, ""),
            "complaints": page,
            "next_url": "?" + urlencode({**params, "before": page[-1].pk}) if more else "",
            "first_url": "?" + urlencode(params) if before else "",
            "dashboard_url": link("dashboards:home", scope),
            "export_query": urlencode({k: v for k, v in params.items() if v}),
            "formats": ExportFormat.choices,
        },
    )


def _list_export(
    request: HttpRequest,
    *,
    kind: str,
    fmt: str,
    scope: dashboards.Scope,
    rows: Any,
    params: dict[str, str],
    table: Any,
) -> HttpResponse:
    """A list behind a figure as CSV (streamed) or XLSX; a long one is written in the
    background, with its progress shown."""
    if exports.is_large(rows):
        job = exports.export_request(user=request.user, kind=kind, params=params, fmt=fmt)
        return redirect("dashboards:export", pk=job.pk)
    audit_record_request(
        request=request,
        action=exports.EXPORT_ACTIONS[kind],
        detail={"kind": kind, "format": fmt, "filters": params, "background": False},
    )
    produced = table(rows)
    if fmt == ExportFormat.CSV:
        response: HttpResponse = StreamingHttpResponse(
            exports.csv_chunks(produced), content_type=exports.CONTENT_TYPES[ExportFormat.CSV]
        )
    else:
        response = HttpResponse(content_type=exports.CONTENT_TYPES[ExportFormat.XLSX])
        exports.write_xlsx(produced, response)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{kind}-{scope.since:%Y%m%d}-{scope.until:%Y%m%d}-{stamp}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def cases_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The cases behind a figure, as the case list shows them."""
    if fmt not in ExportFormat.values:
        raise Http404
    form, scope = scope_form(request)
    filters = CaseFilterForm(request.GET)
    if form.errors or not filters.is_valid():
        # A link from the list never has bad filters: show them on the list.
        return redirect(reverse("dashboards:cases") + "?" + request.GET.urlencode())
    figure, state = filters.cleaned_data["figure"], filters.cleaned_data["state"]
    return _list_export(
        request,
        kind="cases",
        fmt=fmt,
        scope=scope,
        rows=dashboards.cases_behind(request.user, scope, figure, state),
        params=exports.cases_params(scope, figure, state),
        table=exports.cases_table,
    )


@login_required
@require_safe
def complaints_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The complaints behind a figure, as the complaint list shows them."""
    if fmt not in ExportFormat.values:
        raise Http404
    form, scope = scope_form(request)
    filters = ComplaintFigureForm(request.GET)
    if form.errors or not filters.is_valid():
        return redirect(reverse("dashboards:complaints") + "?" + request.GET.urlencode())
    figure = filters.cleaned_data["figure"]
    return _list_export(
        request,
        kind="complaints",
        fmt=fmt,
        scope=scope,
        rows=dashboards.complaints_behind(request.user, scope, figure),
        params=exports.complaints_params(scope, figure),
        table=exports.complaints_table,
    )


urlpatterns = [
    path("cases/export.<str:fmt>", cases_export, name="cases-export"),
    # Not "complaints/": that is the complaint pages' own list (supervision.urls).
    path("figures/complaints/", complaints, name="complaints"),
    path("figures/complaints/export.<str:fmt>", complaints_export, name="complaints-export"),
]
