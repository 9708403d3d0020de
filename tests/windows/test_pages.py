"""The hall's pages: the citizen's tickets and appointments, the kiosk, the screen and the
clerk's window; each refused to those it is not for."""

from datetime import timedelta

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse
from django.utils import timezone

from windows import selectors, services
from windows.constants import Queue, TicketChannel, TicketState
from windows.models import Appointment, Ticket
from windows.views.kiosk import KioskThrottle

pytestmark = pytest.mark.django_db


def kiosk_ticket(hall, category=Queue.COMMERCIAL) -> Ticket:
    return services.ticket_issue(hall=hall, category=category, channel=TicketChannel.KIOSK)


# --- The citizen -----------------------------------------------------------------------------


def test_a_citizen_takes_a_ticket_online(client, english, hall, citizen):
    kiosk_ticket(hall)
    client.force_login(citizen)
    response = client.post(
        reverse("windows:take"), {"hall": hall.pk, "category": "commercial"}, follow=True
    )
    page = response.content.decode()
    assert "Your ticket is B002" in page
    assert "1 person is before you." in page
    assert Ticket.objects.get(person=citizen).code == "B002"


def test_a_queue_the_hall_does_not_serve_is_shown_on_its_field(client, english, hall, citizen):
    client.force_login(citizen)
    response = client.post(reverse("windows:take"), {"hall": hall.pk, "category": "investment"})
    assert response.status_code == 400
    assert 'id="id_category_error"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_citizen_pages_need_sign_in(client, hall):
    for url in (reverse("windows:mine"), reverse("windows:book", args=[hall.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("identity:sign-in") in response["Location"]
    assert client.post(reverse("windows:take"), {"hall": hall.pk}).status_code == 302
    assert not Ticket.objects.exists()


def test_a_citizen_books_and_cancels_an_appointment(client, english, slot, bookable, citizen):
    client.force_login(citizen)
    url = reverse("windows:book", args=[slot.hall_id]) + "?category=commercial"
    page = client.get(url).content.decode()
    assert bookable.name in page
    assert "(2 free)" in page
    response = client.post(url, {"implementation": bookable.implementation_id, "slot": slot.pk})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    page = client.get(reverse("windows:mine")).content.decode()
    assert appointment.code in page
    client.post(reverse("windows:appointment-cancel", args=[appointment.code]))
    appointment.refresh_from_db()
    assert appointment.state == "cancelled"


def test_a_full_slot_keeps_the_choice_and_says_why(client, english, slot, bookable, citizen):
    client.force_login(citizen)
    url = reverse("windows:book", args=[slot.hall_id]) + "?category=commercial"
    form = {"implementation": bookable.implementation_id, "slot": slot.pk}
    slot.capacity = 0
    slot.save()
    response = client.post(url, form)
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_nobody_cancels_another_persons_appointment(client, slot, bookable, citizen, clerk):
    appointment = services.appointment_book(
        person=citizen, slot=slot, implementation=bookable.implementation
    )
    client.force_login(clerk)
    url = reverse("windows:appointment-cancel", args=[appointment.code])
    assert client.post(url).status_code == 404
    assert Appointment.objects.get().state == "booked"


# --- The kiosk and the screen ------------------------------------------------------------


def test_the_kiosk_gives_a_ticket_without_sign_in(client, english, hall):
    page = client.get(reverse("windows:kiosk", args=[hall.pk])).content.decode()
    assert 'name="category" value="commercial"' in page
    response = client.post(
        reverse("windows:kiosk-take", args=[hall.pk]), {"category": "livelihood"}
    )
    assert response.status_code == 302
    slip = client.get(response["Location"]).content.decode()
    assert "C001" in slip
    assert "data-print" in slip


def test_a_forged_ticket_page_is_not_found(client, hall):
    kiosk_ticket(hall)
    assert (
        client.get(reverse("windows:kiosk-ticket", args=[hall.pk, "1:forged"])).status_code == 404
    )


def test_the_kiosk_is_throttled(client, hall, monkeypatch):
    monkeypatch.setattr(KioskThrottle, "THROTTLE_RATES", {"kiosk": "2/min"})
    # A cache of the test's own: tests in parallel share Redis.
    monkeypatch.setattr(KioskThrottle, "cache", LocMemCache("kiosk-page", {}))
    url = reverse("windows:kiosk-take", args=[hall.pk])
    statuses = [client.post(url, {"category": "commercial"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert Ticket.objects.count() == 2


def test_check_in_at_the_kiosk(client, english, slot, bookable, citizen):
    appointment = services.appointment_book(
        person=citizen, slot=slot, implementation=bookable.implementation
    )
    url = reverse("windows:kiosk-check-in", args=[slot.hall_id])
    too_early = client.post(url, {"code": appointment.code})
    assert too_early.status_code == 409
    assert appointment.code in too_early.content.decode()  # what was typed stays
    slot.starts_at = timezone.now() + timedelta(minutes=5)
    slot.ends_at = slot.starts_at + timedelta(minutes=30)
    slot.save()
    response = client.post(url, {"code": appointment.code}, follow=True)
    assert "Appointment: you are called first" in response.content.decode()


def test_the_screen_shows_who_is_called_where_and_refreshes_itself(
    client, english, hall, window, clerk
):
    kiosk_ticket(hall)
    services.window_sign_in(clerk=clerk, window=window)
    services.ticket_call_next(window=window, clerk=clerk)
    page = client.get(reverse("windows:display", args=[hall.pk])).content.decode()
    assert "B001" in page
    assert "Window 1" in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert f'data-board="/api/v1/halls/{hall.pk}/display/"' in page
    assert "js/hall.js" in page


# --- The clerk -----------------------------------------------------------------------------


def test_the_clerk_works_the_queue_from_the_window_page(client, english, hall, window, clerk):
    kiosk_ticket(hall)
    client.force_login(clerk)
    assert "Sign in to a window" in client.get(reverse("windows:window")).content.decode()
    client.post(reverse("windows:window-sign-in"), {"window": window.pk})
    page = client.post(reverse("windows:window-call-next"), follow=True).content.decode()
    assert "Ticket B001 is called." in page
    ticket = Ticket.objects.get()
    client.post(reverse("windows:ticket-action", args=[ticket.pk, "start"]))
    client.post(reverse("windows:ticket-action", args=[ticket.pk, "finish"]))
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DONE
    page = client.post(reverse("windows:window-call-next"), follow=True).content.decode()
    assert "Nobody is waiting for your window." in page


def test_the_clerk_transfers_and_comes_back_to_the_page_they_were_on(
    client, english, hall, window, clerk
):
    ticket = kiosk_ticket(hall)
    services.window_sign_in(clerk=clerk, window=window)
    services.ticket_call_next(window=window, clerk=clerk)
    client.force_login(clerk)
    page = client.get(reverse("windows:window")).content.decode()
    assert 'name="next" value="/hall/window/"' in page
    livelihood = hall.windows.get(number="5")
    response = client.post(
        reverse("windows:ticket-transfer", args=[ticket.pk]),
        {"window": livelihood.pk, "next": "/hall/window/?from=test"},
    )
    assert response["Location"] == "/hall/window/?from=test"
    ticket.refresh_from_db()
    assert (ticket.state, ticket.window) == (TicketState.WAITING, livelihood)
    outside = client.post(
        reverse("windows:ticket-transfer", args=[ticket.pk]),
        {"window": livelihood.pk, "next": "https://evil.example/"},
    )
    assert outside["Location"] == reverse("windows:window")


def test_the_clerk_issues_a_ticket_and_checks_in_an_appointment(
    client, english, hall, window, clerk, slot, bookable, citizen
):
    appointment = services.appointment_book(
        person=citizen, slot=slot, implementation=bookable.implementation
    )
    slot.starts_at = timezone.now() + timedelta(minutes=5)
    slot.ends_at = slot.starts_at + timedelta(minutes=30)
    slot.save()
    services.window_sign_in(clerk=clerk, window=window)
    client.force_login(clerk)
    client.post(reverse("windows:window-issue"), {"category": "livelihood"})
    assert Ticket.objects.get(channel="clerk").code == "C001"
    page = client.post(
        reverse("windows:window-check-in"), {"code": appointment.code}, follow=True
    ).content.decode()
    assert "priority ticket B001" in page


def test_citizens_reach_no_clerk_page_or_action(client, hall, window, citizen, reviewer):
    ticket = kiosk_ticket(hall)
    posts = [
        reverse("windows:window-sign-in"),
        reverse("windows:window-sign-out"),
        reverse("windows:window-call-next"),
        reverse("windows:window-issue"),
        reverse("windows:window-check-in"),
        reverse("windows:ticket-transfer", args=[ticket.pk]),
        reverse("windows:ticket-action", args=[ticket.pk, "skip"]),
    ]
    for person in (citizen, reviewer):
        client.force_login(person)
        assert client.get(reverse("windows:window")).status_code == 403
        for url in posts:
            assert client.post(url, {"window": window.pk}).status_code == 403, url
    client.logout()
    assert client.get(reverse("windows:window")).status_code == 302
    assert not selectors.clerk_session(citizen)
    assert Ticket.objects.get().state == TicketState.WAITING


def test_another_halls_clerk_cannot_touch_this_halls_tickets(
    client, hall, window, clerk, other_clerk
):
    ticket = kiosk_ticket(hall)
    services.window_sign_in(clerk=clerk, window=window)
    services.ticket_call_next(window=window, clerk=clerk)
    client.force_login(other_clerk)
    for action in ("recall", "skip", "start"):
        url = reverse("windows:ticket-action", args=[ticket.pk, action])
        assert client.post(url).status_code == 404
    assert client.post(reverse("windows:ticket-transfer", args=[ticket.pk])).status_code == 404
    response = client.post(reverse("windows:window-sign-in"), {"window": window.pk})
    assert response.status_code == 400  # not one of their windows
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CALLED


def test_the_menu_shows_the_window_to_clerks_only(client, english, clerk, citizen):
    client.force_login(clerk)
    assert "My window" in client.get(reverse("windows:mine")).content.decode()
    client.force_login(citizen)
    assert "My window" not in client.get(reverse("windows:mine")).content.decode()
