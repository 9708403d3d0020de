"""In the hall, without signing in: the ticket kiosk (取号机) and the hall's screen."""

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from rest_framework.throttling import SimpleRateThrottle

from core.errors import ApplicationError
from core.forms import add_service_errors
from windows import selectors, services
from windows.constants import Queue, TicketChannel
from windows.forms import CheckInForm
from windows.models import Hall, Ticket

TICKET_SALT = "windows.kiosk-ticket"
# The ticket page can be opened again (reprint) for this long.
TICKET_PAGE_SECONDS = 3600


class KioskThrottle(SimpleRateThrottle):
    """Tickets taken without signing in, per address (the rate is DEFAULT_THROTTLE_RATES
    ["kiosk"]): a kiosk in the hall never reaches it, a script filling a queue does."""

    scope = "kiosk"

    def get_cache_key(self, request: HttpRequest, view: object) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def kiosk_allowed(request: HttpRequest) -> bool:
    return KioskThrottle().allow_request(request, None)


def _hall(hall_id: int) -> Hall:
    return get_object_or_404(selectors.halls(), pk=hall_id)


def _kiosk_page(
    request: HttpRequest,
    hall: Hall,
    *,
    form: CheckInForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    waiting = selectors.queue_lengths(hall)
    queues = [(code, Queue(code).label, count) for code, count in waiting.items()]
    return render(
        request,
        "windows/kiosk.html",
        {"hall": hall, "queues": queues, "form": form or CheckInForm(), "problem": problem},
        status=status,
    )


def _ticket_page(hall: Hall, ticket: Ticket) -> HttpResponse:
    token = signing.dumps(ticket.pk, salt=TICKET_SALT)
    return redirect("windows:kiosk-ticket", hall_id=hall.pk, token=token)


@require_safe
def kiosk(request: HttpRequest, hall_id: int) -> HttpResponse:
    return _kiosk_page(request, _hall(hall_id))


def _too_many(request: HttpRequest, hall: Hall) -> HttpResponse:
    problem = _("Too many tickets from here. Please wait a minute and try again.")
    return _kiosk_page(request, hall, problem=problem, status=429)


@require_POST
def kiosk_take(request: HttpRequest, hall_id: int) -> HttpResponse:
    hall = _hall(hall_id)
    if not kiosk_allowed(request):
        return _too_many(request, hall)
    try:
        ticket = services.ticket_issue(
            hall=hall, category=request.POST.get("category", ""), channel=TicketChannel.KIOSK
        )
    except ApplicationError as error:
        return _kiosk_page(request, hall, problem=str(error.message), status=error.status)
    return _ticket_page(hall, ticket)


@require_POST
def kiosk_check_in(request: HttpRequest, hall_id: int) -> HttpResponse:
    hall = _hall(hall_id)
    if not kiosk_allowed(request):
        return _too_many(request, hall)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return _kiosk_page(request, hall, form=form, status=400)
    try:
        ticket = services.appointment_check_in(hall=hall, code=form.cleaned_data["code"])
    except ApplicationError as error:
        add_service_errors(form, error)
        return _kiosk_page(request, hall, form=form, status=error.status)
    return _ticket_page(hall, ticket)


@require_safe
def kiosk_ticket(request: HttpRequest, hall_id: int, token: str) -> HttpResponse:
    """The ticket just taken, to print or note down; the signed token keeps other people's
    tickets out of reach."""
    hall = _hall(hall_id)
    try:
        pk = signing.loads(token, salt=TICKET_SALT, max_age=TICKET_PAGE_SECONDS)
    except signing.BadSignature:
        raise Http404 from None
    ticket = selectors.hall_ticket(hall, pk)
    if ticket is None:
        raise Http404
    return render(
        request,
        "windows/kiosk_ticket.html",
        {
            "hall": hall,
            "ticket": ticket,
            "ahead": selectors.people_ahead(ticket),
            "back_url": reverse("windows:kiosk", args=[hall.pk]),
        },
    )


@require_safe
def display(request: HttpRequest, hall_id: int) -> HttpResponse:
    """The hall's screen: who is called to which window. static/js/hall.js refreshes it
    from the API; without JavaScript the page reloads itself."""
    hall = _hall(hall_id)
    return render(
        request,
        "windows/display.html",
        {
            "hall": hall,
            "board": selectors.display_board(hall),
            "board_url": reverse("api-hall-display", args=[hall.pk]),
        },
    )
