"""The sweep that recovers lost certificate tasks (certificates.recovery): a certificate whose
PDF task never ran gets its PDF, an event whose e-mail task never ran is announced, once each.

A lost task is the on-commit scheduling that never happened (captured and dropped here, as
when the broker is down or the process stops between the commit and the scheduling)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from certificates import recovery
from certificates.models import Certificate, CertificateEvent
from certificates.tasks import notify_certificate_event, recover_certificates
from portal.celery import app as celery_app
from tests.certificates.conftest import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost(residence_type, citizen, department, django_capture_on_commit_callbacks):
    """A 居住证 issued 10 minutes ago whose render and e-mail tasks were never sent."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate = issue(residence_type, issuer=department, holder_user=citizen)
    assert len(callbacks) == 2  # the render and the e-mail, dropped
    _age(certificate, minutes=10)
    return certificate


def _age(certificate: Certificate, *, minutes: int) -> None:
    then = timezone.now() - timedelta(minutes=minutes)
    Certificate.objects.filter(pk=certificate.pk).update(created_at=then)
    CertificateEvent.objects.filter(certificate=certificate).update(at=then)


def test_a_lost_render_and_notification_are_recovered_once(lost, citizen) -> None:
    assert lost.pdf_sha256 == ""
    assert mail.outbox == []

    done = recovery.recover()

    assert (done.renders, done.notifications) == (1, 1)
    lost.refresh_from_db()
    assert len(lost.pdf_sha256) == 64
    assert lost.pdf.read().startswith(b"%PDF-")
    assert lost.events.get().notified_at is not None
    assert [message.to for message in mail.outbox] == [[citizen.email]]
    # The next sweep finds nothing; the lost task arriving late sends nothing either.
    assert recovery.recover() == recovery.Recovered(renders=0, notifications=0)
    notify_certificate_event.delay(event_id=lost.events.get().pk)
    assert len(mail.outbox) == 1


def test_recent_work_is_left_to_its_own_task(lost) -> None:
    _age(lost, minutes=1)
    assert recovery.recover() == recovery.Recovered(renders=0, notifications=0)
    lost.refresh_from_db()
    assert lost.pdf_sha256 == ""


def test_events_older_than_a_week_are_not_announced_any_more(lost) -> None:
    _age(lost, minutes=8 * 24 * 60)
    done = recovery.recover()
    # The PDF is still owed to the holder; the e-mail is no longer news.
    assert (done.renders, done.notifications) == (1, 0)
    assert lost.events.get().notified_at is None
    assert mail.outbox == []


def test_a_sweep_takes_at_most_its_limit(residence_type, department, lost) -> None:
    from tests.factories import UserFactory

    # Outside a committed transaction its on-commit tasks never run: lost as well.
    second = issue(residence_type, issuer=department, holder_user=UserFactory())
    _age(second, minutes=10)
    first = recovery.recover(limit=1)
    rest = recovery.recover(limit=1)
    assert (first.renders, rest.renders) == (1, 1)
    assert not Certificate.objects.filter(pdf_sha256="").exists()


def test_the_beat_task_is_scheduled(settings, lost) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["certificates.recover"]
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
    assert entry["kwargs"]["older_than_seconds"] >= 120
    assert recover_certificates.delay(**entry["kwargs"]).get() == {
        "renders": 1,
        "notifications": 1,
    }
