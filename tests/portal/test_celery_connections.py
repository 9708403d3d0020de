"""A Celery worker keeps its database connection from task to task, as gunicorn's workers do
from request to request, and a connection the database dropped costs no task: it is checked
before its next use and replaced (portal/celery.py, CELERY_DB_REUSE_MAX, CONN_HEALTH_CHECKS).

A real worker process (`celery -A portal worker`, solo pool: one connection) delivers
hand-offs from the outbox; PostgreSQL's pg_stat_activity shows its connections by name.
Needs PostgreSQL (a database shared with the worker) and Redis (a real broker).
"""

import time
import uuid
from collections.abc import Callable

import pytest
from django.db import connection

from cases import handoffs
from cases.models import Case, DepartmentNotice, OutboxMessage
from identity.models import Organisation
from tests.conftest import WorkerProcess
from tests.factories import DepartmentFactory
from tests.factories.cases import cases_in_review

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres(reason="a database shared with a worker process; pg_stat_activity"),
    pytest.mark.django_db(transaction=True),
]

# A guard against a hung run, not a timing: a loaded machine delivers slowly.
WAIT_SECONDS = 60


def _backends(application_name: str) -> list[int]:
    """The PostgreSQL backends serving connections of that name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name]
        )
        return sorted(pid for (pid,) in cursor.fetchall())


def _wait_until(condition: Callable[[], bool], what: str, worker: WorkerProcess) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if worker.process.poll() is not None or time.monotonic() > deadline:
            log = worker.log.read_text()
            pytest.fail(f"gave up waiting until {what}; the worker's log:\n{log}")
        time.sleep(0.05)


def _deliver(case: Case, to: Organisation, worker: WorkerProcess) -> None:
    """Hand one case off (its task is sent on commit) and wait until it is delivered."""
    delivered = DepartmentNotice.objects.count()
    handoffs.hand_off_enqueue(
        case=case, to_department=to, from_department=case.department, reason="不属于本部门职责"
    )
    _wait_until(
        lambda: DepartmentNotice.objects.count() == delivered + 1, "the hand-off arrived", worker
    )


def test_a_worker_keeps_its_connection_and_replaces_one_the_database_dropped(start_worker):
    name = f"portal-test-worker-{uuid.uuid4().hex[:12]}"
    cases = cases_in_review(4)
    receiving = DepartmentFactory(name="宜昌市自然资源和规划局")
    worker = start_worker(pool="solo", concurrency=1, application_name=name)

    _deliver(cases[0], receiving, worker)
    kept = _backends(name)
    # Kept open after the task (Celery's fix-up alone closes it after every task).
    assert len(kept) == 1
    _deliver(cases[1], receiving, worker)
    _deliver(cases[2], receiving, worker)
    assert _backends(name) == kept, "the same connection served every task"

    # The database drops it, as a restart would: the next task checks it, finds it dead and
    # connects again, instead of failing on it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", kept)
    _wait_until(lambda: not _backends(name), "the backend was gone", worker)
    _deliver(cases[3], receiving, worker)
    replaced = _backends(name)
    assert len(replaced) == 1
    assert replaced != kept

    # Each hand-off went through at its first attempt: no task met the dead connection.
    assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 1, 1, 1]
    assert "Traceback" not in worker.log.read_text()
