"""Telling holders about their certificates: a notice in the in-site inbox and an e-mail per
life event (issued, replaced, revoked, expired), in each recipient's language, to the person
or to the people who act for the holding organisation. The wallet shows the same events as
the certificate's history.

The in-site inbox (cases.Notice) belongs to the cases app, above this one: it keeps its notice
on the `certificate_event_announced` signal sent here.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certificates.constants import EventKind
from certificates.models import CertificateEvent
from certificates.signals import certificate_event_announced
from identity.constants import ORGANISATION_ROLES
from identity.models import User


def _recipients(event: CertificateEvent) -> list[User]:
    certificate = event.certificate
    if certificate.holder_user_id is not None:
        return [certificate.holder_user]
    return list(
        User.objects.filter(
            memberships__organisation_id=certificate.holder_organisation_id,
            memberships__role__in=ORGANISATION_ROLES,
            memberships__is_active=True,
            is_active=True,
        ).distinct()
    )


def _message(event: CertificateEvent, person: User) -> tuple[str, str]:
    certificate = event.certificate
    link = settings.SITE_URL.rstrip("/") + reverse(
        "certificates:detail", args=[certificate.public_id]
    )
    with translation.override(person.language or settings.LANGUAGE_CODE):
        values = {
            "name": certificate.type.name,
            "holder": certificate.holder_name,
            "identifier": certificate.identifier,
            "event": EventKind(event.kind).label,
        }
        title = _("Your e-certificate %(name)s: %(event)s") % values
        body = _("%(name)s of %(holder)s (%(identifier)s): %(event)s.") % values
        if event.note:
            body += "\n\n" + _("Reason: %(reason)s") % {"reason": event.note}
        body += "\n\n" + _("See it in your certificate wallet: %(link)s") % {"link": link}
    return title[:200], body


def certificate_event_notify(*, event_id: int) -> int:
    """Tell the holder about one event (inbox notice and e-mail); returns how many e-mails
    were sent. Running it again for the same event sends nothing (the event remembers it
    was notified)."""
    with transaction.atomic():
        event = (
            CertificateEvent.objects.select_for_update(of=("self",))
            .select_related("certificate__type", "certificate__holder_user")
            .get(pk=event_id)
        )
        if event.notified_at is not None:
            return 0
        sent = 0
        for person in _recipients(event):
            title, body = _message(event, person)
            certificate_event_announced.send(
                sender=CertificateEvent, event=event, person=person, title=title, body=body
            )
            if not person.email:
                continue
            send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [person.email])
            sent += 1
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    return sent
