"""Hand-offs that never get lost (issue 6 item 5): a real Celery worker process is killed
with SIGKILL in the middle of delivering 1,000 hand-offs; a new worker and the outbox sweep
deliver the rest, and every hand-off reaches its department exactly once.

Needs PostgreSQL (row locks, a database shared with the worker process) and Redis (a real
broker whose unacknowledged tasks stay with the dead worker); skipped otherwise.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection, transaction
from django.db.models import Count

from cases import handoffs, outbox
from cases.constants import CaseState, Channel
from cases.models import Case, DepartmentNotice, Notice, OutboxMessage
from identity.constants import Role
from portal.celery import app as celery_app
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.factories.matters import VersionFactory

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
HAND_OFFS = 1000
# The first worker is killed once this many hand-offs are delivered (some, not all).
KILL_AFTER = 200
# A guard against a hung run, not a timing: a loaded machine delivers slowly.
WAIT_SECONDS = 120


@pytest.fixture
def queue(settings) -> Iterator[str]:
    """A Redis queue of this test's own; tasks go there instead of running eagerly."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: a real broker for a real worker")
    name = f"test-outbox-{uuid.uuid4().hex}"
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = name
    yield name
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
    redis.Redis.from_url(settings.REDIS_URL).delete(name)


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path


@pytest.fixture
def start_worker(queue, settings, tmp_path) -> Iterator[Callable[[], Worker]]:
    """Start Celery worker processes on the test database and queue; stopped at the end."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # One connection per worker, not one per task.
        "DATABASE_CONN_MAX_AGE": "60",
    }
    workers: list[Worker] = []

    def start() -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                queue,
                "--pool=threads",
                "--concurrency=4",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        workers.append(Worker(process, log))
        return workers[-1]

    yield start
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.kill()
        worker.process.wait(10)


def _cases(count: int) -> list[Case]:
    """Cases under review in one department (written in bulk: the delivery is the point)."""
    reviewer_department = DepartmentFactory()
    applicant = UserFactory()
    version = VersionFactory(implementation__department=reviewer_department)
    prefix = uuid.uuid4().hex[:8]
    return Case.objects.bulk_create(
        Case(
            number=f"{prefix}-{index:06d}",
            version=version,
            department=reviewer_department,
            region=version.implementation.region,
            state=CaseState.IN_REVIEW,
            channel=Channel.ONLINE,
            applicant=applicant,
            created_by=applicant,
        )
        for index in range(count)
    )


def _delivered() -> int:
    return OutboxMessage.objects.filter(delivered_at__isnull=False).count()


def _wait_until(condition: Callable[[], bool], what: str, worker: Worker) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        stopped = worker.process.poll() is not None
        if stopped or time.monotonic() > deadline:
            log = worker.log.read_text()[-3000:]
            pytest.fail(
                f"{'the worker stopped' if stopped else 'gave up waiting'} before {what} "
                f"({_delivered()} delivered); its log:\n{log}"
            )
        time.sleep(0.05)


def _settled(queue_length: Callable[[], int]) -> Callable[[], bool]:
    """The queue is empty and nothing was delivered for a second (the last task is done)."""
    last = {"count": -1, "since": time.monotonic()}

    def check() -> bool:
        count = _delivered()
        if count != last["count"]:
            last.update(count=count, since=time.monotonic())
            return False
        return queue_length() == 0 and time.monotonic() - last["since"] > 1.0

    return check


def test_killing_the_worker_mid_delivery_loses_and_repeats_no_hand_off(
    queue, start_worker, settings
):
    cases = _cases(HAND_OFFS)
    receiving = DepartmentFactory(name="宜昌市自然资源和规划局")
    reviewer = MembershipFactory(role=Role.REVIEWER, organisation=receiving).user
    broker = redis.Redis.from_url(settings.REDIS_URL)

    def queue_length() -> int:
        return broker.llen(queue)

    # 1,000 hand-offs written in one transaction; their tasks are sent when it commits.
    with transaction.atomic():
        for case in cases:
            handoffs.hand_off_enqueue(
                case=case,
                to_department=receiving,
                from_department=case.department,
                reason="不属于本部门职责",
            )

    first = start_worker()
    _wait_until(lambda: _delivered() >= KILL_AFTER, f"{KILL_AFTER} hand-offs were delivered", first)
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(10)
    delivered_by_the_first = _delivered()
    assert KILL_AFTER <= delivered_by_the_first < HAND_OFFS

    # A new worker takes what is still queued; the tasks the dead one held (running or
    # reserved) stay unacknowledged with it until the broker's visibility timeout, an hour
    # away: their hand-offs are left behind.
    second = start_worker()
    _wait_until(_settled(queue_length), "the second worker emptied the queue", second)
    left_behind = OutboxMessage.objects.filter(delivered_at__isnull=True).count()
    assert left_behind >= 1

    # The sweep picks up what was left behind.
    assert outbox.sweep(older_than=timedelta(0)) == left_behind
    _wait_until(lambda: _delivered() == HAND_OFFS, "every hand-off was delivered", second)
    _wait_until(_settled(queue_length), "the second worker finished", second)
    second.process.send_signal(signal.SIGTERM)
    second.process.wait(20)

    messages = OutboxMessage.objects.all()
    assert messages.count() == HAND_OFFS
    # Each delivered in one committed attempt: those cut short by the kill rolled back.
    assert not messages.filter(delivered_at__isnull=True).exists()
    assert not messages.exclude(attempts=1).exists()
    assert not messages.filter(failed_at__isnull=False).exists()
    assert DepartmentNotice.objects.count() == HAND_OFFS
    assert set(DepartmentNotice.objects.values_list("message_id", flat=True)) == set(
        messages.values_list("id", flat=True)
    )
    per_case = DepartmentNotice.objects.values("case").annotate(n=Count("id"))
    assert {row["n"] for row in per_case} == {1}
    assert DepartmentNotice.objects.filter(department=receiving).count() == HAND_OFFS
    assert Notice.objects.filter(recipient=reviewer).count() == HAND_OFFS
