"""Fixtures shared by the whole suite."""

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test import Client

from portal.celery import app as celery_app


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` (row locks, triggers, real concurrency) are skipped, with the
    reason shown by -ra, when the default database is not PostgreSQL. The marker may say why
    it needs PostgreSQL: @pytest.mark.postgres(reason="row locks")."""
    vendor = connection.vendor
    if vendor == "postgresql":
        return
    for item in items:
        marker = item.get_closest_marker("postgres")
        if marker is None:
            continue
        why = marker.kwargs.get("reason")
        needs = f"needs PostgreSQL ({why})" if why else "needs PostgreSQL"
        item.add_marker(
            pytest.mark.skip(reason=f"{needs}; the default database is {vendor} (set DATABASE_URL)")
        )


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    settings.PORTAL_STAFF_2FA = False


def _clear_cache(prefix: str | None) -> None:
    if prefix is None:
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _clean_cache(settings) -> Iterator[None]:
    """Each test starts with an empty cache. On Redis, which the xdist workers share with
    each other and with the Celery broker, each worker keeps keys of its own and deletes only
    those: a FLUSHDB would take other workers' throttles and the broker's queued tasks."""
    prefix = None
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        prefix = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    _clear_cache(prefix)
    yield
    _clear_cache(prefix)


@pytest.fixture
def clear_cache(settings, _clean_cache) -> Callable[[], None]:
    """Empty this test's cache in the middle of a test."""
    prefix = (
        settings.CACHES["default"].get("KEY_PREFIX")
        if "Redis" in str(settings.CACHES["default"]["BACKEND"])
        else None
    )
    return lambda: _clear_cache(prefix)


@pytest.fixture(autouse=True)
def _eager_celery(request) -> Iterator[None]:
    """Tasks run in-process unless a test asks for a real worker (marker celery_worker)."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def worker_queue(settings) -> Iterator[str]:
    """A Redis queue of this test's own; tasks go there instead of running eagerly."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: a real broker for a real worker")
    name = f"test-{uuid.uuid4().hex}"
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = name
    yield name
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
    redis.Redis.from_url(settings.REDIS_URL).delete(name)


@pytest.fixture
def celery_worker_on_redis(worker_queue) -> Iterator[None]:
    """A real Celery worker (in a thread of this process) consuming this test's queue."""
    from celery.contrib.testing.worker import start_worker as worker_thread

    with worker_thread(celery_app, queues=[worker_queue], perform_ping_check=False, pool="solo"):
        yield


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log: Path


@pytest.fixture
def start_worker(worker_queue, settings, tmp_path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start Celery worker processes (`celery -A portal worker`, as deployed) on the test
    database (PostgreSQL: shared with this process) and queue; killed at the end."""
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_CONN_MAX_AGE": "60",
    }
    workers: list[WorkerProcess] = []

    def start(
        *, pool: str = "threads", concurrency: int = 4, application_name: str = ""
    ) -> WorkerProcess:
        """`application_name` names the worker's PostgreSQL connections (pg_stat_activity)."""
        log = tmp_path / f"worker-{len(workers)}.log"
        query = f"?application_name={application_name}" if application_name else ""
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                worker_queue,
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=Path(__file__).resolve().parents[1],
            env={**env, "DATABASE_URL": database_url + query},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        workers.append(WorkerProcess(process, log))
        return workers[-1]

    yield start
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.kill()
        worker.process.wait(10)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def english(client, settings) -> None:
    """The test client has chosen English with the language switch."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
