"""Scheduling Celery tasks after a commit without letting a broker outage fail the request.

The data is committed by then: raising would answer a 500 for a change that happened. The
work is not lost either: every task scheduled this way has a periodic sweep that finds what
was never done (cases.outbox.sweep, certificates.recovery) and schedules it again.
"""

import logging
from functools import partial
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task: Task, **kwargs: Any) -> bool:
    """Send `task` to the broker now; False (logged) when the broker cannot be reached.
    Errors of the task itself (eager mode) are not swallowed."""
    try:
        task.delay(**kwargs)
    except OperationalError:
        logger.warning("Broker unreachable, %s%r left to its sweep", task.name, kwargs)
        return False
    return True


def enqueue_on_commit(task: Task, **kwargs: Any) -> None:
    """Send `task` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(enqueue, task, **kwargs))
