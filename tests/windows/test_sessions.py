"""Clerks at windows: one window per clerk and one clerk per window."""

import pytest
from django.db import IntegrityError

from core.errors import Conflict, NotAllowed, NotFound
from tests.windows.conftest import clerk_of
from windows import selectors, services
from windows.constants import Queue, TicketChannel
from windows.models import WindowSession

pytestmark = pytest.mark.django_db


def test_signing_in_elsewhere_ends_the_old_session(hall, window, clerk):
    first = services.window_sign_in(clerk=clerk, window=window)
    assert services.window_sign_in(clerk=clerk, window=window) == first  # again: the same
    second = services.window_sign_in(clerk=clerk, window=hall.windows.get(number="5"))
    first.refresh_from_db()
    assert first.ended_at is not None
    assert selectors.clerk_session(clerk) == second


def test_a_window_taken_by_another_clerk_is_refused(hall, window, clerk):
    services.window_sign_in(clerk=clerk, window=window)
    with pytest.raises(Conflict):
        services.window_sign_in(clerk=clerk_of(hall), window=window)


def test_the_database_allows_one_open_session_per_clerk_and_per_window(hall, window, clerk):
    WindowSession.objects.create(clerk=clerk, window=window)
    with pytest.raises(IntegrityError):
        WindowSession.objects.create(clerk=clerk, window=hall.windows.get(number="5"))


def test_a_clerk_cannot_leave_a_ticket_at_the_window(hall, window, clerk):
    services.window_sign_in(clerk=clerk, window=window)
    services.ticket_issue(hall=hall, category=Queue.COMMERCIAL, channel=TicketChannel.KIOSK)
    services.ticket_call_next(window=window, clerk=clerk)
    with pytest.raises(Conflict):
        services.window_sign_out(clerk=clerk)
    with pytest.raises(Conflict):
        services.window_sign_in(clerk=clerk, window=hall.windows.get(number="5"))
    assert selectors.clerk_session(clerk).window == window


def test_sign_out_ends_the_session(window, clerk):
    services.window_sign_in(clerk=clerk, window=window)
    services.window_sign_out(clerk=clerk)
    assert selectors.clerk_session(clerk) is None
    assert services.window_sign_out(clerk=clerk) is None


def test_only_the_halls_clerks_sign_in(window, other_clerk, citizen, reviewer):
    with pytest.raises(NotFound):
        services.window_sign_in(clerk=other_clerk, window=window)
    for person in (citizen, reviewer):
        with pytest.raises(NotAllowed):
            services.window_sign_in(clerk=person, window=window)
    assert not WindowSession.objects.exists()


def test_a_window_out_of_service_is_refused(window, clerk):
    window.is_active = False
    window.save()
    with pytest.raises(Conflict):
        services.window_sign_in(clerk=clerk, window=window)


def test_halls_of_clerk_are_those_of_their_centre(hall, other_hall, clerk, citizen):
    assert list(selectors.halls_of_clerk(clerk)) == [hall]
    assert not selectors.halls_of_clerk(citizen).exists()
