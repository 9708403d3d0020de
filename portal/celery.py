"""The Celery app. Without REDIS_URL, settings make every task run eagerly (embedded mode)."""

import os
from typing import Any

from celery import Celery, Task
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(task: Task, **kwargs: Any) -> None:
    """Around each task, as around a request: close a connection past CONN_MAX_AGE or broken
    by an error, and have a kept one checked before its next use (CONN_HEALTH_CHECKS), so a
    connection the database dropped while the worker waited (a restart) fails no task. The
    fix-up keeps connections otherwise (CELERY_DB_REUSE_MAX)."""
    # An eager task runs inside its caller's transaction and connection: left alone.
    if not getattr(task.request, "is_eager", False):
        close_old_connections()
