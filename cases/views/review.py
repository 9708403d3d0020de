"""The case review page of the back office: the application, its materials with their
check, the timeline, the consultations, and every step the person may take now — claim,
release, reassign, ask for more (补正), suspend / resume, hand off (转办), consult (征求意见),
answer a consultation, approve / deny — each through `case_transition`. Also the decision
document (PDF) for the applicant and staff.

Thin: each form only parses; the services decide and their refusals are shown on the form
that was sent, with the status that says why (400, 403, 409). A case the person may not see
is a 404, whatever the reason.
"""

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from cases import bundle_flow, policies, selectors, services
from cases.constants import Action, CaseState, MaterialVerification, Party
from cases.decision import decision_pdf
from cases.models import Case
from cases.views.my_space import STATE_BADGES, time_left
from cases.workflow import TRANSITIONS, actions_from
from core.errors import ApplicationError
from core.forms import add_service_errors
from identity.services import audit_record_read
from matters import selectors as matter_selectors
from matters.calendar import WorkingCalendar

# The steps of the back office this page offers, in the order it shows them.
REVIEW_ACTIONS = (
    Action.CLAIM,
    Action.APPROVE,
    Action.DENY,
    Action.REQUEST_CORRECTION,
    Action.CONSULT,
    Action.ANSWER_CONSULTATION,
    Action.HAND_OFF,
    Action.SUSPEND,
    Action.RESUME,
    Action.RELEASE,
    Action.REASSIGN,
    Action.ISSUE_RESULT,
)
STAFF_PARTIES = frozenset({Party.REVIEWER, Party.CONSULTED, Party.CLERK, Party.SUPERVISOR})

# The fields each step asks for (besides the hidden `action`), and the label of its comment.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    Action.REASSIGN: ("to", "comment"),
    Action.REQUEST_CORRECTION: ("comment", "respond_by"),
    Action.HAND_OFF: ("department", "comment"),
    Action.CONSULT: ("department", "comment", "due"),
    Action.ANSWER_CONSULTATION: ("comment", "consultation"),
    Action.SUSPEND: ("comment",),
    Action.RESUME: ("comment",),
    Action.APPROVE: ("comment",),
    Action.DENY: ("comment",),
    Action.ISSUE_RESULT: ("comment",),
}
COMMENT_LABELS = {
    Action.REASSIGN: gettext_lazy("Reason"),
    Action.REQUEST_CORRECTION: gettext_lazy("What the applicant should provide or correct"),
    Action.HAND_OFF: gettext_lazy("Reason for handing it off"),
    Action.CONSULT: gettext_lazy("Question to the department"),
    Action.ANSWER_CONSULTATION: gettext_lazy("Your department's opinion"),
    Action.SUSPEND: gettext_lazy("Reason (special procedure)"),
    Action.RESUME: gettext_lazy("Remarks (optional)"),
    Action.APPROVE: gettext_lazy("Remarks (optional)"),
    Action.DENY: gettext_lazy("Reasons for the denial"),
    Action.ISSUE_RESULT: gettext_lazy("Remarks (optional)"),
}


class ActionForm(forms.Form):
    """One step of the review; only the fields the step asks for are kept."""

    action = forms.CharField(widget=forms.HiddenInput)
    to = forms.ChoiceField(label=gettext_lazy("Give the case to"))
    department = forms.ChoiceField(label=gettext_lazy("Department"))
    comment = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    respond_by = forms.DateField(
        label=gettext_lazy("Answer by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    due = forms.DateField(
        label=gettext_lazy("Opinion wanted by (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    consultation = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        action: str,
        departments: list[tuple[str, str]],
        reviewers: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", action)
        kwargs.setdefault("initial", {})["action"] = action
        super().__init__(*args, **kwargs)
        self.step = action
        keep = {"action", *ACTION_FIELDS.get(action, ())}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "comment" in self.fields:
            self.fields["comment"].label = COMMENT_LABELS[action]
            self.fields["comment"].required = TRANSITIONS[action].needs_comment
        if "department" in self.fields:
            self.fields["department"].choices = [("", "—"), *departments]
        if "to" in self.fields:
            self.fields["to"].choices = [("", "—"), *reviewers]

    @property
    def label(self) -> str:
        return str(Action(self.step).label)

    def payload(self, case: Case) -> dict[str, Any]:
        data = self.cleaned_data
        payload: dict[str, Any] = {}
        if data.get("to"):
            payload["to"] = selectors.department_reviewers(case.department_id).get(pk=data["to"])
        for name in ("department", "consultation"):
            if data.get(name):
                payload[name] = data[name]
        for name in ("respond_by", "due"):
            if data.get(name):
                payload[name] = data[name].isoformat()
        return payload


class VerifyForm(forms.Form):
    verdict = forms.ChoiceField(
        label=gettext_lazy("Check"),
        choices=[
            (MaterialVerification.VERIFIED, MaterialVerification.VERIFIED.label),
            (MaterialVerification.REJECTED, MaterialVerification.REJECTED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note (required when rejecting)"), required=False, max_length=300
    )


def _review_case(user: Any, number: str) -> tuple[Case, frozenset[str]]:
    """The case and the person's parts in it; 404 unless they play a staff part."""
    case = selectors.review_case(user, number)
    parties = policies.case_parties(user, case) if case is not None else frozenset()
    if not parties & STAFF_PARTIES:
        raise Http404
    return case, parties


def _available(user: Any, case: Case, parties: frozenset[str]) -> list[str]:
    """The review steps the person may take on the case now (none on a combined
    application's parent: it is reviewed and decided through its services' cases)."""
    if case.bundle_id is not None:
        return []
    return [
        action
        for action in actions_from(case.state)
        if action in REVIEW_ACTIONS
        and TRANSITIONS[action].who & parties
        and not policies.refusal_reason(user, parties, case, action)
        and not (action == Action.REQUEST_CORRECTION and case.state != CaseState.IN_REVIEW)
    ]


def _choices(case: Case, actions: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The departments a case can go to and the reviewers it can be given to (only read
    when one of the steps offered asks for them)."""
    choices: dict[str, list[tuple[str, str]]] = {"departments": [], "reviewers": []}
    if {Action.HAND_OFF, Action.CONSULT} & set(actions):
        choices["departments"] = [
            (d.credit_code, d.name)
            for d in selectors.departments_with_queues().exclude(pk=case.department_id)
        ]
    if Action.REASSIGN in actions:
        choices["reviewers"] = [
            (str(person.pk), person.name)
            for person in selectors.department_reviewers(case.department_id)
        ]
    return choices


def _forms(
    user: Any, case: Case, parties: frozenset[str], *, sent: ActionForm | None = None
) -> list[ActionForm]:
    actions = _available(user, case, parties)
    choices = _choices(case, actions)
    return [
        sent if sent is not None and sent.step == action else ActionForm(action=action, **choices)
        for action in sorted(actions, key=REVIEW_ACTIONS.index)
    ]


def _children(
    user: Any, case: Case, *, calendar: WorkingCalendar, today: date
) -> list[dict[str, Any]]:
    """The services of a combined application with their progress (its parent's page)."""
    if case.bundle_id is None:
        return []
    return [
        {
            "case": row.case,
            "badge": STATE_BADGES.get(row.case.state, "info"),
            "time_left": time_left(row.case, calendar=calendar, today=today),
            "denial_reason": row.denial_reason,
            "waiting": row.waiting,
        }
        for row in bundle_flow.bundle_progress(parent=case, user=user)
    ]


def _page(
    request: HttpRequest,
    case: Case,
    parties: frozenset[str],
    *,
    sent: ActionForm | None = None,
    verify_errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    calendar, today = matter_selectors.working_calendar(), timezone.localdate()
    names = {material.key: material.name for material in case.version.materials.all()}
    can_verify = (
        Party.REVIEWER in parties
        and case.claimed_by_id == request.user.pk
        and case.state in {CaseState.IN_REVIEW, CaseState.SUSPENDED, CaseState.CONSULTING}
    )
    days = selectors.working_days_left(case, calendar=calendar, today=today)
    context = {
        "case": case,
        "badge": STATE_BADGES.get(case.state, "info"),
        "time_left": time_left(case, calendar=calendar, today=today),
        "card": selectors.card_colour(case, calendar=calendar, today=today, days_left=days),
        "answers": [
            (question.label, case.form_data.get(question.key))
            for question in case.version.form_fields.all()
            if question.key in case.form_data
        ],
        "materials": [
            {
                "key": m.material_key,
                "name": names.get(m.material_key, m.material_key),
                "file": m,
                # One form per material, its ids its own: the page repeats the check.
                "verify_form": VerifyForm(auto_id=f"verify-{m.material_key}-%s"),
            }
            for m in case.materials.all()
        ],
        "can_verify": can_verify,
        "verify_errors": verify_errors or {},
        "timeline": [
            (event, Action(event.action).label if event.action in Action.values else event.action)
            for event in case.events.all()
        ],
        "consultations": case.consultations.all(),
        "children": _children(request.user, case, calendar=calendar, today=today),
        "forms": _forms(request.user, case, parties, sent=sent),
        "is_reviewer": Party.REVIEWER in parties,
    }
    return render(request, "cases/review.html", context, status=status)


@login_required
@require_safe
def review(request: HttpRequest, number: str) -> HttpResponse:
    case, parties = _review_case(request.user, number)
    audit_record_read(request=request, target=case, purpose="review")
    return _page(request, case, parties)


def _posted_action(request: HttpRequest) -> str | None:
    """The step a form of the page posted: each form is prefixed by its step, so the browser
    sends `<step>-action` (a bare `action` is accepted from scripts too)."""
    for action in REVIEW_ACTIONS:
        if request.POST.get(f"{action}-action") == action:
            return action
    action = str(request.POST.get("action", ""))
    return action if action in REVIEW_ACTIONS else None


@login_required
@require_POST
def act(request: HttpRequest, number: str) -> HttpResponse:
    case, parties = _review_case(request.user, number)
    action = _posted_action(request)
    if action is None:
        raise Http404
    form = ActionForm(request.POST, action=action, **_choices(case, [action]))
    if not form.is_valid():
        return _page(request, case, parties, sent=form, status=400)
    try:
        services.case_transition(
            case=case,
            action=action,
            actor=request.user,
            comment=form.cleaned_data.get("comment", ""),
            payload=form.payload(case),
        )
    except ApplicationError as error:
        if error.status == 404:
            raise Http404 from error
        add_service_errors(form, error)
        case, parties = _review_case(request.user, number)
        return _page(request, case, parties, sent=form, status=error.status)
    messages.success(request, _("Done: %(action)s.") % {"action": Action(action).label})
    # After a hand-off the case is no longer this department's: back to the queue.
    if selectors.review_case(request.user, number) is None:
        return redirect("cases:queue")
    return redirect("cases:review", number=number)


@login_required
@require_POST
def verify(request: HttpRequest, number: str, key: str) -> HttpResponse:
    case, parties = _review_case(request.user, number)
    if not policies.may_verify_materials(request.user, parties, case):
        raise PermissionDenied  # before the input: a refused person learns nothing from it
    form = VerifyForm(request.POST)
    if not form.is_valid():
        errors = [str(m) for messages_ in form.errors.values() for m in messages_]
        return _page(request, case, parties, verify_errors={key: errors}, status=400)
    try:
        services.case_material_verify(
            case=case,
            actor=request.user,
            material_key=key,
            verdict=form.cleaned_data["verdict"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        if error.status == 404:
            raise Http404 from error
        problems = [str(m) for messages_ in error.errors.values() for m in messages_]
        return _page(
            request,
            case,
            parties,
            verify_errors={key: problems or [str(error.message)]},
            status=error.status,
        )
    messages.success(request, _("The check of the material has been recorded."))
    return redirect(reverse("cases:review", kwargs={"number": number}) + f"#material-{key}")


@login_required
@require_safe
def decision_document(request: HttpRequest, number: str) -> HttpResponse:
    """The decision document, for the applicant and the staff who play a part in the case."""
    case = selectors.review_case(request.user, number)
    if case is None or not policies.case_parties(request.user, case) or not case.decision_number:
        raise Http404
    audit_record_read(request=request, target=case, purpose="decision")
    response = HttpResponse(decision_pdf(case=case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{case.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("<str:number>/review/", review, name="review"),
    path("<str:number>/review/act/", act, name="review-act"),
    path("<str:number>/review/materials/<str:key>/verify/", verify, name="material-verify"),
    path("<str:number>/decision.pdf", decision_document, name="decision"),
]
