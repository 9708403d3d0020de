"""The Celery task that writes a large export (listed in CELERY_IMPORTS: supervision.tasks
belongs to the deadline sweep)."""

from celery import shared_task

from supervision import exports


@shared_task(acks_late=True)
def run_export(export_id: str) -> None:
    exports.export_run(export_id=export_id)
