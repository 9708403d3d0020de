"""Appointments: booking within capacity, cancelling, checking in for a priority ticket,
no-shows."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from core.errors import Conflict, NotFound, ValidationFailed
from matters.constants import WindowCategory
from tests.factories import UserFactory
from tests.factories.matters import VersionFactory
from windows import selectors, services, tasks
from windows.constants import AppointmentState, Queue, TicketChannel, TicketState
from windows.models import Appointment, AppointmentSlot

pytestmark = pytest.mark.django_db


def book(person, slot, version):
    return services.appointment_book(
        person=person, slot=slot, implementation=version.implementation
    )


def move_slot(slot, *, starts_in: timedelta, length: timedelta = timedelta(minutes=30)):
    slot.starts_at = timezone.now() + starts_in
    slot.ends_at = slot.starts_at + length
    slot.save()


def test_booking_takes_a_place_and_a_full_slot_is_refused(slot, bookable, citizen):
    appointment = book(citizen, slot, bookable)
    assert appointment.state == AppointmentState.BOOKED
    assert len(appointment.code) == 8
    book(UserFactory(), slot, bookable)
    slot.refresh_from_db()
    assert slot.booked == 2
    assert slot not in selectors.free_slots(slot.hall)
    with pytest.raises(Conflict) as error:
        book(UserFactory(), slot, bookable)
    assert error.value.field == "slot"
    assert Appointment.objects.count() == 2


def test_a_person_books_a_slot_once(slot, bookable, citizen):
    book(citizen, slot, bookable)
    with pytest.raises(Conflict):
        book(citizen, slot, bookable)


def test_only_bookable_services_of_the_slots_category_and_hall(slot, hall, other_hall, citizen):
    livelihood = VersionFactory(
        implementation__region=hall.region,
        window_category=WindowCategory.LIVELIHOOD,
        supports_appointment=True,
    )
    not_bookable = VersionFactory(
        implementation__region=hall.region, window_category=WindowCategory.COMMERCIAL
    )
    elsewhere = VersionFactory(
        implementation__region=other_hall.region,
        window_category=WindowCategory.COMMERCIAL,
        supports_appointment=True,
    )
    for version in (livelihood, not_bookable, elsewhere):
        with pytest.raises(ValidationFailed):
            book(citizen, slot, version)
    assert not Appointment.objects.exists()


def test_a_slot_that_has_started_cannot_be_booked(slot, bookable, citizen):
    move_slot(slot, starts_in=-timedelta(minutes=1))
    with pytest.raises(Conflict):
        book(citizen, slot, bookable)


def test_cancelling_frees_the_place_and_only_the_person_cancels(slot, bookable, citizen):
    appointment = book(citizen, slot, bookable)
    with pytest.raises(NotFound):
        services.appointment_cancel(appointment=appointment, person=UserFactory())
    services.appointment_cancel(appointment=appointment, person=citizen)
    slot.refresh_from_db()
    appointment.refresh_from_db()
    assert (slot.booked, appointment.state) == (0, AppointmentState.CANCELLED)
    with pytest.raises(Conflict):
        services.appointment_cancel(appointment=appointment, person=citizen)
    assert book(citizen, slot, bookable).state == AppointmentState.BOOKED  # booked again


def test_an_appointment_that_has_started_cannot_be_cancelled(slot, bookable, citizen):
    appointment = book(citizen, slot, bookable)
    move_slot(slot, starts_in=-timedelta(minutes=5))
    with pytest.raises(Conflict):
        services.appointment_cancel(appointment=appointment, person=citizen)


def test_check_in_gives_a_priority_ticket_called_before_older_ones(
    slot, bookable, citizen, hall, window, clerk
):
    appointment = book(citizen, slot, bookable)
    move_slot(slot, starts_in=timedelta(minutes=20))
    services.ticket_issue(hall=hall, category=Queue.COMMERCIAL, channel=TicketChannel.KIOSK)
    ticket = services.appointment_check_in(hall=hall, code=appointment.code.lower())
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.CHECKED_IN
    assert appointment.ticket == ticket
    assert (ticket.priority, ticket.person, ticket.code) == (True, citizen, "B002")
    # Pressing the kiosk button again shows the same ticket.
    assert services.appointment_check_in(hall=hall, code=appointment.code) == ticket
    services.window_sign_in(clerk=clerk, window=window)
    assert services.ticket_call_next(window=window, clerk=clerk) == ticket


def test_check_in_opens_an_hour_before_and_closes_at_the_end(slot, bookable, citizen, hall):
    appointment = book(citizen, slot, bookable)
    move_slot(slot, starts_in=timedelta(hours=2))
    with pytest.raises(Conflict):
        services.appointment_check_in(hall=hall, code=appointment.code)
    move_slot(slot, starts_in=-timedelta(hours=1))
    with pytest.raises(Conflict):
        services.appointment_check_in(hall=hall, code=appointment.code)
    assert not appointment.slot.hall.tickets.exists()


def test_check_in_is_only_at_the_hall_of_the_appointment(
    slot, bookable, citizen, other_hall, other_clerk, hall
):
    appointment = book(citizen, slot, bookable)
    move_slot(slot, starts_in=timedelta(minutes=10))
    with pytest.raises(NotFound):
        services.appointment_check_in(hall=other_hall, code=appointment.code)
    with pytest.raises(NotFound):
        services.appointment_check_in(hall=hall, code="NOSUCHCD")
    with pytest.raises(NotFound):  # a clerk of another hall
        services.appointment_check_in(hall=hall, appointment=appointment, actor=other_clerk)
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.BOOKED


def test_the_sweep_records_no_shows(slot, bookable, citizen, hall):
    ended = book(citizen, slot, bookable)
    later = AppointmentSlot.objects.create(
        hall=hall,
        category=slot.category,
        starts_at=slot.starts_at + timedelta(days=1),
        ends_at=slot.ends_at + timedelta(days=1),
        capacity=1,
    )
    upcoming = book(citizen, later, bookable)
    old_ticket = services.ticket_issue(
        hall=hall, category=Queue.COMMERCIAL, channel=TicketChannel.KIOSK
    )
    old_ticket.day -= timedelta(days=1)
    old_ticket.save()
    move_slot(slot, starts_in=-timedelta(hours=1))
    assert tasks.sweep_hall.delay().get() == {"appointments": 1, "tickets": 1}
    ended.refresh_from_db()
    upcoming.refresh_from_db()
    old_ticket.refresh_from_db()
    assert ended.state == AppointmentState.NO_SHOW
    assert upcoming.state == AppointmentState.BOOKED
    assert old_ticket.state == TicketState.NO_SHOW
    assert settings.CELERY_BEAT_SCHEDULE["windows.sweep_hall"]["task"] == tasks.sweep_hall.name
