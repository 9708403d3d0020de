"""Telling people about their cases: the in-site inbox (站内信), e-mail and SMS.

Every step of a case (a `CaseEvent`) gives its applicant and agent one notice in their inbox,
one e-mail and one text message, each in the person's own language. SMS goes through a
pluggable sender class named by `settings.PORTAL_SMS_SENDER`, so a real gateway replaces the
console one of the demo without touching this module.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from cases.constants import Action, CaseState
from cases.models import Case, CaseEvent, Notice
from certificates.models import CertificateEvent
from core.errors import NotFound
from identity.models import User
from identity.validators import mask_phone

logger = logging.getLogger(__name__)


# --- SMS senders -------------------------------------------------------------------------


class SmsSender(Protocol):
    """What an SMS gateway adapter offers. It may raise OSError when the gateway is down."""

    def send(self, *, phone: str, text: str) -> None: ...


class ConsoleSmsSender:
    """The demo SMS gateway: writes the message to the log instead of sending it. The phone
    number is masked, as everywhere personal data reaches a log."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


def sms_sender() -> SmsSender:
    """A sender of the class configured in `PORTAL_SMS_SENDER`."""
    return import_string(settings.PORTAL_SMS_SENDER)()


# --- Messages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    email_body: str
    sms: str


def _message(*, event: CaseEvent, step: int, person: User) -> Message:
    """The message about one step, in the person's language."""
    case = event.case
    with translation.override(person.language or settings.LANGUAGE_CODE):
        # The state this step reached, not the case's state now: the task may run later.
        state = CaseState(event.to_state).label
        values = {
            "service": case.version.name,
            "number": case.number,
            "step": step,
            "state": state,
            "action": Action(event.action).label if event.action in Action else event.action,
            "time": timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M"),
        }
        title = _("Your case %(number)s: %(state)s") % values
        body = (
            _(
                "%(service)s — case %(number)s, step %(step)s: “%(action)s” on %(time)s. "
                "The case moved to “%(state)s”."
            )
            % values
        )
        if event.comment:
            body += "\n\n" + _("Comment: %(comment)s") % {"comment": event.comment}
        sms = _("Case %(number)s (%(service)s) is now “%(state)s”.") % values
        link = settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[case.number])
        email_body = body + "\n\n" + _("Follow your case here: %(link)s") % {"link": link}
    return Message(title=title[:200], body=body, email_body=email_body, sms=sms)


def _recipients(event: CaseEvent) -> list[User]:
    people = [event.case.applicant, event.case.agent]
    unique = {person.pk: person for person in people if person is not None}
    return list(unique.values())


# --- Services ----------------------------------------------------------------------------


def case_event_notify(*, event_id: int) -> list[Notice]:
    """Tell the applicant and the agent about one step of their case: a notice in their
    inbox, an e-mail and a text message. Returns the notices made by this call.

    Safe to run twice for the same step: a person who already has the notice is skipped.
    The notice and the e-mail commit together, so when the mail server fails the task's
    retry sends both again; SMS is best effort after that.
    """
    event = CaseEvent.objects.get(pk=event_id)
    # The case by its primary key, apart: joined to the event, PostgreSQL's plan at a million
    # cases walked the cases' index from the start (hundreds of ms per notification).
    event.case = Case.objects.select_related("applicant", "agent", "version").get(pk=event.case_id)
    # The step's place in the case's timeline names it in the message, and so tells apart
    # two alike steps (two hand-offs with the same comment) when the task runs again.
    step = CaseEvent.objects.filter(case_id=event.case_id, pk__lte=event.pk).count()
    made = []
    for person in _recipients(event):
        message = _message(event=event, step=step, person=person)
        with transaction.atomic():
            notice, created = Notice.objects.get_or_create(
                recipient=person,
                event=event,
                defaults={"case": event.case, "title": message.title, "body": message.body},
            )
            if not created:
                continue
            if person.email:
                send_mail(
                    message.title, message.email_body, settings.DEFAULT_FROM_EMAIL, [person.email]
                )
        made.append(notice)
        if person.phone:
            try:
                sms_sender().send(phone=person.phone, text=message.sms)
            except OSError:
                logger.warning("SMS about case %s not sent", event.case.number, exc_info=True)
    if event.notify_pending:
        CaseEvent.objects.filter(pk=event.pk).update(notify_pending=False)
    return made


# Younger than this, the task scheduled on commit is most likely still on its way; older than
# the second, a message about the step would come too late to help (the timeline shows it).
RESEND_AFTER = timedelta(minutes=5)
RESEND_WITHIN = timedelta(days=7)
RESEND_LIMIT = 500


def resend_lost(*, older_than: timedelta = RESEND_AFTER, limit: int = RESEND_LIMIT) -> int:
    """Schedule again the notifications of steps whose task was lost; returns how many. The
    task is safe to run twice, so one still queued behind a slow worker costs nothing."""
    from cases.tasks import notify_case_event

    now = timezone.now()
    lost = list(
        CaseEvent.objects.filter(
            notify_pending=True, at__lte=now - older_than, at__gt=now - RESEND_WITHIN
        )
        .order_by("at")
        .values_list("pk", flat=True)[:limit]
    )
    for event_id in lost:
        notify_case_event.delay(event_id=event_id)
    if lost:
        logger.warning("%s case notifications scheduled again", len(lost))
    return len(lost)


def certificate_event_notice(
    *, event: CertificateEvent, person: User, title: str, body: str, **_signal: Any
) -> None:
    """The inbox notice of a certificate's life event (received on certificates'
    `certificate_event_announced`, in the transaction that marks the event notified)."""
    Notice.objects.get_or_create(
        recipient=person, certificate_event=event, defaults={"title": title, "body": body}
    )


def notice_mark_read(*, user: Any, notice_id: int) -> Notice:
    """Mark one of the person's notices as read (reading it again changes nothing)."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().filter(pk=notice_id, recipient=user).first()
        if notice is None:
            raise NotFound()
        if notice.read_at is None:
            notice.read_at = timezone.now()
            notice.save(update_fields=["read_at"])
    return notice


# --- Reads -------------------------------------------------------------------------------


def notices_for(user: Any) -> QuerySet[Notice]:
    """The person's inbox: unread first, then newest first, with the case or certificate to
    link to."""
    return (
        Notice.objects.filter(recipient=user)
        .select_related("case", "certificate_event__certificate")
        .order_by(
            ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()).desc(),
            "-created_at",
            "-id",
        )
    )


def unread_notice_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
