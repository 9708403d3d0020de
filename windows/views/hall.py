"""The citizen's side of the hall: take a ticket online, book and cancel appointments."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import ApplicationError
from core.forms import add_service_errors
from windows import selectors, services
from windows.constants import TicketChannel
from windows.forms import BookForm, CategoryForm, TakeTicketForm
from windows.models import Hall

RECENT_TICKETS = 10


def _mine(
    request: HttpRequest, *, form: TakeTicketForm | None = None, status: int = 200
) -> HttpResponse:
    tickets = list(selectors.tickets_of(request.user)[:RECENT_TICKETS])
    for ticket in tickets:
        ticket.ahead = selectors.people_ahead(ticket)
    return render(
        request,
        "windows/mine.html",
        {
            "form": form or TakeTicketForm(),
            "halls": selectors.halls(),
            "tickets": tickets,
            "upcoming": selectors.upcoming_appointments_of(request.user),
        },
        status=status,
    )


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    return _mine(request)


def ahead_message(ahead: int) -> str:
    if not ahead:
        return _("You are next.")
    return ngettext(
        "%(count)s person is before you.", "%(count)s people are before you.", ahead
    ) % {"count": ahead}


@login_required
@require_POST
def take_ticket(request: HttpRequest) -> HttpResponse:
    form = TakeTicketForm(request.POST)
    if not form.is_valid():
        return _mine(request, form=form, status=400)
    try:
        ticket = services.ticket_issue(
            hall=form.cleaned_data["hall"],
            category=form.cleaned_data["category"],
            channel=TicketChannel.ONLINE,
            person=request.user,
        )
    except ApplicationError as error:
        add_service_errors(form, error)
        return _mine(request, form=form, status=error.status)
    messages.success(
        request,
        _("Your ticket is %(code)s at %(hall)s.") % {"code": ticket.code, "hall": ticket.hall}
        + " "
        + ahead_message(selectors.people_ahead(ticket)),
    )
    return redirect("windows:mine")


def _book_page(
    request: HttpRequest, hall: Hall, category_form: CategoryForm, form: Any, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "windows/book.html",
        {"hall": hall, "category_form": category_form, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def book(request: HttpRequest, hall_id: int) -> HttpResponse:
    """Choose a category (query string), then a service and a free time."""
    hall = get_object_or_404(selectors.halls(), pk=hall_id)
    category_form = CategoryForm(request.GET or None, hall=hall)
    if not category_form.is_valid():
        return _book_page(request, hall, category_form, None, status=400 if request.GET else 200)
    category = category_form.cleaned_data["category"]
    if request.method != "POST":
        return _book_page(request, hall, category_form, BookForm(hall=hall, category=category))
    form = BookForm(request.POST, hall=hall, category=category)
    if not form.is_valid():
        return _book_page(request, hall, category_form, form, status=400)
    try:
        appointment = services.appointment_book(
            person=request.user,
            slot=form.cleaned_data["slot"],
            implementation=form.cleaned_data["implementation"],
        )
    except ApplicationError as error:
        add_service_errors(form, error)
        return _book_page(request, hall, category_form, form, status=error.status)
    messages.success(
        request,
        _("Your appointment is booked. Your appointment code is %(code)s: show it at the kiosk.")
        % {"code": appointment.code},
    )
    return redirect("windows:mine")


@login_required
@require_POST
def cancel_appointment(request: HttpRequest, code: str) -> HttpResponse:
    appointment = selectors.appointments_of(request.user).filter(code=code).first()
    if appointment is None:
        raise Http404
    try:
        services.appointment_cancel(appointment=appointment, person=request.user)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your appointment %(code)s is cancelled.") % {"code": code})
    return redirect("windows:mine")
