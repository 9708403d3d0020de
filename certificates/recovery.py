"""Work on certificates whose task was lost: the PDF rendering and the holder's e-mail are
scheduled when the issuing transaction commits, and a task can be lost after that (broker
down at that moment, worker killed without the message coming back). A periodic sweep (Celery
beat, CELERY_BEAT_SCHEDULE) schedules them again.

Both tasks are idempotent (a rendered certificate is not rendered again, a notified event is
not notified again), so a sweep that schedules work still queued behind a slow worker costs
a second task that does nothing, never a second PDF or e-mail.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from certificates.models import Certificate, CertificateEvent

logger = logging.getLogger(__name__)

# Younger than this, the task scheduled on commit is most likely still on its way.
RECOVER_AFTER = timedelta(minutes=5)
# An event older than this is not announced any more: a late e-mail about something the
# holder has long seen in their wallet helps no one (the wallet's history shows it).
NOTIFY_WITHIN = timedelta(days=7)
# At most this many of each per sweep; the next sweep takes the rest.
RECOVER_LIMIT = 500


@dataclass(frozen=True)
class Recovered:
    renders: int
    notifications: int


def unrendered(*, older_than: timedelta = RECOVER_AFTER) -> QuerySet[Certificate]:
    """Certificates without a PDF, created more than `older_than` ago."""
    return Certificate.objects.filter(
        pdf_sha256="", created_at__lte=timezone.now() - older_than
    ).order_by("created_at", "id")


def unnotified(
    *, older_than: timedelta = RECOVER_AFTER, within: timedelta = NOTIFY_WITHIN
) -> QuerySet[CertificateEvent]:
    """Events the holder was not told about, between `within` and `older_than` ago."""
    now = timezone.now()
    return CertificateEvent.objects.filter(
        notified_at__isnull=True, at__lte=now - older_than, at__gt=now - within
    ).order_by("at", "id")


def recover(*, older_than: timedelta = RECOVER_AFTER, limit: int = RECOVER_LIMIT) -> Recovered:
    """Schedule again the renders and notifications that should have happened by now. A
    broker error propagates: nothing can be scheduled, the next sweep tries again."""
    from certificates.tasks import notify_certificate_event, render_certificate_pdf

    renders = list(unrendered(older_than=older_than).values_list("pk", flat=True)[:limit])
    for certificate_id in renders:
        render_certificate_pdf.delay(certificate_id=certificate_id)
    events = list(unnotified(older_than=older_than).values_list("pk", flat=True)[:limit])
    for event_id in events:
        notify_certificate_event.delay(event_id=event_id)
    if renders or events:
        logger.warning(
            "Certificates recovery: %s PDF renders and %s notifications scheduled again",
            len(renders),
            len(events),
        )
    return Recovered(renders=len(renders), notifications=len(events))
