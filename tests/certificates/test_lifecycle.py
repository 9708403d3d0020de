"""Revocation, replacement and expiry by the issuing department; every step audited and
e-mailed to the holder (SPEC.md §7)."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from certificates import selectors, services
from certificates.constants import AuditAction, CertificateState, EventKind, Standing
from certificates.models import Certificate, CertificateEvent
from core.errors import Conflict, NotFound, ValidationFailed
from identity.constants import Role
from identity.models import AuditEvent
from tests.certificates.conftest import issue
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_issuing_department_revokes_with_a_reason_and_the_holder_is_told(
    residence, manager, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(certificate=residence, actor=manager, reason=" 居住地已变更 ")

    residence.refresh_from_db()
    assert residence.state == CertificateState.REVOKED
    assert (residence.revoked_by, residence.revocation_reason) == (manager, "居住地已变更")
    assert selectors.standing(residence) == Standing.REVOKED
    event = residence.events.get(kind=EventKind.REVOKED)
    assert event.notified_at is not None
    assert AuditEvent.objects.get(action=AuditAction.REVOKE).detail == {
        "identifier": residence.identifier,
        "reason": "居住地已变更",
    }
    assert [m.to for m in mail.outbox] == [[citizen.email]]
    assert residence.identifier in mail.outbox[0].body
    assert "居住地已变更" in mail.outbox[0].body


@pytest.mark.parametrize("who", ["holder", "other_department", "clerk_of_issuer", "stranger"])
def test_no_one_but_the_issuing_departments_reviewers_revokes(
    residence, citizen, other_manager, department, who
):
    actor = {
        "holder": citizen,
        "other_department": other_manager,
        "clerk_of_issuer": MembershipFactory(role=Role.CLERK, organisation=department).user,
        "stranger": MembershipFactory(role=Role.HANDLER).user,
    }[who]

    with pytest.raises(NotFound):
        services.certificate_revoke(certificate=residence, actor=actor, reason="无理由")

    residence.refresh_from_db()
    assert residence.state == CertificateState.ISSUED
    assert not AuditEvent.objects.filter(action=AuditAction.REVOKE).exists()


def test_a_revocation_needs_a_reason_and_happens_once(residence, manager):
    with pytest.raises(ValidationFailed) as no_reason:
        services.certificate_revoke(certificate=residence, actor=manager, reason="  ")
    services.certificate_revoke(certificate=residence, actor=manager, reason="注销")
    with pytest.raises(Conflict):
        services.certificate_revoke(certificate=residence, actor=manager, reason="再次注销")

    assert no_reason.value.field == "reason"
    assert residence.events.filter(kind=EventKind.REVOKED).count() == 1


def test_a_corrected_version_replaces_the_old_one_and_keeps_its_validity(
    residence, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_replace(
            certificate=residence,
            actor=manager,
            data={"residence_address": "宜昌市伍家岗区"},
            reason="地址更正",
        )

    residence.refresh_from_db()
    new.refresh_from_db()
    assert residence.state == CertificateState.REPLACED
    assert (new.version, new.serial, new.predecessor) == (2, residence.serial, residence)
    assert new.valid_until == residence.valid_until
    assert new.data == {"applicant_name": "张三", "residence_address": "宜昌市伍家岗区"}
    assert new.pdf_sha256  # rendered on commit
    assert selectors.signature_intact(new)
    assert selectors.signature_intact(residence)  # the old version still verifies as signed
    assert AuditEvent.objects.get(action=AuditAction.REPLACE).detail["replaces"] == (
        residence.identifier
    )
    # The holder hears of the replacement (old version) and of the new version.
    assert len(mail.outbox) == 2
    assert all(m.to == [residence.holder_user.email] for m in mail.outbox)


def test_a_revoked_or_replaced_certificate_is_not_replaced_again(residence, manager):
    services.certificate_revoke(certificate=residence, actor=manager, reason="注销")

    with pytest.raises(Conflict):
        services.certificate_replace(certificate=residence, actor=manager, data={}, reason="更正")
    assert Certificate.objects.count() == 1


def test_a_replacement_by_another_department_is_refused(residence, other_manager):
    with pytest.raises(NotFound):
        services.certificate_replace(
            certificate=residence, actor=other_manager, data={}, reason="更正"
        )

    assert Certificate.objects.count() == 1


def test_a_lapsed_version_that_was_replaced_does_not_expire(
    residence_type, citizen, department, django_capture_on_commit_callbacks
):
    lapsed = issue(
        residence_type,
        issuer=department,
        holder_user=citizen,
        issued_on=date.today() - timedelta(days=400),
    )
    issue(residence_type, issuer=department, holder_user=citizen)  # renewed: replaces it
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        swept = services.certificates_expire()

    lapsed.refresh_from_db()
    assert swept == 0
    assert selectors.standing(lapsed) == Standing.REPLACED
    assert not CertificateEvent.objects.filter(kind=EventKind.EXPIRED).exists()
    assert mail.outbox == []


def test_the_sweep_expires_a_lapsed_certificate_once(
    residence_type, citizen, department, django_capture_on_commit_callbacks
):
    lapsed = issue(
        residence_type,
        issuer=department,
        holder_user=citizen,
        issued_on=date.today() - timedelta(days=400),
    )

    with django_capture_on_commit_callbacks(execute=True):
        counts = [services.certificates_expire(), services.certificates_expire()]

    assert counts == [1, 0]
    assert lapsed.events.filter(kind=EventKind.EXPIRED).count() == 1
    assert selectors.standing(lapsed) == Standing.EXPIRED
    assert [m.to for m in mail.outbox] == [[citizen.email]]
    assert AuditEvent.objects.filter(action=AuditAction.EXPIRE).count() == 1


def test_an_organisations_certificate_is_announced_to_the_people_acting_for_it(
    licence_type, enterprise, department, representative, django_capture_on_commit_callbacks
):
    handler = MembershipFactory(role=Role.HANDLER, organisation=enterprise).user
    MembershipFactory(role=Role.HANDLER, organisation=enterprise, is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        issue(licence_type, issuer=department, holder_organisation=enterprise)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([representative.email, handler.email])


def test_a_notification_sent_twice_sends_nothing_more(residence):
    from certificates import notifications

    event = residence.events.get()

    sent = [notifications.certificate_event_notify(event_id=event.pk) for _ in range(2)]

    assert sent == [1, 0]
    assert len(mail.outbox) == 1


def test_the_verify_command_reports_a_tampered_certificate(licence, residence, capsys):
    call_command("certificates_verify")
    assert "2 certificates verified." in capsys.readouterr().out

    Certificate.objects.filter(pk=residence.pk).update(holder_name="李四")
    with pytest.raises(Exception, match="1 of 2 certificates failed"):
        call_command("certificates_verify")


def test_events_are_kept_in_order(residence, manager):
    services.certificate_revoke(certificate=residence, actor=manager, reason="注销")

    assert list(
        CertificateEvent.objects.filter(certificate=residence).values_list("kind", flat=True)
    ) == [EventKind.ISSUED, EventKind.REVOKED]
