"""Certificate life events reach the holder's in-site inbox (站内信) as well as their e-mail."""

import pytest
from django.urls import reverse

from cases.models import Notice
from certificates import notifications, services
from certificates.constants import EventKind
from identity.constants import Role
from tests.certificates.conftest import issue
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_revocation_lands_in_the_holders_inbox_with_its_reason_and_a_link(
    client, residence, manager, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(certificate=residence, actor=manager, reason="居住地已变更")

    notice = Notice.objects.get(recipient=citizen, certificate_event__kind=EventKind.REVOKED)
    assert notice.case is None
    assert residence.identifier in notice.body
    assert "居住地已变更" in notice.body

    client.force_login(citizen)
    page = client.get(reverse("cases:inbox")).content.decode()
    assert notice.title in page
    assert reverse("certificates:detail", args=[residence.public_id]) in page


def test_issuance_is_announced_in_the_inbox_even_without_an_email_address(
    residence_type, department, django_capture_on_commit_callbacks
):
    holder = UserFactory(email="")

    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(residence_type, issuer=department, holder_user=holder)

    event = certificate.events.get(kind=EventKind.ISSUED)
    assert list(
        Notice.objects.filter(recipient=holder).values_list("certificate_event", flat=True)
    ) == [event.pk]


def test_notifying_an_event_again_adds_no_second_notice(residence, citizen):
    event = residence.events.get()

    for _ in range(2):
        notifications.certificate_event_notify(event_id=event.pk)

    assert Notice.objects.filter(recipient=citizen, certificate_event=event).count() == 1


def test_an_organisations_certificate_is_in_the_inbox_of_each_person_acting_for_it(
    licence_type, enterprise, department, representative, django_capture_on_commit_callbacks
):
    handler = MembershipFactory(role=Role.HANDLER, organisation=enterprise).user
    former = MembershipFactory(role=Role.HANDLER, organisation=enterprise, is_active=False).user

    with django_capture_on_commit_callbacks(execute=True):
        issue(licence_type, issuer=department, holder_organisation=enterprise)

    told = set(
        Notice.objects.filter(certificate_event__isnull=False).values_list("recipient", flat=True)
    )
    assert told == {representative.pk, handler.pk}
    assert former.pk not in told


def test_another_person_sees_nothing_of_it_in_their_inbox(
    client, residence, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(certificate=residence, actor=manager, reason="居住地已变更")
    stranger = UserFactory()

    client.force_login(stranger)
    page = client.get(reverse("cases:inbox")).content.decode()

    assert residence.identifier not in page
    assert not Notice.objects.filter(recipient=stranger).exists()
