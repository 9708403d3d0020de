"""The hall in the admin site: halls with their windows; tickets only to read."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from windows.constants import Queue, TicketChannel
from windows.models import Window
from windows.services import ticket_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_windows_are_kept_with_their_hall(admin_client, hall):
    window = hall.windows.get(number="1")
    url = reverse("admin:windows_hall_change", args=[hall.pk])
    assert admin_client.get(url).status_code == 200
    data = {
        "name": hall.name,
        "region": hall.region_id,
        "operator": hall.operator_id,
        "address": hall.address,
        "opening_hours": hall.opening_hours,
        "is_active": "on",
        "windows-TOTAL_FORMS": "1",
        "windows-INITIAL_FORMS": "1",
        "windows-0-id": window.pk,
        "windows-0-hall": hall.pk,
        "windows-0-number": "1",
        "windows-0-categories": ["commercial", "investment"],
        "windows-0-is_active": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.categories == ["investment", "commercial"]


def test_tickets_are_read_only(admin_client, hall):
    ticket = ticket_issue(hall=hall, category=Queue.COMMERCIAL, channel=TicketChannel.KIOSK)
    assert admin_client.get(reverse("admin:windows_ticket_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:windows_ticket_add")).status_code == 403
    response = admin_client.post(reverse("admin:windows_ticket_delete", args=[ticket.pk]))
    assert response.status_code == 403
    assert Window.objects.filter(hall=hall).count() == 4
