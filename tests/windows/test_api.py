"""The hall API of API.md, from the side of each caller: citizen, anonymous kiosk, the
hall's clerk, another hall's clerk."""

from datetime import timedelta

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

from identity.models import User
from tests.factories import UserFactory
from windows import selectors, services
from windows.api.views import KioskRateThrottle
from windows.constants import Queue, TicketChannel, TicketState
from windows.models import Appointment, Ticket

pytestmark = pytest.mark.django_db

TICKETS = "/api/v1/tickets/"


def call_next(window) -> str:
    return f"/api/v1/windows/{window.pk}/call-next/"


def kiosk(hall, category=Queue.COMMERCIAL) -> Ticket:
    return services.ticket_issue(hall=hall, category=category, channel=TicketChannel.KIOSK)


def test_a_citizen_takes_a_ticket_and_sees_it(api_client, hall, citizen):
    kiosk(hall)
    api_client.force_authenticate(citizen)
    created = api_client.post(TICKETS, {"hall": hall.pk, "category": "commercial"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["code"], body["people_ahead"], body["channel"]) == ("B002", 1, "online")
    again = api_client.post(TICKETS, {"hall": hall.pk, "category": "commercial"}, format="json")
    assert again.status_code == 409
    listed = api_client.get(TICKETS).json()
    assert [ticket["code"] for ticket in listed["results"]] == ["B002"]
    assert api_client.get(f"{TICKETS}{body['id']}/").status_code == 200


def test_someone_elses_ticket_is_not_found(api_client, hall, citizen):
    ticket = kiosk(hall)
    api_client.force_authenticate(citizen)
    assert api_client.get(f"{TICKETS}{ticket.pk}/").status_code == 404


def test_anonymous_kiosk_tickets_are_throttled(api_client, hall, monkeypatch):
    rates = {**KioskRateThrottle.THROTTLE_RATES, "kiosk": "3/min"}
    monkeypatch.setattr(KioskRateThrottle, "THROTTLE_RATES", rates)
    # A cache of the test's own: tests in parallel share Redis.
    monkeypatch.setattr(KioskRateThrottle, "cache", LocMemCache("kiosk-api", {}))
    statuses = [
        api_client.post(TICKETS, {"hall": hall.pk, "category": "livelihood"}).status_code
        for _ in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
    assert Ticket.objects.filter(channel="kiosk").count() == 3
    assert api_client.get(TICKETS).status_code == 401  # a list of one's tickets needs sign-in


def test_bad_ticket_requests_name_the_field(api_client, hall, citizen):
    api_client.force_authenticate(citizen)
    unknown = api_client.post(TICKETS, {"hall": 999999, "category": "commercial"})
    unserved = api_client.post(TICKETS, {"hall": hall.pk, "category": "investment"})
    assert (unknown.status_code, list(unknown.json()["errors"])) == (400, ["hall"])
    assert (unserved.status_code, list(unserved.json()["errors"])) == (400, ["category"])


def test_the_clerk_signs_in_and_calls_the_next_ticket(api_client, hall, window, clerk):
    first = kiosk(hall)
    api_client.force_authenticate(clerk)
    assert api_client.post(call_next(window)).status_code == 409  # not signed in yet
    assert api_client.post(f"/api/v1/windows/{window.pk}/session/").status_code == 201
    called = api_client.post(call_next(window))
    assert called.status_code == 200
    assert (called.json()["code"], called.json()["window"]) == (first.code, "1")
    assert api_client.post(call_next(window)).status_code == 409  # B001 still at the window
    action = f"{TICKETS}{first.pk}/actions/"
    assert api_client.post(action, {"action": "start"}).json()["state"] == "serving"
    assert api_client.post(action, {"action": "finish"}).json()["state"] == "done"
    nobody = api_client.post(call_next(window))
    assert (nobody.status_code, nobody.content) == (204, b"")
    assert api_client.delete(f"/api/v1/windows/{window.pk}/session/").status_code == 204


def test_the_clerk_transfers_through_the_api(api_client, hall, window, clerk):
    ticket = kiosk(hall)
    services.window_sign_in(clerk=clerk, window=window)
    services.ticket_call_next(window=window, clerk=clerk)
    api_client.force_authenticate(clerk)
    action = f"{TICKETS}{ticket.pk}/actions/"
    moved = api_client.post(action, {"action": "transfer", "category": "livelihood"})
    assert (moved.status_code, moved.json()["code"], moved.json()["priority"]) == (
        200,
        "C001",
        True,
    )


def test_call_next_is_refused_from_each_side(api_client, hall, window, other_clerk, citizen):
    kiosk(hall)
    assert api_client.post(call_next(window)).status_code == 401
    api_client.force_authenticate(citizen)
    assert api_client.post(call_next(window)).status_code == 403
    api_client.force_authenticate(other_clerk)
    services.window_sign_in(clerk=other_clerk, window=other_clerk_window(other_clerk))
    assert api_client.post(call_next(window)).status_code == 404
    assert api_client.post("/api/v1/windows/999999/call-next/").status_code == 404
    assert Ticket.objects.get().state == TicketState.WAITING


def other_clerk_window(clerk):
    return selectors.windows_of_clerk(clerk).first()


def test_ticket_actions_of_another_hall_are_not_found(api_client, hall, window, clerk, other_clerk):
    ticket = kiosk(hall)
    services.window_sign_in(clerk=clerk, window=window)
    services.ticket_call_next(window=window, clerk=clerk)
    api_client.force_authenticate(other_clerk)
    response = api_client.post(f"{TICKETS}{ticket.pk}/actions/", {"action": "skip"})
    assert response.status_code == 404
    api_client.force_authenticate(User.objects.get(pk=clerk.pk))
    assert api_client.post(f"{TICKETS}{ticket.pk}/actions/", {"action": "skip"}).status_code == 200


def test_halls_and_the_display_are_public(api_client, hall, window, clerk):
    kiosk(hall), kiosk(hall, Queue.LIVELIHOOD)
    services.window_sign_in(clerk=clerk, window=window)
    services.ticket_call_next(window=window, clerk=clerk)
    halls = api_client.get("/api/v1/halls/").json()["results"]
    assert [queue["code"] for queue in halls[0]["queues"]] == [
        "commercial",
        "livelihood",
        "assisted",
    ]
    board = api_client.get(f"/api/v1/halls/{hall.pk}/display/").json()
    assert [(row["code"], row["window"]) for row in board["called"]] == [("B001", "1")]
    assert {queue["code"]: queue["waiting"] for queue in board["queues"]}["livelihood"] == 1


def test_a_citizen_books_lists_and_cancels_an_appointment(api_client, slot, bookable, citizen):
    slots = api_client.get(f"/api/v1/halls/{slot.hall_id}/slots/?category=commercial").json()
    assert [row["id"] for row in slots["results"]] == [slot.pk]
    api_client.force_authenticate(citizen)
    body = {"slot": slot.pk, "matter": bookable.implementation.code}
    booked = api_client.post("/api/v1/appointments/", body, format="json")
    assert booked.status_code == 201
    code = booked.json()["code"]
    assert api_client.post("/api/v1/appointments/", body, format="json").status_code == 409
    assert [row["code"] for row in api_client.get("/api/v1/appointments/").json()["results"]] == [
        code
    ]
    cancelled = api_client.post(f"/api/v1/appointments/{code}/cancel/")
    assert cancelled.json()["state"] == "cancelled"


def test_another_persons_appointment_cannot_be_cancelled(api_client, slot, bookable, citizen):
    appointment = services.appointment_book(
        person=citizen, slot=slot, implementation=bookable.implementation
    )
    api_client.force_authenticate(UserFactory())
    response = api_client.post(f"/api/v1/appointments/{appointment.code}/cancel/")
    assert response.status_code == 404
    assert Appointment.objects.get().state == "booked"


def test_checking_in_at_the_kiosk_gives_a_priority_ticket(api_client, slot, bookable, citizen):
    appointment = services.appointment_book(
        person=citizen, slot=slot, implementation=bookable.implementation
    )
    slot.starts_at = timezone.now() + timedelta(minutes=10)
    slot.ends_at = slot.starts_at + timedelta(minutes=30)
    slot.save()
    url = f"/api/v1/halls/{slot.hall_id}/check-in/"
    response = api_client.post(url, {"code": appointment.code})
    assert (response.status_code, response.json()["priority"]) == (201, True)
    assert api_client.post(url, {"code": "ZZZZZZZZ"}).status_code == 404
