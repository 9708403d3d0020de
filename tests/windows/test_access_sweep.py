"""Access from the refused side, swept over every clerk page and action of the hall (the
`windows` URLs and the clerk's API): a citizen — even the applicant of the cases at stake —
and a clerk of another hall reach none of them, and nothing changes."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from cases.constants import CaseState
from cases.models import Case
from tests.windows.counter_setup import result_issued, service, submitted
from tests.windows.test_pages import kiosk_ticket
from windows import services
from windows.constants import TicketState
from windows.models import Ticket

pytestmark = pytest.mark.django_db

# Pages open to everyone (kiosk, screen) or to the citizen themselves (tickets, bookings).
PUBLIC = {
    "mine",
    "take",
    "book",
    "appointment-cancel",
    "kiosk",
    "kiosk-take",
    "kiosk-check-in",
    "kiosk-ticket",
    "display",
    "supply",  # the applicant uploads a deferred material (容缺) from their case page
}


def _clerk_urls(*, ticket: Ticket, number: str) -> list[str]:
    """Every URL of the windows namespace that is not public, with real arguments."""
    arguments = {"pk": ticket.pk, "number": number, "action": "skip"}
    resolver = get_resolver().namespace_dict["windows"][1]
    urls = []
    for pattern in resolver.url_patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in PUBLIC:
            continue
        names = list(pattern.pattern.regex.groupindex)
        urls.append(reverse(f"windows:{pattern.name}", kwargs={n: arguments[n] for n in names}))
    return urls


@pytest.fixture
def scene(hall, window, clerk, citizen):
    version = service(hall)
    waiting = submitted(version, citizen)
    ready = result_issued(version, citizen, clerk)
    ticket = kiosk_ticket(hall)
    services.window_sign_in(clerk=clerk, window=window)
    services.ticket_call_next(window=window, clerk=clerk)
    return {"waiting": waiting, "ready": ready, "ticket": ticket}


def _states(scene) -> tuple:
    return (
        Case.objects.get(pk=scene["waiting"].pk).state,
        Case.objects.get(pk=scene["ready"].pk).state,
        Ticket.objects.get(pk=scene["ticket"].pk).state,
    )


def test_the_applicant_reaches_no_clerk_page_or_action_on_their_own_cases(client, scene, citizen):
    urls = _clerk_urls(ticket=scene["ticket"], number=scene["waiting"].number)
    urls += _clerk_urls(ticket=scene["ticket"], number=scene["ready"].number)
    assert len(urls) > 20
    client.force_login(citizen)
    for url in urls:
        assert client.get(url).status_code in (403, 404, 405), url
        data = {"id_number": citizen.id_number, "pickup_code": scene["ready"].pickup_code}
        assert client.post(url, data).status_code in (403, 404, 405), url
    assert _states(scene) == (CaseState.SUBMITTED, CaseState.RESULT_ISSUED, TicketState.CALLED)


def test_another_halls_clerk_reaches_no_case_or_ticket_of_this_hall(client, scene, other_clerk):
    urls = _clerk_urls(ticket=scene["ticket"], number=scene["waiting"].number)
    urls += _clerk_urls(ticket=scene["ticket"], number=scene["ready"].number)
    client.force_login(other_clerk)
    for url in urls:
        if scene["waiting"].number in url or scene["ready"].number in url or "/tickets/" in url:
            assert client.get(url).status_code in (404, 405), url
            assert client.post(url, {}).status_code in (404, 405), url
    assert _states(scene) == (CaseState.SUBMITTED, CaseState.RESULT_ISSUED, TicketState.CALLED)


def test_a_citizen_is_refused_by_every_clerk_endpoint_of_the_api(client, scene, window, citizen):
    client.force_login(citizen)
    ticket = scene["ticket"]
    assert client.post(reverse("api-call-next", args=[window.pk])).status_code == 403
    url = reverse("api-ticket-actions", args=[ticket.pk])
    assert client.post(url, {"action": "skip"}, content_type="application/json").status_code in (
        403,
        404,
    )
    assert client.get(reverse("api-ticket", args=[ticket.pk])).status_code == 404
    url = reverse("api-window-session", args=[window.pk])
    assert client.post(url, content_type="application/json").status_code == 403
    assert client.delete(url).status_code in (403, 404)  # a citizen has no session to end
    assert _states(scene)[2] == TicketState.CALLED
