import logging
from datetime import timedelta

from celery import shared_task

from cases import notifications

logger = logging.getLogger(__name__)


# acks_late: a worker killed while sending is sent the task again (one notice per person and
# step, whatever runs twice).
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_case_event(*, event_id: int) -> None:
    """Tell the applicant (and the agent) about a step of their case: inbox, e-mail, SMS.
    Running it again for the same step sends nothing twice."""
    notifications.case_event_notify(event_id=event_id)


# The attempts are counted on the message row (cases.outbox.MAX_ATTEMPTS bounds them across
# every task and sweep that tries it); max_retries only backs that up.
@shared_task(bind=True, acks_late=True, max_retries=8)
def deliver_outbox_message(self, *, message_id: str) -> None:
    """Deliver one outbox message; running it again for a delivered message does nothing.
    A failed attempt is recorded on the message and retried with exponential back-off and
    jitter; when the attempts run out the message is marked failed for an administrator."""
    from cases import outbox

    while True:
        try:
            outbox.deliver(message_id)
            return
        except Exception as error:
            message = outbox.record_failure(message_id=message_id, error=error)
            if message is None:
                return
            logger.warning(
                "Outbox message %s (%s) attempt %s failed",
                message.pk,
                message.kind,
                message.attempts,
            )
            if not self.request.is_eager:
                raise self.retry(
                    countdown=outbox.retry_delay(message.attempts), exc=error
                ) from error
            # Embedded mode, no broker to wait on: the next attempt at once (still bounded).


@shared_task(ignore_result=True)
def sweep_outbox(*, older_than_seconds: int = 120) -> int:
    """Schedule again the outbox messages still pending after `older_than_seconds` (run by
    Celery beat, see CELERY_BEAT_SCHEDULE)."""
    from cases import outbox

    return outbox.sweep(older_than=timedelta(seconds=older_than_seconds))


@shared_task(ignore_result=True)
def resend_lost_notifications(*, older_than_seconds: int = 300) -> int:
    """Schedule again the case notifications whose task was lost (run by Celery beat)."""
    return notifications.resend_lost(older_than=timedelta(seconds=older_than_seconds))
