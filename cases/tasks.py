from celery import shared_task

from cases import notifications


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_case_event(*, event_id: int) -> None:
    """Tell the applicant (and the agent) about a step of their case: inbox, e-mail, SMS.
    Running it again for the same step sends nothing twice."""
    notifications.case_event_notify(event_id=event_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def deliver_outbox_message(*, message_id: str) -> None:
    """Deliver one outbox message; running it again for a delivered message does nothing."""
    from cases import outbox

    outbox.deliver(message_id)
