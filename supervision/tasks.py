"""Celery tasks of supervision: they take ids, call a service, and can run twice."""

from celery import shared_task

from supervision import notifications, services, sweep


@shared_task(ignore_result=True)
def sweep_deadlines() -> dict[str, int]:
    """Take up the objections raised in the data use log as complaints, raise and close the
    deadline cards, then tell the people concerned (Celery beat runs it every few minutes,
    see CELERY_BEAT_SCHEDULE)."""
    services.complaints_from_objections()
    report = sweep.sweep_deadlines()
    notify_cards.delay()
    return {"raised": report.raised_total, "closed": report.closed}


@shared_task(ignore_result=True)
def notify_cards() -> int:
    return notifications.cards_notify()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, ignore_result=True)
def mail_notices(*, notice_ids: list[int]) -> int:
    return notifications.notices_mail(notice_ids=notice_ids)
