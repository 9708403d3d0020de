"""The clerk's workbench (窗口工作台): the current ticket, the person at the window found by
their ID number, their open cases, a new application for them, and the hall's cases waiting
for acceptance. Thin views: windows.counter decides, windows.counter_selectors reads.
"""

import secrets
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.errors import ApplicationError
from core.forms import add_service_errors
from windows import counter, counter_selectors
from windows.forms_counter import IntakeForm, LookupForm
from windows.views import counter_case, counter_pickup, counter_supply
from windows.views.counter_base import clerk_required, clerk_window, serve_person, served_person

AWAITING_SHOWN = 20


def _intake_form(request: HttpRequest, window: Any, **kwargs: Any) -> IntakeForm:
    services = list(
        counter_selectors.services_offered(clerk=request.user, window=window).select_related(
            "implementation__department"
        )
    )
    return IntakeForm(services=services, **kwargs)


def _workbench(
    request: HttpRequest,
    *,
    lookup_form: LookupForm | None = None,
    intake_form: IntakeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    window = clerk_window(request)
    person = served_person(request)
    if intake_form is None:
        intake_form = _intake_form(request, window, initial={"token": secrets.token_urlsafe(24)})
    context = {
        "window": window,
        "lookup_form": lookup_form or LookupForm(),
        "person": person,
        "person_cases": (
            counter_selectors.person_open_cases(clerk=request.user, person=person)
            if person is not None
            else []
        ),
        "intake_form": intake_form,
        "awaiting": list(
            counter_selectors.awaiting_acceptance(request.user).select_related(
                "version", "applicant"
            )[:AWAITING_SHOWN]
        ),
    }
    return render(request, "windows/counter/workbench.html", context, status=status)


@clerk_required
@require_safe
def workbench(request: HttpRequest) -> HttpResponse:
    return _workbench(request)


@clerk_required
@require_POST
def person_lookup(request: HttpRequest) -> HttpResponse:
    """Find (or register) the person at the window by their ID number."""
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _workbench(request, lookup_form=form, status=400)
    try:
        found = counter.counter_person(
            clerk=request.user,
            id_number=form.cleaned_data["id_number"],
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
        )
    except ApplicationError as error:
        add_service_errors(form, error)
        return _workbench(request, lookup_form=form, status=error.status)
    serve_person(request, found.person)
    if found.registered:
        messages.success(
            request,
            _(
                "%(name)s has been registered. They can set a password later with "
                "“Forgot your password”."
            )
            % {"name": found.person.name},
        )
    return redirect("windows:workbench")


@clerk_required
@require_POST
def person_done(request: HttpRequest) -> HttpResponse:
    """The person leaves the window: nothing of theirs stays on the screen."""
    serve_person(request, None)
    return redirect("windows:workbench")


@clerk_required
@require_POST
def intake(request: HttpRequest) -> HttpResponse:
    """Open an application for the person at the window, then write it with them."""
    person = served_person(request)
    if person is None:
        messages.error(request, _("Look up the person at the window first."))
        return redirect("windows:workbench")
    window = clerk_window(request)
    form = _intake_form(request, window, data=request.POST, files=request.FILES)
    if not form.is_valid():
        return _workbench(request, intake_form=form, status=400)
    evidence = form.cleaned_data["evidence"]
    try:
        case = counter.counter_intake(
            clerk=request.user,
            person=person,
            version=form.version(),
            window=window,
            basis=form.cleaned_data["basis"],
            evidence=evidence,
            evidence_name=evidence.name if evidence else "",
            idempotency_key=form.cleaned_data["token"],
        )
    except ApplicationError as error:
        if error.status == 404:
            raise Http404 from error
        add_service_errors(form, error)
        return _workbench(request, intake_form=form, status=error.status)
    return redirect("windows:counter-edit", number=case.number)


urlpatterns = [
    path("workbench/", workbench, name="workbench"),
    path("workbench/person/", person_lookup, name="counter-person"),
    path("workbench/person/done/", person_done, name="counter-person-done"),
    path("workbench/intake/", intake, name="counter-intake"),
    *counter_case.urlpatterns,
    *counter_pickup.urlpatterns,
    *counter_supply.urlpatterns,
]
