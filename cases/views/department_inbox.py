"""The department's inbox: the hand-offs (转办), consultations (征求意见) and services of
combined applications (并联审批) its reviewers received through the outbox."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from cases import handoffs
from cases.outbox import OutboxKind
from core.errors import ApplicationError

PAGE_SIZE = 20
# What a department receives (the bundle's own progress steps are not for people).
RECEIVED_KINDS = [
    (kind.value, kind.label)
    for kind in (
        OutboxKind.ROUTED,
        OutboxKind.HAND_OFF,
        OutboxKind.CONSULTATION,
        OutboxKind.ROUTE_CHILD,
    )
]


class NoticeFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("Everything received")), *RECEIVED_KINDS],
    )
    unread = forms.BooleanField(label=gettext_lazy("Unread only"), required=False)


@login_required
@require_safe
def department_inbox(request: HttpRequest) -> HttpResponse:
    # Only reviewers and heads of a department have one; for anyone else there is no page.
    if not handoffs.departments_reviewed_by(request.user):
        raise Http404
    form = NoticeFilterForm(request.GET)
    status, filters = 200, {}
    if form.is_valid():
        filters = {"kind": form.cleaned_data["kind"], "unread": form.cleaned_data["unread"]}
    else:
        status = 400
    paginator = Paginator(handoffs.department_notices_for(request.user, **filters), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    labels = dict(OutboxKind.choices)
    return render(
        request,
        "cases/department_inbox.html",
        {
            "form": form,
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "rows": [{"notice": n, "kind": labels.get(n.kind, n.kind)} for n in page_obj],
            "filtered": any(filters.values()),
        },
        status=status,
    )


@login_required
@require_POST
def department_notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        handoffs.department_notice_mark_read(user=request.user, notice_id=pk)
    except ApplicationError as error:
        raise Http404 from error
    candidate = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        candidate = reverse("cases:department-inbox")
    return redirect(candidate)


urlpatterns = [
    path("department/received/", department_inbox, name="department-inbox"),
    path(
        "department/received/<int:pk>/read/", department_notice_read, name="department-notice-read"
    ),
]
