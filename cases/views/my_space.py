"""My space: my cases, the case page, corrections, withdrawal, delivery, inbox.

Thin views: the forms parse, the services (`case_transition`, `case_set_delivery`,
`notice_mark_read`) decide, the selectors read.
"""

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from cases import bundle_flow, notifications, policies, selectors
from cases.constants import Action, CaseState, Party
from cases.delivery import (
    ADDRESS_MAX_LENGTH,
    case_set_delivery,
    delivery_choosable,
    delivery_options,
)
from cases.models import Case
from cases.services import case_transition
from cases.workflow import TRANSITIONS, actions_from
from core.errors import ApplicationError
from core.forms import add_service_errors
from identity import selectors as identity_selectors
from identity.constants import ORGANISATION_ROLES
from identity.services import audit_record_read
from matters import selectors as matter_selectors
from matters.calendar import WorkingCalendar

PAGE_SIZE = 20

S = CaseState
# What the applicant waits for in each state when there is nothing for them to do.
APPLICANT_WAITS = {
    S.SUBMITTED: gettext_lazy("Wait for the department to check your application."),
    S.ACCEPTED: gettext_lazy("Wait for a reviewer to take up your case."),
    S.IN_REVIEW: gettext_lazy("Wait for the decision."),
    S.SUSPENDED: gettext_lazy("Wait: the review is paused for a special procedure."),
    S.APPROVED: gettext_lazy("Wait for the result to be issued."),
    S.DENIED: gettext_lazy("Wait for the decision letter to be issued."),
    S.RESULT_ISSUED: gettext_lazy("Receive your result in the way you chose."),
    S.DELIVERED: gettext_lazy("Nothing more to do: the result has been delivered."),
    S.REFUSED: gettext_lazy("Nothing more to do: the application was not accepted."),
    S.WITHDRAWN: gettext_lazy("Nothing more to do: the application was withdrawn."),
}
# The colour of a state's badge (the label carries the meaning; colour only helps).
STATE_BADGES = {
    S.DRAFT: "muted",
    S.CORRECTION_REQUESTED: "warning",
    S.REFUSED: "danger",
    S.DENIED: "danger",
    S.APPROVED: "success",
    S.RESULT_ISSUED: "success",
    S.DELIVERED: "success",
    S.WITHDRAWN: "muted",
}
BEFORE_ACCEPTANCE = frozenset({S.DRAFT, S.SUBMITTED, S.CORRECTION_REQUESTED})
DECIDED = frozenset({S.APPROVED, S.DENIED, S.RESULT_ISSUED, S.DELIVERED})


# --- Forms -------------------------------------------------------------------------------


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("All states")), *CaseState.choices],
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I want to withdraw this application. A withdrawn application cannot be resumed."
        ),
        error_messages={
            "required": gettext_lazy("Please confirm that you want to withdraw the application.")
        },
    )


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("How do you want to receive the result?"), widget=forms.RadioSelect
    )
    address = forms.CharField(
        label=gettext_lazy("Postal address"),
        required=False,
        max_length=ADDRESS_MAX_LENGTH,
        help_text=gettext_lazy("Needed when the result is sent by post."),
    )

    def __init__(self, *args: Any, options: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = options


# --- Helpers (reads; `_my_cases` belongs in cases.selectors) ------------------------------


def _my_cases(user: Any) -> QuerySet[Case]:
    """The cases the person applied for: as applicant, as agent, or for an organisation they
    act for (not the cases they handle as staff)."""
    acts_for = [
        organisation
        for organisation, roles in identity_selectors.user_roles_by_organisation(user).items()
        if roles & ORGANISATION_ROLES
    ]
    own = Q(applicant=user) | Q(agent=user) | Q(organisation_id__in=acts_for)
    return selectors.cases_for(user).filter(own)


def time_left(case: Case, *, calendar: WorkingCalendar, today: date) -> str:
    """The promised deadline as the person reads it: days left, overdue, or why no clock."""
    days = selectors.working_days_left(case, calendar=calendar, today=today)
    if days is None:
        # Suspended, or a correction asked during the review (补正 stops the clock too).
        if case.state == CaseState.SUSPENDED or case.suspended_since is not None:
            return _("Clock stopped")
        if case.state in BEFORE_ACCEPTANCE or case.deadline is None:
            return _("Starts when the application is accepted")
        if case.state in DECIDED:
            return _("Decided")
        return _("Closed")
    if days == 0:
        return _("Due today")
    if days > 0:
        return ngettext("%(days)s working day left", "%(days)s working days left", days) % {
            "days": days
        }
    return ngettext(
        "Overdue by %(days)s working day", "Overdue by %(days)s working days", -days
    ) % {"days": -days}


def _actions_for(case: Case, parties: frozenset[str]) -> list[str]:
    return [action for action in actions_from(case.state) if TRANSITIONS[action].who & parties]


def applicant_next_step(case: Case) -> dict[str, Any]:
    """What the applicant should do next: `edit` when the application is theirs to change
    (complete a draft, answer a correction request), else what they are waiting for."""
    actions = _actions_for(case, frozenset({Party.APPLICANT}))
    if Action.SUBMIT in actions:
        return {"edit": True, "label": _("Complete your application")}
    if Action.RESUBMIT in actions:
        return {"edit": True, "label": _("Edit and resubmit")}
    return {"edit": False, "label": str(APPLICANT_WAITS.get(case.state, ""))}


def _case_or_404(user: Any, number: str) -> tuple[Case, frozenset[str]]:
    case = selectors.case_detail(user, number)
    parties = policies.case_parties(user, case) if case is not None else frozenset()
    if not parties:
        raise Http404
    return case, parties


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _correction_comment(case: Case) -> str:
    """The clerk's explanation of what to correct (the latest correction request)."""
    if case.state != CaseState.CORRECTION_REQUESTED:
        return ""
    requests = [e for e in case.events.all() if e.action == Action.REQUEST_CORRECTION]
    return requests[-1].comment if requests else ""


def _case_page(
    request: HttpRequest,
    case: Case,
    parties: frozenset[str],
    *,
    withdraw_form: WithdrawForm | None = None,
    delivery_form: DeliveryForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_applicant = Party.APPLICANT in parties
    options = delivery_options(case.version)
    can_choose_delivery = is_applicant and delivery_choosable(case)
    if can_choose_delivery and delivery_form is None:
        delivery_form = DeliveryForm(
            options=options,
            initial={"method": case.delivery_method, "address": case.delivery_address},
        )
    names = dict(case.version.materials.values_list("key", "name"))
    # A 一件事 application: the parent lists its children with their progress, a child links
    # to its parent (each shown only to those who may see it; only for such cases).
    children = []
    calendar, today = matter_selectors.working_calendar(), timezone.localdate()
    if case.bundle_id is not None:
        children = [
            {
                "case": row.case,
                "badge": STATE_BADGES.get(row.case.state, "info"),
                "time_left": time_left(row.case, calendar=calendar, today=today),
                "denial_reason": row.denial_reason,
                "waiting": row.waiting,
            }
            for row in bundle_flow.bundle_progress(parent=case, user=request.user)
        ]
    parent = None
    if case.parent_id is not None:
        parent = Case.objects.filter(pk=case.parent_id).first()
        if parent is not None and not policies.case_parties(request.user, parent):
            parent = None
    staff_actions = _actions_for(case, parties - {Party.APPLICANT})
    context = {
        "case": case,
        "is_applicant": is_applicant,
        "badge": STATE_BADGES.get(case.state, "info"),
        "time_left": time_left(case, calendar=calendar, today=today),
        "next_step": applicant_next_step(case) if is_applicant else None,
        "correction_comment": _correction_comment(case),
        "can_withdraw": is_applicant and Action.WITHDRAW in _actions_for(case, parties),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "delivery_form": delivery_form if can_choose_delivery else None,
        "delivery_options": options,
        "staff_actions": [Action(action).label for action in staff_actions],
        "timeline": selectors.case_timeline(case),
        "materials": [
            {"key": m.material_key, "name": names.get(m.material_key, m.material_key), "file": m}
            for m in case.materials.all()
        ],
        "has_receipt": case.state != CaseState.DRAFT,
        "children": children,
        "parent": parent,
    }
    return render(request, "cases/case_detail.html", context, status=status)


# --- Views -------------------------------------------------------------------------------


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    form = StateFilterForm(request.GET)
    cases = _my_cases(request.user)
    status = 200
    if form.is_valid():
        if form.cleaned_data["state"]:
            cases = cases.filter(state=form.cleaned_data["state"])
    else:
        status = 400
    paginator = Paginator(cases, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    calendar, today = matter_selectors.working_calendar(), timezone.localdate()
    rows = [
        {
            "case": case,
            "badge": STATE_BADGES.get(case.state, "info"),
            "time_left": time_left(case, calendar=calendar, today=today),
            "next_step": applicant_next_step(case),
        }
        for case in page_obj
    ]
    return render(
        request,
        "cases/mine.html",
        {
            "form": form,
            "rows": rows,
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "filtered": bool(form.is_valid() and form.cleaned_data["state"]),
        },
        status=status,
    )


@login_required
@require_safe
def detail(request: HttpRequest, number: str) -> HttpResponse:
    case, parties = _case_or_404(request.user, number)
    if not policies.is_applicant_side(parties):
        # Staff (a clerk, a reviewer, a supervisor from a dashboard) reading someone's case.
        audit_record_read(request=request, target=case, purpose="case_page")
    return _case_page(request, case, parties)


@login_required
@require_POST
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    case, parties = _case_or_404(request.user, number)
    if not policies.is_applicant_side(parties):
        raise PermissionDenied  # before the input: a refused person learns nothing from it
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, parties, withdraw_form=form, status=400)
    try:
        case_transition(
            case=case,
            action=Action.WITHDRAW,
            actor=request.user,
            comment=form.cleaned_data["reason"],
        )
    except ApplicationError as error:
        if error.status == 404:
            raise Http404 from error
        add_service_errors(form, error)
        return _case_page(request, case, parties, withdraw_form=form, status=error.status)
    messages.success(request, _("Your application has been withdrawn."))
    return redirect("cases:detail", number=case.number)


@login_required
@require_POST
def delivery(request: HttpRequest, number: str) -> HttpResponse:
    case, parties = _case_or_404(request.user, number)
    if not policies.is_applicant_side(parties):
        raise PermissionDenied  # before the input: a refused person learns nothing from it
    form = DeliveryForm(request.POST, options=delivery_options(case.version))
    if not form.is_valid():
        return _case_page(request, case, parties, delivery_form=form, status=400)
    try:
        case_set_delivery(
            case=case,
            actor=request.user,
            method=form.cleaned_data["method"],
            address=form.cleaned_data["address"],
        )
    except ApplicationError as error:
        if error.status == 404:
            raise Http404 from error
        add_service_errors(form, error)
        return _case_page(request, case, parties, delivery_form=form, status=error.status)
    messages.success(request, _("Your choice of delivery has been saved."))
    return redirect("cases:detail", number=case.number)


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(notifications.notices_for(request.user), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "cases/inbox.html",
        {"page_obj": page_obj, "page_range": paginator.get_elided_page_range(page_obj.number)},
    )


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notifications.notice_mark_read(user=request.user, notice_id=pk)
    except ApplicationError as error:
        raise Http404 from error
    return redirect(_safe_next(request, reverse("cases:inbox")))


urlpatterns = [
    path("", mine, name="mine"),
    # Before "<str:number>/", which would otherwise take "inbox" for a case number.
    path("inbox/", inbox, name="inbox"),
    path("inbox/<int:pk>/read/", notice_read, name="notice-read"),
    path("<str:number>/", detail, name="detail"),
    path("<str:number>/withdraw/", withdraw, name="withdraw"),
    path("<str:number>/delivery/", delivery, name="delivery"),
]
