from celery import shared_task

from windows import services


@shared_task(ignore_result=True)
def sweep_hall() -> dict[str, int]:
    """Record no-shows: appointments whose slot ended without a check-in, and tickets left
    waiting on a past day (run by Celery beat, see CELERY_BEAT_SCHEDULE)."""
    return services.hall_sweep()
