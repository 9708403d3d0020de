"""core.tasks: a broker that cannot be reached does not fail a request whose data is
committed; the task is logged as left to its sweep. A real Celery app and kombu transport
are used: a Redis URL on a port where nothing listens, and kombu's in-memory broker."""

import logging
import socket
import uuid
from collections.abc import Iterator

import pytest
from celery import Celery
from django.db import transaction

from core.tasks import enqueue, enqueue_on_commit
from identity.models import User
from tests.factories import UserFactory


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # released on close: nothing listens there


def _app(broker_url: str) -> Celery:
    app = Celery("core-tasks-test", set_as_current=False)
    app.conf.update(
        broker_url=broker_url,
        # kombu's memory transport is one per process: a queue of this app's own.
        task_default_queue=f"test-{uuid.uuid4().hex}",
        task_always_eager=False,
        broker_connection_retry_on_startup=False,
        # Give up quickly on the closed port (Celery's default retries take about 1 s).
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
    )
    return app


@pytest.fixture
def down_app() -> Iterator[Celery]:
    app = _app(f"redis://127.0.0.1:{_closed_port()}/0")
    yield app
    app.close()


@pytest.fixture
def memory_app() -> Iterator[Celery]:
    app = _app("memory://")
    yield app
    app.close()


def _queued(app: Celery) -> int:
    with app.connection_for_write() as connection:
        queue = app.conf.task_default_queue
        return connection.default_channel.queue_declare(queue, passive=True).message_count


def test_enqueue_with_the_broker_down_logs_and_returns_false(down_app, caplog) -> None:
    @down_app.task(name="tests.core.touch")
    def touch(*, value: int) -> int:
        return value

    with caplog.at_level(logging.WARNING, logger="core.tasks"):
        assert enqueue(touch, value=1) is False
    assert "tests.core.touch" in caplog.text
    assert "left to its sweep" in caplog.text


def test_enqueue_sends_to_a_live_broker(memory_app) -> None:
    @memory_app.task(name="tests.core.touch")
    def touch(*, value: int) -> int:
        return value

    assert enqueue(touch, value=2) is True
    assert _queued(memory_app) == 1


@pytest.mark.django_db(transaction=True)
def test_commit_survives_the_broker_being_down(down_app) -> None:
    """The transaction commits and the block exits cleanly: the caller answers normally."""

    @down_app.task(name="tests.core.touch")
    def touch(*, value: int) -> int:
        return value

    with transaction.atomic():
        user = UserFactory()
        enqueue_on_commit(touch, value=3)
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_raw_delay_on_commit_would_fail_after_the_commit(down_app) -> None:
    """Why the helper exists: the same with `.delay()` raises out of the committed block."""
    from kombu.exceptions import OperationalError

    @down_app.task(name="tests.core.touch")
    def touch(*, value: int) -> int:
        return value

    def create_then_delay() -> None:
        with transaction.atomic():
            UserFactory(name="已提交")
            transaction.on_commit(lambda: touch.delay(value=4))

    with pytest.raises(OperationalError):
        create_then_delay()
    assert User.objects.filter(name="已提交").exists()


@pytest.mark.django_db(transaction=True)
def test_enqueue_on_commit_sends_nothing_when_rolled_back(memory_app) -> None:
    @memory_app.task(name="tests.core.touch")
    def touch(*, value: int) -> int:
        return value

    def schedule_then_fail() -> None:
        with transaction.atomic():
            enqueue_on_commit(touch, value=5)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        schedule_then_fail()
    with transaction.atomic():
        enqueue_on_commit(touch, value=6)
    assert _queued(memory_app) == 1


def test_errors_of_an_eager_task_still_propagate() -> None:
    app = _app("memory://")
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True

    @app.task(name="tests.core.fail")
    def fail() -> None:
        raise ValueError("the task's own error")

    with pytest.raises(ValueError, match="own error"):
        enqueue(fail)
    app.close()
