"""Reads of the hall: halls and windows, the clerk at a window, queues, the display board,
appointment slots."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from identity.constants import Sector
from matters import selectors as matters_selectors
from matters.constants import CrossRegionScope, VersionStatus, WindowCategory
from matters.models import Implementation, ImplementationVersion
from windows import policies
from windows.constants import AppointmentState, Queue, SpecialWindow, TicketState
from windows.models import Appointment, AppointmentSlot, Hall, Ticket, Window, WindowSession

# When the catalogue gives an implementation no window category, its department's line of
# government decides; anything not listed goes to livelihood services.
SECTOR_CATEGORIES: dict[str, str] = {
    Sector.MARKET_REGULATION: WindowCategory.COMMERCIAL,
    Sector.DEVELOPMENT_REFORM: WindowCategory.INVESTMENT,
    Sector.HOUSING_CONSTRUCTION: WindowCategory.INVESTMENT,
    Sector.NATURAL_RESOURCES: WindowCategory.INVESTMENT,
    Sector.ECOLOGY_ENVIRONMENT: WindowCategory.INVESTMENT,
}

CURRENT_STATES = (TicketState.CALLED, TicketState.SERVING)

# --- Halls and windows ---------------------------------------------------------------------


def halls() -> QuerySet[Hall]:
    return Hall.objects.filter(is_active=True).select_related("region")


def hall_windows(hall: Hall) -> QuerySet[Window]:
    return Window.objects.filter(hall=hall, is_active=True)


def hall_queues(hall: Hall) -> list[str]:
    """The queues people can take a ticket for in this hall: those some window calls from,
    in the order of the Queue choices."""
    served = {queue for window in hall_windows(hall) for queue in window.queues}
    return [code for code in Queue.values if code in served]


def halls_of_clerk(user: Any) -> QuerySet[Hall]:
    """The halls run by the service centres the user is a window clerk of."""
    return Hall.objects.filter(
        operator_id__in=policies.clerk_organisations(user), is_active=True
    ).select_related("region", "operator")


def windows_of_clerk(user: Any) -> QuerySet[Window]:
    """The windows the clerk may sign in to."""
    return Window.objects.filter(
        hall__operator_id__in=policies.clerk_organisations(user), hall__is_active=True
    ).select_related("hall")


def clerk_session(user: Any) -> WindowSession | None:
    """The clerk's open session, with its window and hall."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        WindowSession.objects.filter(clerk=user, ended_at__isnull=True)
        .select_related("window__hall__region", "window__hall__operator")
        .first()
    )


def window_session(window: Window) -> WindowSession | None:
    return (
        WindowSession.objects.filter(window=window, ended_at__isnull=True)
        .select_related("clerk")
        .first()
    )


def current_ticket(window: Window) -> Ticket | None:
    """The ticket called to or served at the window (at most one)."""
    return (
        Ticket.objects.filter(window=window, state__in=CURRENT_STATES)
        .select_related("person", "hall")
        .first()
    )


# --- Which services a window takes in ------------------------------------------------------


def category_of(implementation: Implementation) -> str:
    """The 一窗 category of an implementation: its published guide's window category, else
    the one its department's line of government falls under."""
    category = (
        ImplementationVersion.objects.filter(
            implementation=implementation, status=VersionStatus.PUBLISHED
        )
        .values_list("window_category", flat=True)
        .first()
    )
    if category:
        return category
    return SECTOR_CATEGORIES.get(implementation.department.sector, WindowCategory.LIVELIHOOD)


def _window_filter(window: Window) -> Q | None:
    """Published versions a window takes in, as a filter (None: none at all)."""
    if window.special_kind == SpecialWindow.ASSISTED:
        return Q()  # 帮办代办 helps with every service of the hall
    condition = Q(window_category__in=window.categories) if window.categories else None
    if window.special_kind == SpecialWindow.CROSS_PROVINCE:
        cross = Q(cross_region_scope=CrossRegionScope.NATIONWIDE)
        condition = cross if condition is None else condition | cross
    return condition


def versions_for_window(window: Window) -> QuerySet[ImplementationVersion]:
    """The published service guides of the hall's region that the window takes in."""
    condition = _window_filter(window)
    if condition is None:
        return ImplementationVersion.objects.none()
    return (
        matters_selectors.published_versions()
        .filter(condition, implementation__region_id=window.hall.region_id)
        .order_by("name")
    )


def implementations_for_window(window: Window) -> QuerySet[Implementation]:
    return Implementation.objects.filter(
        pk__in=versions_for_window(window).values("implementation_id")
    ).select_related("matter", "department")


def implementations_of_hall(hall: Hall, *, category: str = "") -> QuerySet[ImplementationVersion]:
    """Published guides of the hall's region, optionally of one category, that can be
    booked."""
    versions = matters_selectors.published_versions().filter(
        implementation__region_id=hall.region_id, supports_appointment=True
    )
    if category:
        versions = versions.filter(window_category=category)
    return versions.order_by("name")


# --- Queues ------------------------------------------------------------------------------


def waiting_tickets(hall: Hall, *, day: date | None = None) -> QuerySet[Ticket]:
    day = day or timezone.localdate()
    return Ticket.objects.filter(hall=hall, day=day, state=TicketState.WAITING)


def people_ahead(ticket: Ticket) -> int:
    """How many waiting tickets of the same queue will be called before this one."""
    if ticket.state != TicketState.WAITING:
        return 0
    ahead = (
        Q(priority=True, issued_at__lt=ticket.issued_at)
        if ticket.priority
        else (Q(priority=True) | Q(issued_at__lt=ticket.issued_at))
    )
    return (
        waiting_tickets(ticket.hall, day=ticket.day)
        .filter(ahead, category=ticket.category)
        .exclude(pk=ticket.pk)
        .count()
    )


def queue_lengths(hall: Hall) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(hall_queues(hall), 0)
    for category in waiting_tickets(hall).values_list("category", flat=True):
        counts[category] = counts.get(category, 0) + 1
    return counts


def window_waiting(window: Window) -> QuerySet[Ticket]:
    """The tickets this window would call, in the order it calls them: those sent to it,
    then check-ins (priority), then the oldest."""
    return (
        waiting_tickets(window.hall)
        .filter(Q(window=window) | Q(window__isnull=True, category__in=window.queues))
        .order_by(F("window_id").asc(nulls_last=True), "-priority", "issued_at", "pk")
    )


def tickets_of(person: Any) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(person=person).select_related("hall", "window").order_by("-issued_at")
    )


def ticket_of(person: Any, pk: int) -> Ticket | None:
    return tickets_of(person).filter(pk=pk).first()


def hall_ticket(hall: Hall, pk: int) -> Ticket | None:
    return Ticket.objects.filter(hall=hall, pk=pk).select_related("window", "person").first()


@dataclass(frozen=True)
class Board:
    """What the hall's screen shows: the tickets called last, each with its window."""

    hall: Hall
    called: list[Ticket]
    waiting: dict[str, int]
    updated_at: datetime

    @property
    def queues(self) -> list[tuple[str, str, int]]:
        """(code, label, waiting) of each queue of the hall."""
        return [(code, str(Queue(code).label), count) for code, count in self.waiting.items()]


def display_board(hall: Hall, *, size: int = 8) -> Board:
    called = list(
        Ticket.objects.filter(hall=hall, day=timezone.localdate(), last_called_at__isnull=False)
        .filter(state__in=CURRENT_STATES)
        .select_related("window")
        .order_by("-last_called_at")[:size]
    )
    return Board(hall=hall, called=called, waiting=queue_lengths(hall), updated_at=timezone.now())


# --- Appointments ------------------------------------------------------------------------


def free_slots(
    hall: Hall, *, category: str = "", after: datetime | None = None
) -> QuerySet[AppointmentSlot]:
    """Slots still to start with room left, soonest first."""
    slots = AppointmentSlot.objects.filter(
        hall=hall, starts_at__gt=after or timezone.now(), booked__lt=F("capacity")
    )
    if category:
        slots = slots.filter(category=category)
    return slots.order_by("starts_at", "category")


def appointments_of(person: Any) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(person=person)
        .select_related("slot__hall", "implementation__matter", "ticket")
        .order_by("-slot__starts_at")
    )


def upcoming_appointments_of(person: Any) -> QuerySet[Appointment]:
    return (
        appointments_of(person)
        .filter(state=AppointmentState.BOOKED, slot__ends_at__gt=timezone.now())
        .order_by("slot__starts_at")
    )
