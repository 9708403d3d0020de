"""Queue tickets: numbering, calling, and what a clerk does with the ticket at the window."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from identity.models import AuditEvent
from tests.windows.conftest import clerk_of
from windows import selectors, services
from windows.constants import Queue, TicketChannel, TicketState, WindowAction
from windows.models import Ticket

pytestmark = pytest.mark.django_db

B, C, F = Queue.COMMERCIAL, Queue.LIVELIHOOD, Queue.ASSISTED


def kiosk(hall, category=B) -> Ticket:
    return services.ticket_issue(hall=hall, category=category, channel=TicketChannel.KIOSK)


def test_numbers_run_per_queue_and_day_with_the_queue_letter(hall):
    codes = [kiosk(hall).code, kiosk(hall).code, kiosk(hall, C).code, kiosk(hall, F).code]
    assert codes == ["B001", "B002", "C001", "F001"]


def test_a_new_day_starts_again_at_one(hall, monkeypatch):
    kiosk(hall)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    ticket = kiosk(hall)
    assert (ticket.code, ticket.day) == ("B001", tomorrow)


def test_a_queue_no_window_of_the_hall_serves_is_refused(hall):
    with pytest.raises(ValidationFailed) as error:
        kiosk(hall, Queue.INVESTMENT)
    assert error.value.field == "category"
    assert not Ticket.objects.exists()


def test_online_a_person_holds_one_live_ticket_per_queue_and_no_number_is_lost(hall, citizen):
    first = services.ticket_issue(
        hall=hall, category=B, channel=TicketChannel.ONLINE, person=citizen
    )
    with pytest.raises(Conflict) as error:
        services.ticket_issue(hall=hall, category=B, channel=TicketChannel.ONLINE, person=citizen)
    assert first.code in str(error.value.message)
    assert kiosk(hall).code == "B002"  # the refused attempt left no gap


def test_online_tickets_need_a_signed_in_person(hall):
    with pytest.raises(NotAllowed):
        services.ticket_issue(hall=hall, category=B, channel=TicketChannel.ONLINE)


def test_only_the_halls_clerks_issue_tickets_as_clerks(hall, clerk, other_clerk, citizen):
    ticket = services.ticket_issue(hall=hall, category=B, channel=TicketChannel.CLERK, clerk=clerk)
    assert AuditEvent.objects.filter(action=WindowAction.ISSUE, object_id=str(ticket.pk)).exists()
    with pytest.raises(NotFound):
        services.ticket_issue(hall=hall, category=B, channel=TicketChannel.CLERK, clerk=other_clerk)
    with pytest.raises(NotAllowed):
        services.ticket_issue(hall=hall, category=B, channel=TicketChannel.CLERK, clerk=citizen)


def test_people_ahead_counts_the_waiting_tickets_of_the_queue(hall):
    first, second, _other = kiosk(hall), kiosk(hall), kiosk(hall, C)
    assert (selectors.people_ahead(first), selectors.people_ahead(second)) == (0, 1)


# --- Calling -------------------------------------------------------------------------------


@pytest.fixture
def at_window(window, clerk):
    services.window_sign_in(clerk=clerk, window=window)
    return window


def test_call_next_takes_the_oldest_of_the_windows_queues(hall, at_window, clerk):
    kiosk(hall, C)
    first, second = kiosk(hall), kiosk(hall)
    called = services.ticket_call_next(window=at_window, clerk=clerk)
    assert called == first
    assert (called.state, called.window, called.clerk) == (TicketState.CALLED, at_window, clerk)
    assert called.called_at is not None
    assert called.waiting_time is not None
    assert AuditEvent.objects.filter(action=WindowAction.CALL, object_id=str(first.pk)).exists()
    services.ticket_skip(ticket=called, clerk=clerk)
    assert services.ticket_call_next(window=at_window, clerk=clerk) == second


def test_appointment_check_ins_are_called_first(hall, at_window, clerk):
    kiosk(hall)
    checked_in = services.ticket_issue(
        hall=hall, category=B, channel=TicketChannel.APPOINTMENT, priority=True
    )
    assert services.ticket_call_next(window=at_window, clerk=clerk) == checked_in


def test_nobody_waiting_calls_nobody(at_window, clerk):
    assert services.ticket_call_next(window=at_window, clerk=clerk) is None


def test_call_next_while_a_ticket_is_at_the_window_is_refused(hall, at_window, clerk):
    kiosk(hall), kiosk(hall)
    services.ticket_call_next(window=at_window, clerk=clerk)
    with pytest.raises(Conflict):
        services.ticket_call_next(window=at_window, clerk=clerk)


def test_call_next_is_refused_to_whoever_is_not_signed_in_at_that_window(
    hall, window, clerk, other_clerk, citizen
):
    kiosk(hall)
    with pytest.raises(Conflict):  # the hall's clerk, not signed in there
        services.ticket_call_next(window=window, clerk=clerk)
    services.window_sign_in(clerk=clerk, window=hall.windows.get(number="2"))
    with pytest.raises(Conflict):  # signed in at another window
        services.ticket_call_next(window=window, clerk=clerk)
    with pytest.raises(NotFound):
        services.ticket_call_next(window=window, clerk=other_clerk)
    with pytest.raises(NotAllowed):
        services.ticket_call_next(window=window, clerk=citizen)
    assert Ticket.objects.get().state == TicketState.WAITING


def test_recall_start_and_finish_record_the_times(hall, at_window, clerk):
    kiosk(hall)
    ticket = services.ticket_call_next(window=at_window, clerk=clerk)
    ticket = services.ticket_recall(ticket=ticket, clerk=clerk)
    assert ticket.recalled == 1
    assert ticket.last_called_at >= ticket.called_at
    ticket = services.ticket_start(ticket=ticket, clerk=clerk)
    assert ticket.state == TicketState.SERVING
    with pytest.raises(Conflict):  # a ticket in service is not called again
        services.ticket_recall(ticket=ticket, clerk=clerk)
    ticket = services.ticket_finish(ticket=ticket, clerk=clerk)
    assert ticket.state == TicketState.DONE
    assert ticket.service_time is not None
    assert ticket.service_time >= timedelta(0)
    assert selectors.current_ticket(at_window) is None


def test_skip_records_a_no_show(hall, at_window, clerk):
    kiosk(hall)
    ticket = services.ticket_skip(
        ticket=services.ticket_call_next(window=at_window, clerk=clerk), clerk=clerk
    )
    assert ticket.state == TicketState.NO_SHOW
    assert ticket.finished_at is not None


def test_a_ticket_at_another_window_cannot_be_handled(hall, at_window, clerk, other_clerk):
    kiosk(hall)
    ticket = services.ticket_call_next(window=at_window, clerk=clerk)
    colleague = services.window_sign_in(
        clerk=clerk_of(hall),
        window=hall.windows.get(number="2"),
    ).clerk
    with pytest.raises(Conflict):
        services.ticket_start(ticket=ticket, clerk=colleague)
    with pytest.raises(NotFound):
        services.ticket_finish(ticket=ticket, clerk=other_clerk)
    assert Ticket.objects.get().state == TicketState.CALLED


def test_transfer_to_a_window_keeps_the_number_and_that_window_calls_it_first(
    hall, at_window, clerk
):
    sent = kiosk(hall)
    kiosk(hall, C)  # waiting longer than the transferred ticket will have
    services.ticket_call_next(window=at_window, clerk=clerk)
    livelihood = hall.windows.get(number="5")
    moved = services.ticket_transfer(ticket=sent, clerk=clerk, window=livelihood)
    assert (moved.code, moved.state, moved.window) == ("B001", TicketState.WAITING, livelihood)
    colleague = clerk_of(hall)
    services.window_sign_in(clerk=colleague, window=livelihood)
    assert services.ticket_call_next(window=livelihood, clerk=colleague) == sent
    # The first window no longer sees it.
    assert services.ticket_call_next(window=at_window, clerk=clerk) is None


def test_transfer_to_a_queue_gives_a_priority_ticket_there(hall, at_window, clerk, citizen):
    services.ticket_issue(hall=hall, category=B, channel=TicketChannel.ONLINE, person=citizen)
    kiosk(hall, C)
    ticket = services.ticket_call_next(window=at_window, clerk=clerk)
    successor = services.ticket_transfer(ticket=ticket, clerk=clerk, category=C)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.TRANSFERRED
    assert (successor.code, successor.priority, successor.person) == ("C002", True, citizen)
    assert successor.transferred_from == ticket
    assert selectors.window_waiting(hall.windows.get(number="5")).first() == successor


def test_transfer_needs_exactly_one_destination_of_the_same_hall(
    hall, other_hall, at_window, clerk
):
    kiosk(hall)
    ticket = services.ticket_call_next(window=at_window, clerk=clerk)
    with pytest.raises(ValidationFailed):
        services.ticket_transfer(ticket=ticket, clerk=clerk)
    with pytest.raises(ValidationFailed):
        services.ticket_transfer(ticket=ticket, clerk=clerk, window=other_hall.windows.first())
    with pytest.raises(ValidationFailed):
        services.ticket_transfer(ticket=ticket, clerk=clerk, category=B)
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.CALLED


def test_the_display_board_shows_the_called_tickets_last_first(hall, at_window, clerk):
    kiosk(hall), kiosk(hall), kiosk(hall, C)
    called = services.ticket_call_next(window=at_window, clerk=clerk)
    board = selectors.display_board(hall)
    assert [ticket.code for ticket in board.called] == [called.code]
    assert board.waiting[B] == 1
    assert board.waiting[C] == 1
