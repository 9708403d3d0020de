from datetime import timedelta

from celery import shared_task

from certificates import notifications, services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_certificate_pdf(*, certificate_id: int) -> None:
    """Render, store and sign a certificate's PDF; again for a rendered one does nothing."""
    services.certificate_render_pdf(certificate_id=certificate_id)


# acks_late: a worker killed while sending is sent the task again (the event's row lock and
# notified_at keep a finished notification from being sent twice).
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_certificate_event(*, event_id: int) -> None:
    """E-mail the holder about a certificate event; again for the same event sends nothing."""
    notifications.certificate_event_notify(event_id=event_id)


@shared_task
def expire_certificates() -> int:
    """Daily: record and announce the certificates that expired."""
    return services.certificates_expire()


@shared_task(ignore_result=True)
def recover_certificates(*, older_than_seconds: int = 300) -> dict[str, int]:
    """Schedule again the PDF renders and holder notifications whose task was lost (run by
    Celery beat, see CELERY_BEAT_SCHEDULE)."""
    from certificates import recovery

    done = recovery.recover(older_than=timedelta(seconds=older_than_seconds))
    return {"renders": done.renders, "notifications": done.notifications}
