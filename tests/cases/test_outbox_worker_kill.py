"""Hand-offs that never get lost (issue 6 item 5): a real Celery worker process is killed
with SIGKILL in the middle of delivering 1,000 hand-offs; a new worker and the outbox sweep
deliver the rest, and every hand-off reaches its department exactly once.

Needs PostgreSQL (row locks, a database shared with the worker process) and Redis (a real
broker whose unacknowledged tasks stay with the dead worker); skipped otherwise.
"""

import signal
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
import redis
from django.db import transaction
from django.db.models import Count

from cases import handoffs, outbox
from cases.models import DepartmentNotice, Notice, OutboxMessage
from identity.constants import Role
from tests.conftest import WorkerProcess
from tests.factories import DepartmentFactory, MembershipFactory
from tests.factories.cases import cases_in_review

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

HAND_OFFS = 1000
# The first worker is killed once this many hand-offs are delivered (some, not all).
KILL_AFTER = 200
# A guard against a hung run, not a timing: a loaded machine delivers slowly.
WAIT_SECONDS = 120


def _delivered() -> int:
    return OutboxMessage.objects.filter(delivered_at__isnull=False).count()


def _wait_until(condition: Callable[[], bool], what: str, worker: WorkerProcess) -> None:
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
    worker_queue, start_worker, settings
):
    cases = cases_in_review(HAND_OFFS)
    receiving = DepartmentFactory(name="宜昌市自然资源和规划局")
    reviewer = MembershipFactory(role=Role.REVIEWER, organisation=receiving).user
    broker = redis.Redis.from_url(settings.REDIS_URL)

    def queue_length() -> int:
        return broker.llen(worker_queue)

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
