"""The clerk at a window: sign in and out, call the next ticket, recall, skip, start,
finish, transfer; issue a ticket, check in an appointment.

Only window clerks reach these pages (403 for anyone else); a ticket of another hall is not
found (404). The ticket controls are `windows/_ticket_controls.html`, drawn by the
`{% ticket_controls %}` tag so the workbench can show them too; each form posts `next` to
come back to the page it was on."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core.errors import ApplicationError
from core.forms import add_service_errors
from windows import policies, selectors, services
from windows.constants import TicketChannel
from windows.forms import CheckInForm, IssueForm, TransferForm, WindowSignInForm
from windows.models import Ticket, Window

View = Callable[..., HttpResponse]
WAITING_SHOWN = 10


def clerk_only(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.is_clerk(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the form was on (the window page or the workbench)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("windows:window")


def _window(request: HttpRequest) -> Window | None:
    session = selectors.clerk_session(request.user)
    return session.window if session is not None else None


def _window_page(
    request: HttpRequest,
    *,
    sign_in_form: WindowSignInForm | None = None,
    check_in_form: CheckInForm | None = None,
    status: int = 200,
) -> HttpResponse:
    window = _window(request)
    context: dict[str, Any] = {
        "window": window,
        "sign_in_form": sign_in_form
        or WindowSignInForm(clerk=request.user, initial={"window": window}),
    }
    if window is not None:
        context |= {
            "waiting": list(selectors.window_waiting(window)[:WAITING_SHOWN]),
            "waiting_count": selectors.window_waiting(window).count(),
            "issue_form": IssueForm(hall=window.hall),
            "check_in_form": check_in_form or CheckInForm(),
        }
    return render(request, "windows/window.html", context, status=status)


@clerk_only
@require_safe
def window_page(request: HttpRequest) -> HttpResponse:
    return _window_page(request)


@clerk_only
@require_POST
def sign_in(request: HttpRequest) -> HttpResponse:
    form = WindowSignInForm(request.POST, clerk=request.user)
    if not form.is_valid():
        return _window_page(request, sign_in_form=form, status=400)
    try:
        session = services.window_sign_in(clerk=request.user, window=form.cleaned_data["window"])
    except ApplicationError as error:
        add_service_errors(form, error)
        return _window_page(request, sign_in_form=form, status=error.status)
    messages.success(request, _("You are signed in to %(window)s.") % {"window": session.window})
    return _back(request)


@clerk_only
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    try:
        services.window_sign_out(clerk=request.user)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You are signed out of your window."))
    return _back(request)


def _signed_in_window(request: HttpRequest) -> Window | None:
    window = _window(request)
    if window is None:
        messages.error(request, _("Sign in to a window first."))
    return window


@clerk_only
@require_POST
def call_next(request: HttpRequest) -> HttpResponse:
    window = _signed_in_window(request)
    if window is None:
        return _back(request)
    try:
        ticket = services.ticket_call_next(window=window, clerk=request.user)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return _back(request)
    if ticket is None:
        messages.info(request, _("Nobody is waiting for your window."))
    else:
        messages.success(request, _("Ticket %(code)s is called.") % {"code": ticket.code})
    return _back(request)


def _hall_ticket(request: HttpRequest, pk: int) -> Ticket:
    """A ticket of a hall the clerk serves; any other is not found."""
    ticket = (
        Ticket.objects.filter(pk=pk, hall__in=selectors.halls_of_clerk(request.user))
        .select_related("hall", "window")
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


ACTIONS: dict[str, tuple[Callable[..., Ticket], Promise]] = {
    "recall": (services.ticket_recall, gettext_lazy("Ticket %(code)s is called again.")),
    "skip": (
        services.ticket_skip,
        gettext_lazy("Ticket %(code)s is closed: the person did not come."),
    ),
    "start": (services.ticket_start, gettext_lazy("Serving ticket %(code)s.")),
    "finish": (services.ticket_finish, gettext_lazy("Ticket %(code)s is done.")),
}


@clerk_only
@require_POST
def ticket_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    ticket = _hall_ticket(request, pk)
    perform, done = ACTIONS[action]
    try:
        perform(ticket=ticket, clerk=request.user)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, str(done) % {"code": ticket.code})
    return _back(request)


@clerk_only
@require_POST
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _hall_ticket(request, pk)
    window = _signed_in_window(request)
    if window is None:
        return _back(request)
    form = TransferForm(request.POST, window=window)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return _back(request)
    try:
        held = services.ticket_transfer(
            ticket=ticket,
            clerk=request.user,
            window=form.cleaned_data["window"],
            category=form.cleaned_data["category"],
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return _back(request)
    if held.window_id:
        messages.success(
            request,
            _("Ticket %(code)s is sent to %(window)s.")
            % {"code": held.code, "window": held.window},
        )
    else:
        messages.success(
            request,
            _("Ticket %(old)s is sent on as ticket %(code)s (%(queue)s).")
            % {"old": ticket.code, "code": held.code, "queue": held.get_category_display()},
        )
    return _back(request)


@clerk_only
@require_POST
def issue(request: HttpRequest) -> HttpResponse:
    window = _signed_in_window(request)
    if window is None:
        return _back(request)
    try:
        ticket = services.ticket_issue(
            hall=window.hall,
            category=request.POST.get("category", ""),
            channel=TicketChannel.CLERK,
            clerk=request.user,
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Ticket %(code)s is issued: hand it to the person.") % {"code": ticket.code}
        )
    return _back(request)


@clerk_only
@require_POST
def check_in(request: HttpRequest) -> HttpResponse:
    window = _signed_in_window(request)
    if window is None:
        return _back(request)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return _window_page(request, check_in_form=form, status=400)
    try:
        ticket = services.appointment_check_in(
            hall=window.hall, code=form.cleaned_data["code"], actor=request.user
        )
    except ApplicationError as error:
        add_service_errors(form, error)
        return _window_page(request, check_in_form=form, status=error.status)
    messages.success(
        request,
        _("Checked in: priority ticket %(code)s (%(queue)s).")
        % {"code": ticket.code, "queue": ticket.get_category_display()},
    )
    return _back(request)
