"""The supervisor's search of the audit trail (person, actor, object, action, time), newest
first in keyset pages, and its export. ID numbers are typed into a POST form and never put
in a URL: the resolved search is kept in the session under a random key."""

import secrets
from datetime import datetime, time, timedelta
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
from django.views.decorators.http import require_http_methods, require_safe

from cases.models import Case
from identity import selectors as identity_selectors
from identity.constants import AuditAction, AuditOutcome, Role
from identity.services import audit_record_request
from supervision import exports
from supervision.constants import ExportFormat
from supervision.models import Complaint

PAGE_SIZE = 50
SESSION_KEY = "supervision_audit_searches"
KEPT_SEARCHES = 20


class AuditSearchForm(forms.Form):
    person = forms.CharField(
        label=gettext_lazy("Person (ID number)"),
        required=False,
        max_length=18,
        help_text=gettext_lazy("Entries by this person or about them."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    actor = forms.CharField(
        label=gettext_lazy("Actor (ID number)"),
        required=False,
        max_length=18,
        help_text=gettext_lazy("Only what this person did."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    object_type = forms.CharField(
        label=gettext_lazy("Object type"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("For example cases.case, identity.user or url."),
    )
    object_id = forms.CharField(
        label=gettext_lazy("Object"),
        required=False,
        max_length=128,
        help_text=gettext_lazy(
            "A case or complaint number, or the object's identifier in the trail."
        ),
    )
    action = forms.CharField(
        label=gettext_lazy("Action"),
        required=False,
        max_length=64,
        help_text=gettext_lazy(
            "An action such as cases.accept, or a family ending with a dot such as cases."
        ),
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        required=False,
        choices=[("", gettext_lazy("Any outcome")), *AuditOutcome.choices],
    )
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

    def _person(self, name: str) -> int | None:
        value = self.cleaned_data.get(name, "")
        if not value:
            return None
        person = identity_selectors.user_by_id_number(value)
        if person is None:
            self.add_error(name, _("Nobody with this ID number has an account."))
            return None
        return person.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("since", _("The period must start before it ends."))
        if data.get("object_id") and not data.get("object_type"):
            self.add_error("object_type", _("Say what kind of object this is."))
        return data

    def search(self) -> identity_selectors.AuditFilter:
        """The filter, once valid (people resolved; a case number turned into the case)."""
        data = self.cleaned_data
        person, actor = self._person("person"), self._person("actor")
        object_type, object_id = data["object_type"].strip(), data["object_id"].strip()
        if object_type == "cases.case" and object_id and not object_id.isdigit():
            case_id = Case.objects.filter(number=object_id).values_list("pk", flat=True).first()
            if case_id is None:
                self.add_error("object_id", _("There is no case with this number."))
            object_id = str(case_id or "")
        elif object_type == "supervision.complaint" and object_id and not object_id.isdigit():
            complaint_id = (
                Complaint.objects.filter(number=object_id.upper())
                .values_list("pk", flat=True)
                .first()
            )
            if complaint_id is None:
                self.add_error("object_id", _("There is no complaint with this number."))
            object_id = str(complaint_id or "")

        def moment(day: Any) -> datetime | None:
            return timezone.make_aware(datetime.combine(day, time.min)) if day else None

        return identity_selectors.AuditFilter(
            person=person,
            actor=actor,
            object_type=object_type,
            object_id=object_id,
            action=data["action"].strip(),
            outcome=data["outcome"],
            since=moment(data["since"]),
            until=moment(data["until"] + timedelta(days=1)) if data["until"] else None,
        )


def _require_supervisor(request: HttpRequest) -> None:
    if Role.SUPERVISOR not in identity_selectors.user_roles(request.user):
        raise PermissionDenied


def _remember(request: HttpRequest, filters: identity_selectors.AuditFilter) -> str:
    searches = dict(request.session.get(SESSION_KEY, {}))
    key = secrets.token_urlsafe(9)
    searches[key] = exports.audit_filter_to_params(filters)
    # Keep the newest few (dicts keep insertion order).
    request.session[SESSION_KEY] = dict(list(searches.items())[-KEPT_SEARCHES:])
    return key


def _recall(request: HttpRequest) -> tuple[str, identity_selectors.AuditFilter]:
    key = request.GET.get("q", "")
    params = request.session.get(SESSION_KEY, {}).get(key) if key else None
    if params is None:
        return "", identity_selectors.AuditFilter()
    return key, exports.audit_filter_from_params(params)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    if request.method == "POST":
        form = AuditSearchForm(request.POST)
        if form.is_valid():
            filters = form.search()
            if form.is_valid():  # resolving people and case numbers may add errors
                key = _remember(request, filters)
                audit_record_request(
                    request=request,
                    action=AuditAction.AUDIT_SEARCH,
                    detail={"filters": exports.audit_filter_to_params(filters)},
                )
                return redirect(reverse("dashboards:audit") + "?" + urlencode({"q": key}))
        key, filters = "", identity_selectors.AuditFilter()
        status = 400
    else:
        form = AuditSearchForm()
        key, filters = _recall(request)
        status = 200
    before = request.GET.get("before", "")
    events = identity_selectors.audit_search(filters)
    page, next_before = identity_selectors.audit_page(
        events, before=int(before) if before.isdigit() else None, size=PAGE_SIZE
    )
    query = {"q": key} if key else {}
    return render(
        request,
        "supervision/audit_search.html",
        {
            "form": form,
            "events": page,
            "filters": filters,
            "people": _people(filters),
            "next_url": "?" + urlencode({**query, "before": next_before}) if next_before else "",
            "first_url": "?" + urlencode(query) if before else "",
            "query": urlencode(query),
            "formats": ExportFormat.choices,
        },
        status=status,
    )


def _people(filters: identity_selectors.AuditFilter) -> dict[str, Any]:
    """The people a remembered search filters on, to show (masked) above the results."""
    ids = {name: getattr(filters, name) for name in ("person", "actor") if getattr(filters, name)}
    found = {u.pk: u for u in identity_selectors.users_by_ids(list(ids.values()))}
    return {name: found.get(pk) for name, pk in ids.items()}


@login_required
@require_safe
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The search as CSV (streamed) or XLSX; a long one is written in the background."""
    _require_supervisor(request)
    if fmt not in ExportFormat.values:
        raise Http404
    _key, filters = _recall(request)
    params = exports.audit_filter_to_params(filters)
    if exports.audit_is_large(filters):
        job = exports.export_request(user=request.user, kind="audit", params=params, fmt=fmt)
        return redirect("dashboards:export", pk=job.pk)
    audit_record_request(
        request=request,
        action=AuditAction.AUDIT_EXPORT,
        detail={"kind": "audit", "format": fmt, "filters": params, "background": False},
    )
    table = exports.audit_table(filters)
    if fmt == ExportFormat.CSV:
        response: HttpResponse = StreamingHttpResponse(
            exports.csv_chunks(table), content_type=exports.CONTENT_TYPES[ExportFormat.CSV]
        )
    else:
        response = HttpResponse(content_type=exports.CONTENT_TYPES[ExportFormat.XLSX])
        exports.write_xlsx(table, response)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("audit/", search, name="audit"),
    path("audit/export.<str:fmt>", export, name="audit-export"),
]
