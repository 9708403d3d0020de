from celery import shared_task

from certificates import notifications, services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_certificate_pdf(*, certificate_id: int) -> None:
    """Render, store and sign a certificate's PDF; again for a rendered one does nothing."""
    services.certificate_render_pdf(certificate_id=certificate_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_certificate_event(*, event_id: int) -> None:
    """E-mail the holder about a certificate event; again for the same event sends nothing."""
    notifications.certificate_event_notify(event_id=event_id)


@shared_task
def expire_certificates() -> int:
    """Daily: record and announce the certificates that expired."""
    return services.certificates_expire()
