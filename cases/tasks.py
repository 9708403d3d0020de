from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from cases.models import CaseEvent


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_case_event(*, event_id: int) -> None:
    """E-mail the applicant (and the agent) about a step of their case."""
    event = CaseEvent.objects.select_related("case__applicant", "case__agent", "case__version").get(
        pk=event_id
    )
    case = event.case
    recipients = [p.email for p in (case.applicant, case.agent) if p is not None and p.email]
    if not recipients:
        return
    with translation.override(case.applicant.language or settings.LANGUAGE_CODE):
        subject = _("Your case %(number)s: %(state)s") % {
            "number": case.number,
            "state": case.get_state_display(),
        }
        body = _("%(service)s — case %(number)s is now “%(state)s”.") % {
            "service": case.version.name,
            "number": case.number,
            "state": case.get_state_display(),
        }
        if event.comment:
            body += "\n\n" + event.comment
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
