"""The reviewer's queue (后台分类审批): a department's routed cases, soonest due first, with
filters, a search and seek pagination (no page counts the whole queue).

Thin: the form parses the query string, cases.selectors reads, cases.policies decides who
may see which department's queue (403 for anyone else).
"""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from cases import policies, selectors
from cases.constants import QUEUE_STATES, CardColour, CaseState, Channel
from cases.views.my_space import STATE_BADGES, time_left
from core.errors import ValidationFailed
from identity.models import Organisation
from matters import selectors as matter_selectors

PAGE_SIZE = 20
CARD_BADGES = {CardColour.RED: "danger", CardColour.YELLOW: "warning", CardColour.GREEN: "success"}


class QueueForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"), required=False)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=40,
        help_text=_("A case number, an applicant's name or the last 4 characters of their ID."),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *((s, CaseState(s).label) for s in QUEUE_STATES)],
    )
    claimed = forms.ChoiceField(
        label=_("Handled by"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("unclaimed", _("Nobody yet"))],
    )
    card = forms.ChoiceField(
        label=_("Time left"), required=False, choices=[("", _("Any")), *CardColour.choices]
    )
    matter = forms.ChoiceField(label=_("Service"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any")), *Channel.choices]
    )
    accepted_from = forms.DateField(
        label=_("Accepted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    accepted_until = forms.DateField(
        label=_("Accepted until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        *args: Any,
        departments: list[Organisation],
        services: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.credit_code, d.name) for d in departments]
        self.fields["matter"].choices = [("", _("All services")), *services]

    def filters(self) -> selectors.QueueFilter:
        data = self.cleaned_data
        return selectors.QueueFilter(
            matter=data["matter"],
            state=data["state"],
            claimed=data["claimed"],
            card=data["card"],
            channel=data["channel"],
            accepted_from=data["accepted_from"],
            accepted_until=data["accepted_until"],
            search=data["q"],
        )


def _departments(user: Any) -> list[Organisation]:
    """The departments whose queue the person may open: theirs, or every one for
    supervisors and superusers."""
    if policies.sees_every_queue(user):
        return list(selectors.departments_with_queues())
    return list(Organisation.objects.filter(pk__in=policies.reviews_for(user)).order_by("name"))


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    departments = _departments(request.user)
    if not departments:
        raise PermissionDenied
    chosen = request.GET.get("department") or departments[0].credit_code
    department = next((d for d in departments if d.credit_code == chosen), None)
    if department is None:
        raise PermissionDenied
    form = QueueForm(
        request.GET or None,
        departments=departments,
        services=selectors.queue_services(department.pk),
        initial={"department": department.credit_code},
    )
    calendar, today = matter_selectors.working_calendar(), timezone.localdate()
    status, filters = 200, selectors.QueueFilter()
    if form.is_bound:
        if form.is_valid():
            filters = form.filters()
        else:
            status = 400
    cases = selectors.queue_for_department(
        department.pk, user=request.user, filters=filters, calendar=calendar, today=today
    )
    try:
        page = selectors.queue_page(cases, cursor=request.GET.get("cursor", ""), size=PAGE_SIZE)
    except ValidationFailed:
        page, status = selectors.queue_page(cases, size=PAGE_SIZE), 400
    rows = []
    for case in page.cases:
        days = selectors.working_days_left(case, calendar=calendar, today=today)
        card = selectors.card_colour(case, calendar=calendar, today=today, days_left=days)
        rows.append(
            {
                "case": case,
                "badge": STATE_BADGES.get(case.state, "info"),
                "time_left": time_left(case, calendar=calendar, today=today),
                "card": card,
                "card_label": CardColour(card).label if card else "",
                "card_badge": CARD_BADGES.get(card, "muted"),
            }
        )
    counts = selectors.queue_counts(department.pk)
    context = {
        "form": form,
        "department": department,
        "several_departments": len(departments) > 1,
        "rows": rows,
        "page": page,
        "counts": [(state, CaseState(state).label, counts[state]) for state in QUEUE_STATES],
        "total": sum(counts.values()),
        "filtered": filters != selectors.QueueFilter(),
        "reviewer": department.pk in policies.reviews_for(request.user),
        "consultations": list(selectors.consultations_open_for([department.pk])[:50]),
    }
    return render(request, "cases/queue.html", context, status=status)


urlpatterns = [path("queue/", queue, name="queue")]
