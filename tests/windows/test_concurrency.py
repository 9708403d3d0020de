"""Under real concurrency (PostgreSQL, one connection per thread): ticket numbers without
gap or duplicate, no ticket called by two windows, no slot overbooked."""

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import UserFactory
from tests.windows.conftest import clerk_of
from windows import services
from windows.constants import AppointmentState, Queue, TicketChannel
from windows.models import Appointment, AppointmentSlot, Ticket, Window

pytestmark = [
    pytest.mark.postgres(reason="real concurrency"),
    pytest.mark.django_db(transaction=True),
]


def run_at_once(work: list[Callable[[], object]]) -> list[object]:
    """Run each callable in its own thread, all released at the same moment; the result or
    the exception of each."""
    barrier = threading.Barrier(len(work))
    outcomes: list[object] = [None] * len(work)

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = work[index]()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_fifty_tickets_taken_at_once_are_numbered_without_gap_or_duplicate(hall):
    def take() -> Ticket:
        return services.ticket_issue(
            hall=hall, category=Queue.COMMERCIAL, channel=TicketChannel.KIOSK
        )

    outcomes = run_at_once([take] * 50)
    assert all(isinstance(outcome, Ticket) for outcome in outcomes), outcomes
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 51))
    assert len({outcome.code for outcome in outcomes}) == 50


def test_windows_calling_at_once_never_call_the_same_ticket(hall):
    windows = [hall.windows.get(number="1"), hall.windows.get(number="2")]
    windows += [
        Window.objects.create(hall=hall, number=str(number), categories=[Queue.COMMERCIAL])
        for number in range(10, 18)
    ]
    clerks = []
    for window in windows:
        clerk = clerk_of(hall)
        services.window_sign_in(clerk=clerk, window=window)
        clerks.append(clerk)
    for _ in range(6):
        services.ticket_issue(hall=hall, category=Queue.COMMERCIAL, channel=TicketChannel.KIOSK)

    outcomes = run_at_once(
        [
            lambda window=window, clerk=clerk: services.ticket_call_next(window=window, clerk=clerk)
            for window, clerk in zip(windows, clerks, strict=True)
        ]
    )
    called = [outcome for outcome in outcomes if isinstance(outcome, Ticket)]
    assert [outcome for outcome in outcomes if not isinstance(outcome, Ticket)] == [None] * 4
    assert len({ticket.pk for ticket in called}) == 6
    assert Ticket.objects.filter(state="called").count() == 6
    assert Ticket.objects.filter(state="called").values("window").distinct().count() == 6


def test_thirty_bookings_at_once_fill_a_slot_of_five_and_no_more(hall, bookable):
    starts = timezone.now() + timedelta(days=1)
    slot = AppointmentSlot.objects.create(
        hall=hall,
        category=Queue.COMMERCIAL,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        capacity=5,
    )
    people = [UserFactory() for _ in range(30)]
    outcomes = run_at_once(
        [
            lambda person=person: services.appointment_book(
                person=person, slot=slot, implementation=bookable.implementation
            )
            for person in people
        ]
    )
    booked = [outcome for outcome in outcomes if isinstance(outcome, Appointment)]
    refused = [type(outcome).__name__ for outcome in outcomes if outcome not in booked]
    assert len(booked) == 5
    assert refused == ["Conflict"] * 25
    slot.refresh_from_db()
    assert slot.booked == 5
    assert Appointment.objects.filter(state=AppointmentState.BOOKED).count() == 5
