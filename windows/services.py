"""Writes of the hall: clerks at windows, queue tickets, appointments (SPEC.md §9).

Ticket numbers come from one counter row per hall, queue and day, locked while a ticket is
numbered, so they have no gap and no duplicate however many people take one at once. A
window calls the oldest waiting ticket it may call with `SKIP LOCKED`, so two windows never
call the same ticket and neither waits for the other."""

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from identity.services import audit_record
from matters.models import Implementation
from windows import policies, selectors
from windows.constants import AppointmentState, TicketChannel, TicketState, WindowAction
from windows.models import (
    Appointment,
    AppointmentSlot,
    Hall,
    Ticket,
    TicketCounter,
    Window,
    WindowSession,
)

LIVE_STATES = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)

# A person may check in this long before their slot starts (and until it ends).
CHECK_IN_EARLY = timedelta(hours=1)

# --- Clerks at windows ---------------------------------------------------------------------


def window_sign_in(*, clerk: Any, window: Window) -> WindowSession:
    """Sign the clerk in to a window. A clerk is at one window at a time: signing in
    elsewhere ends the session at the old window, unless a ticket is still being served
    there. A window taken by another clerk is refused."""
    policies.require_serves_hall(clerk, window.hall)
    if not window.is_active or not window.hall.is_active:
        raise Conflict(_("This window is not in service."))
    try:
        with transaction.atomic():
            current = (
                WindowSession.objects.select_for_update()
                .filter(clerk=clerk, ended_at__isnull=True)
                .first()
            )
            if current is not None and current.window_id == window.pk:
                return current
            taken = selectors.window_session(window)
            if taken is not None:
                raise Conflict(
                    _("Another clerk is signed in to window %(number)s.")
                    % {"number": window.number}
                )
            if current is not None:
                _end_session(current, clerk=clerk)
            session = WindowSession.objects.create(clerk=clerk, window=window)
            audit_record(
                action=WindowAction.SIGN_IN,
                actor=clerk,
                target=session,
                detail={"hall": window.hall_id, "window": window.number},
            )
    except IntegrityError:
        # Someone else signed in to the window (or the clerk elsewhere) at the same moment.
        raise Conflict(
            _("Another clerk is signed in to window %(number)s.") % {"number": window.number}
        ) from None
    return session


def _end_session(session: WindowSession, *, clerk: Any) -> None:
    if selectors.current_ticket(session.window) is not None:
        raise Conflict(
            _("Finish, skip or transfer the ticket at window %(number)s first.")
            % {"number": session.window.number}
        )
    session.ended_at = timezone.now()
    session.save(update_fields=["ended_at"])
    audit_record(
        action=WindowAction.SIGN_OUT,
        actor=clerk,
        target=session,
        detail={"hall": session.window.hall_id, "window": session.window.number},
    )


def window_sign_out(*, clerk: Any) -> WindowSession | None:
    """End the clerk's session (nothing to do when they are not signed in)."""
    with transaction.atomic():
        session = (
            WindowSession.objects.select_for_update(of=("self",))
            .select_related("window")
            .filter(clerk=clerk, ended_at__isnull=True)
            .first()
        )
        if session is not None:
            _end_session(session, clerk=clerk)
    return session


# --- Tickets -------------------------------------------------------------------------------


def _increment(hall: Hall, category: str, day: Any) -> int | None:
    """Add one to the queue's counter and return it; the UPDATE holds the row's lock until
    the caller's transaction ends, so the next ticket waits for this one to commit."""
    table = TicketCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608  # nosec B608
            "WHERE hall_id = %s AND category = %s AND day = %s RETURNING last_number",
            [hall.pk, category, day],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _next_number(hall: Hall, category: str, day: Any) -> int:
    """The next number of the queue today (the caller holds the transaction). One UPDATE …
    RETURNING when the day's counter exists; the first ticket of the day creates it (a
    concurrent creator's row is simply kept)."""
    number = _increment(hall, category, day)
    if number is None:
        TicketCounter.objects.bulk_create(
            [TicketCounter(hall=hall, category=category, day=day)], ignore_conflicts=True
        )
        number = _increment(hall, category, day)
    assert number is not None  # noqa: S101 - the counter row exists now
    return number


def ticket_issue(
    *,
    hall: Hall,
    category: str,
    channel: str,
    person: Any = None,
    clerk: Any = None,
    priority: bool = False,
    transferred_from: Ticket | None = None,
) -> Ticket:
    """Take a ticket for a queue of the hall today. Online a person holds one live ticket
    per queue; at the kiosk tickets are anonymous; a clerk issues them for the hall they
    serve."""
    if not hall.is_active:
        raise Conflict(_("This hall is closed."))
    if category not in selectors.hall_queues(hall):
        raise ValidationFailed(_("Choose one of the hall's queues."), field="category")
    if channel == TicketChannel.CLERK:
        policies.require_serves_hall(clerk, hall)
    if channel == TicketChannel.ONLINE and not getattr(person, "is_authenticated", False):
        raise NotAllowed(_("Please sign in to take a ticket online."))
    day = timezone.localdate()
    with transaction.atomic():
        number = _next_number(hall, category, day)
        # Checked under the counter's lock, so a double click cannot take two tickets; the
        # refusal rolls the number back.
        if channel == TicketChannel.ONLINE:
            held = (
                selectors.tickets_of(person)
                .filter(hall=hall, category=category, day=day, state__in=LIVE_STATES)
                .first()
            )
            if held is not None:
                raise Conflict(
                    _("You already hold ticket %(code)s for this queue today.")
                    % {"code": held.code},
                    field="category",
                )
        ticket = Ticket.objects.create(
            hall=hall,
            category=category,
            day=day,
            number=number,
            code=Ticket.build_code(category, number),
            person=person,
            channel=channel,
            priority=priority,
            transferred_from=transferred_from,
        )
        if clerk is not None:
            audit_record(
                action=WindowAction.ISSUE,
                actor=clerk,
                target=ticket,
                subject=person,
                detail={"code": ticket.code, "hall": hall.pk},
            )
    return ticket


def _locked_session(clerk: Any, window: Window) -> WindowSession:
    """The clerk's open session at this window, locked: calls at one window run one at a
    time. 403 for a non-clerk, 404 for another hall's clerk, 409 when not signed in here."""
    policies.require_serves_hall(clerk, window.hall)
    session = (
        WindowSession.objects.select_for_update()
        .filter(clerk=clerk, window=window, ended_at__isnull=True)
        .first()
    )
    if session is None:
        raise Conflict(
            _("Sign in to window %(number)s first.") % {"number": window.number},
            field="window",
        )
    return session


def ticket_call_next(*, window: Window, clerk: Any) -> Ticket | None:
    """Call the next ticket to the window: one sent to this window first, then appointment
    check-ins, then the oldest of the window's queues. None when nobody waits."""
    with transaction.atomic():
        _locked_session(clerk, window)
        if selectors.current_ticket(window) is not None:
            raise Conflict(_("Finish, skip or transfer the current ticket first."))
        ticket = selectors.window_waiting(window).select_for_update(skip_locked=True).first()
        if ticket is None:
            return None
        now = timezone.now()
        ticket.state = TicketState.CALLED
        ticket.window = window
        ticket.clerk = clerk
        ticket.called_at = ticket.called_at or now
        ticket.last_called_at = now
        ticket.save(update_fields=["state", "window", "clerk", "called_at", "last_called_at"])
        _audit(WindowAction.CALL, clerk, ticket)
    return ticket


def _audit(action: str, clerk: Any, ticket: Ticket, **detail: Any) -> None:
    audit_record(
        action=action,
        actor=clerk,
        target=ticket,
        subject=ticket.person,
        detail={"code": ticket.code, "window": ticket.window.number if ticket.window else ""}
        | detail,
    )


def _ticket_at_window(ticket: Ticket, clerk: Any, *states: str) -> Ticket:
    """The ticket locked, checked to be at the clerk's window in one of `states`."""
    policies.require_serves_hall(clerk, ticket.hall)
    session = selectors.clerk_session(clerk)
    locked = (
        Ticket.objects.select_for_update(of=("self",)).select_related("person").get(pk=ticket.pk)
    )
    if session is None or locked.window_id != session.window_id:
        raise Conflict(_("This ticket is not at your window."))
    if locked.state not in states:
        raise Conflict(
            _("Ticket %(code)s is %(state)s.")
            % {"code": locked.code, "state": locked.get_state_display().lower()}
        )
    locked.window = session.window
    return locked


def ticket_recall(*, ticket: Ticket, clerk: Any) -> Ticket:
    """Call the ticket again (the person has not come to the window yet)."""
    with transaction.atomic():
        ticket = _ticket_at_window(ticket, clerk, TicketState.CALLED)
        ticket.recalled = F("recalled") + 1
        ticket.last_called_at = timezone.now()
        ticket.save(update_fields=["recalled", "last_called_at"])
        ticket.refresh_from_db(fields=["recalled"])
        _audit(WindowAction.RECALL, clerk, ticket, times=ticket.recalled)
    return ticket


def ticket_skip(*, ticket: Ticket, clerk: Any) -> Ticket:
    """The person did not come (过号): the ticket is closed as a no-show."""
    with transaction.atomic():
        ticket = _ticket_at_window(ticket, clerk, TicketState.CALLED)
        ticket.state = TicketState.NO_SHOW
        ticket.finished_at = timezone.now()
        ticket.save(update_fields=["state", "finished_at"])
        _audit(WindowAction.SKIP, clerk, ticket)
    return ticket


def ticket_start(*, ticket: Ticket, clerk: Any) -> Ticket:
    """The person is at the window: service starts (the service time runs from here)."""
    with transaction.atomic():
        ticket = _ticket_at_window(ticket, clerk, TicketState.CALLED)
        ticket.state = TicketState.SERVING
        ticket.service_started_at = timezone.now()
        ticket.save(update_fields=["state", "service_started_at"])
        _audit(WindowAction.START, clerk, ticket)
    return ticket


def ticket_finish(*, ticket: Ticket, clerk: Any) -> Ticket:
    with transaction.atomic():
        ticket = _ticket_at_window(ticket, clerk, TicketState.SERVING)
        ticket.state = TicketState.DONE
        ticket.finished_at = timezone.now()
        ticket.save(update_fields=["state", "finished_at"])
        _audit(WindowAction.FINISH, clerk, ticket)
    return ticket


def ticket_transfer(
    *, ticket: Ticket, clerk: Any, window: Window | None = None, category: str = ""
) -> Ticket:
    """Send the person on: to another window of the hall (the ticket keeps its number and
    that window calls it first), or to another queue (a new priority ticket there). Returns
    the ticket the person now holds."""
    if (window is None) == (not category):
        raise ValidationFailed(_("Choose either a window or a queue."), field="window")
    with transaction.atomic():
        current = _ticket_at_window(ticket, clerk, TicketState.CALLED, TicketState.SERVING)
        if window is not None:
            if window.hall_id != current.hall_id or not window.is_active:
                raise ValidationFailed(_("Choose a window of this hall."), field="window")
            if window.pk == current.window_id:
                raise ValidationFailed(_("Choose another window."), field="window")
            origin = current.window.number
            current.state = TicketState.WAITING
            current.window = window
            current.clerk = None
            current.service_started_at = None
            current.save(update_fields=["state", "window", "clerk", "service_started_at"])
            _audit(WindowAction.TRANSFER, clerk, current, origin=origin, to_window=window.number)
            return current
        if category == current.category:
            raise ValidationFailed(_("Choose another queue."), field="category")
        current.state = TicketState.TRANSFERRED
        current.finished_at = timezone.now()
        current.save(update_fields=["state", "finished_at"])
        successor = ticket_issue(
            hall=current.hall,
            category=category,
            channel=TicketChannel.CLERK,
            person=current.person,
            clerk=clerk,
            priority=True,
            transferred_from=current,
        )
        _audit(WindowAction.TRANSFER, clerk, current, to_ticket=successor.code)
    return successor


# --- Appointments --------------------------------------------------------------------------


def appointment_book(
    *, person: Any, slot: AppointmentSlot, implementation: Implementation
) -> Appointment:
    """Book a place in a slot for one of the hall's services of the slot's category. The
    slot row is locked while counting, so a slot is never overbooked."""
    hall = slot.hall
    offered = selectors.implementations_of_hall(hall, category=slot.category)
    if not offered.filter(implementation=implementation).exists():
        raise ValidationFailed(
            _("This service cannot be booked for this time."), field="implementation"
        )
    with transaction.atomic():
        slot = AppointmentSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.starts_at <= timezone.now():
            raise Conflict(_("This time has passed. Please choose a later one."), field="slot")
        if Appointment.objects.filter(
            slot=slot, person=person, state=AppointmentState.BOOKED
        ).exists():
            raise Conflict(_("You have already booked this time."), field="slot")
        if slot.booked >= slot.capacity:
            raise Conflict(_("This time is fully booked. Please choose another."), field="slot")
        AppointmentSlot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
        appointment = Appointment.objects.create(
            slot=slot, person=person, implementation=implementation
        )
    return appointment


def appointment_cancel(*, appointment: Appointment, person: Any) -> Appointment:
    """The person cancels their booking before the slot starts; the place is freed."""
    if appointment.person_id != getattr(person, "pk", None):
        raise NotFound(_("There is no such appointment."))
    with transaction.atomic():
        locked = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("slot")
            .get(pk=appointment.pk)
        )
        if locked.state != AppointmentState.BOOKED:
            raise Conflict(_("This appointment can no longer be cancelled."))
        if locked.slot.starts_at <= timezone.now():
            raise Conflict(_("The appointment has started and can no longer be cancelled."))
        AppointmentSlot.objects.filter(pk=locked.slot_id).update(booked=F("booked") - 1)
        locked.state = AppointmentState.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["state", "cancelled_at", "updated_at"])
    return locked


def appointment_check_in(
    *, hall: Hall, code: str = "", appointment: Appointment | None = None, actor: Any = None
) -> Ticket:
    """The person has arrived (at the kiosk with their code, or a clerk checks them in):
    a priority ticket for the slot's queue. From an hour before the slot until its end."""
    if appointment is None:
        appointment = (
            Appointment.objects.filter(code=code.strip().upper(), slot__hall=hall)
            .select_related("slot")
            .first()
        )
    if appointment is None or appointment.slot.hall_id != hall.pk:
        raise NotFound(_("There is no appointment with this code at this hall."), field="code")
    if actor is not None and actor.pk != appointment.person_id:
        policies.require_serves_hall(actor, hall)
    with transaction.atomic():
        locked = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("slot", "ticket")
            .get(pk=appointment.pk)
        )
        if locked.state == AppointmentState.CHECKED_IN and locked.ticket is not None:
            return locked.ticket  # checked in twice (kiosk pressed again): the same ticket
        if locked.state != AppointmentState.BOOKED:
            raise Conflict(
                _("This appointment is %(state)s.") % {"state": locked.get_state_display().lower()},
                field="code",
            )
        now = timezone.now()
        if now < locked.slot.starts_at - CHECK_IN_EARLY:
            start = timezone.localtime(locked.slot.starts_at)
            raise Conflict(
                _("Check-in opens an hour before your appointment at %(time)s.")
                % {"time": f"{start:%Y-%m-%d %H:%M}"},
                field="code",
            )
        if now >= locked.slot.ends_at:
            raise Conflict(_("The time of this appointment has passed."), field="code")
        ticket = ticket_issue(
            hall=hall,
            category=locked.slot.category,
            channel=TicketChannel.APPOINTMENT,
            person=locked.person,
            priority=True,
        )
        locked.state = AppointmentState.CHECKED_IN
        locked.checked_in_at = now
        locked.ticket = ticket
        locked.save(update_fields=["state", "checked_in_at", "ticket", "updated_at"])
        if actor is not None and actor.pk != locked.person_id:
            audit_record(
                action=WindowAction.CHECK_IN,
                actor=actor,
                target=locked,
                subject=locked.person,
                detail={"code": locked.code, "ticket": ticket.code},
            )
    return ticket


def hall_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Close what the day left open: appointments whose slot ended without a check-in are
    no-shows, and tickets of past days still waiting or called are no-shows too."""
    now = now or timezone.now()
    appointments = Appointment.objects.filter(
        state=AppointmentState.BOOKED, slot__ends_at__lte=now
    ).update(state=AppointmentState.NO_SHOW, updated_at=now)
    tickets = Ticket.objects.filter(
        Q(state=TicketState.WAITING) | Q(state=TicketState.CALLED),
        day__lt=timezone.localdate(now),
    ).update(state=TicketState.NO_SHOW, finished_at=now)
    return {"appointments": appointments, "tickets": tickets}
