"""有诉即办 pages: citizens file and follow their complaints, confirm or reopen; hotline
operators and window clerks record complaints for callers; departments answer and forward;
supervisors assign."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import ApplicationError, ValidationFailed
from identity import selectors as identity_selectors
from identity.services import audit_record_read
from supervision import policies, selectors, services
from supervision.constants import ComplaintChannel
from supervision.forms import (
    ComplaintAnswerForm,
    ComplaintAssignForm,
    ComplaintForm,
    ComplaintForwardForm,
    ComplaintInboxFilter,
    ComplaintReopenForm,
    RecordedComplaintForm,
)
from supervision.models import Complaint
from supervision.views.common import page_of, refuse_or_show


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    page_obj, page_range = page_of(request, selectors.complaints_of(request.user))
    return render(
        request,
        "supervision/complaint_list.html",
        {
            "page_obj": page_obj,
            "page_range": page_range,
            "records": policies.may_record_complaints(request.user),
            "department_staff": policies.is_department_staff(request.user),
        },
    )


def _file(form: ComplaintForm, actor: Any, **extra: Any) -> Complaint:
    data = form.cleaned_data
    return services.complaint_file(
        actor=actor,
        subject=data["subject"],
        text=data["text"],
        case_number=data["case_number"],
        implementation_code=data["implementation_code"],
        department=data["department"],
        data_reference=data["data_reference"],
        **extra,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """File a complaint online; links from a case or the data use log fill in the subject."""
    if request.method == "POST":
        form = ComplaintForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                complaint = _file(form, request.user)
            except ApplicationError as error:
                status = refuse_or_show(error, form)
            else:
                messages.success(
                    request,
                    _("Your complaint %(number)s has been received.")
                    % {"number": complaint.number},
                )
                return redirect("supervision:complaint", number=complaint.number)
        return render(request, "supervision/complaint_new.html", {"form": form}, status=status)
    initial = {}
    if request.GET.get("case"):
        initial = {"subject": "case", "case_number": request.GET["case"][:32]}
    elif request.GET.get("entry"):
        initial = {"subject": "data_access", "data_reference": request.GET["entry"][:64]}
    return render(
        request, "supervision/complaint_new.html", {"form": ComplaintForm(initial=initial)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest) -> HttpResponse:
    """A hotline operator or window clerk records a caller's complaint."""
    if not policies.may_record_complaints(request.user):
        raise PermissionDenied
    form = RecordedComplaintForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                complaint = _file(form, request.user, **_caller(form))
            except ApplicationError as error:
                status = refuse_or_show(error, form)
            else:
                messages.success(
                    request,
                    _("Complaint %(number)s has been recorded.") % {"number": complaint.number},
                )
                return redirect("supervision:complaint", number=complaint.number)
    return render(request, "supervision/complaint_record.html", {"form": form}, status=status)


def _caller(form: forms.Form) -> dict[str, Any]:
    data = form.cleaned_data
    complainant = None
    if data["complainant_id_number"]:
        complainant = identity_selectors.user_by_id_number(data["complainant_id_number"])
        if complainant is None:
            raise ValidationFailed(
                _("Nobody is registered with this ID number."), field="complainant_id_number"
            )
    return {
        "channel": data["channel"],
        "complainant": complainant,
        "complainant_name": data["complainant_name"],
        "complainant_phone": data["complainant_phone"],
    }


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    """The complaints departments answer (supervisors: all, unassigned first)."""
    if not policies.is_department_staff(request.user):
        raise PermissionDenied
    form = ComplaintInboxFilter(request.GET)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    page_obj, page_range = page_of(request, selectors.complaint_inbox(request.user, state=state))
    return render(
        request,
        "supervision/complaint_inbox.html",
        {"form": form, "page_obj": page_obj, "page_range": page_range},
        status=200 if form.is_valid() else 400,
    )


FORMS: dict[str, type[forms.Form]] = {
    "answer": ComplaintAnswerForm,
    "forward": ComplaintForwardForm,
    "assign": ComplaintAssignForm,
    "reopen": ComplaintReopenForm,
}


def _complaint_page(
    request: HttpRequest,
    number: str,
    *,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    complaint = selectors.complaint_detail(request.user, number)
    if complaint is None:
        raise Http404
    actions = policies.complaint_actions(request.user, complaint)
    contact = policies.sees_complainant_contact(request.user, complaint)
    if contact:
        audit_record_read(
            request=request,
            target=complaint,
            subject=complaint.complainant,
            purpose="complaint_callback",
        )
    action_forms = {name: form_class() for name, form_class in FORMS.items() if name in actions}
    if bound is not None:
        action_forms[bound[0]] = bound[1]
    return render(
        request,
        "supervision/complaint_detail.html",
        {
            "complaint": complaint,
            "forms": action_forms,
            "can_confirm": "confirm" in actions,
            "is_hotline": complaint.channel != ComplaintChannel.ONLINE,
            "contact_phone": complaint.complainant_phone if contact else None,
        },
        status=status,
    )


@login_required
@require_safe
def detail(request: HttpRequest, number: str) -> HttpResponse:
    return _complaint_page(request, number)


def _act(
    action: str, run: Callable[[Complaint, Any, dict[str, Any]], Complaint], done: Any
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A POST view taking one action on a complaint through its service."""

    @login_required
    @require_POST
    def view(request: HttpRequest, number: str) -> HttpResponse:
        complaint = selectors.complaint_detail(request.user, number)
        if complaint is None:
            raise Http404
        # Who may act, and whether it is possible now, is settled before the input is read.
        refusal = policies.complaint_refusal(request.user, complaint, action)
        if refusal == "forbidden":
            raise PermissionDenied
        if refusal == "impossible":
            messages.error(
                request,
                _("This complaint is “%(state)s”: this is not possible now.")
                % {"state": complaint.get_state_display()},
            )
            return _complaint_page(request, number, status=409)
        form = FORMS[action](request.POST) if action in FORMS else forms.Form(request.POST)
        if not form.is_valid():
            return _complaint_page(request, number, bound=(action, form), status=400)
        try:
            run(complaint, request.user, form.cleaned_data)
        except ApplicationError as error:
            status = refuse_or_show(error, form)
            return _complaint_page(request, number, bound=(action, form), status=status)
        messages.success(request, done)
        return redirect("supervision:complaint", number=number)

    view.__name__ = f"complaint_{action}"
    return view


answer = _act(
    "answer",
    lambda c, user, data: services.complaint_answer(complaint=c, actor=user, answer=data["answer"]),
    gettext_lazy("The answer has been sent to the complainant."),
)
forward = _act(
    "forward",
    lambda c, user, data: services.complaint_forward(
        complaint=c, actor=user, department=data["department"], comment=data["comment"]
    ),
    gettext_lazy("The complaint has been forwarded."),
)
assign = _act(
    "assign",
    lambda c, user, data: services.complaint_assign(
        complaint=c, actor=user, department=data["department"]
    ),
    gettext_lazy("The complaint has been assigned."),
)
confirm = _act(
    "confirm",
    lambda c, user, data: services.complaint_confirm(complaint=c, actor=user),
    gettext_lazy("The complaint is closed. Thank you."),
)
reopen = _act(
    "reopen",
    lambda c, user, data: services.complaint_reopen(complaint=c, actor=user, reason=data["reason"]),
    gettext_lazy("The complaint has been reopened; the department will answer again."),
)


urlpatterns = [
    path("complaints/", mine, name="complaints"),
    # Before "complaints/<number>/", which would take these words for numbers.
    path("complaints/new/", new, name="complaint-new"),
    path("complaints/record/", record, name="complaint-record"),
    path("complaints/inbox/", inbox, name="complaint-inbox"),
    path("complaints/<str:number>/", detail, name="complaint"),
    path("complaints/<str:number>/answer/", answer, name="complaint-answer"),
    path("complaints/<str:number>/forward/", forward, name="complaint-forward"),
    path("complaints/<str:number>/assign/", assign, name="complaint-assign"),
    path("complaints/<str:number>/confirm/", confirm, name="complaint-confirm"),
    path("complaints/<str:number>/reopen/", reopen, name="complaint-reopen"),
]
