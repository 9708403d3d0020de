"""Fixtures shared by the whole suite."""

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
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
def celery_worker_on_redis(settings) -> Iterator[None]:
    """A real Celery worker (in a thread) consuming from Redis on a queue of its own."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: a real broker for a real worker")
    from celery.contrib.testing.worker import start_worker

    queue = f"test-{uuid.uuid4().hex}"
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    with start_worker(celery_app, queues=[queue], perform_ping_check=False, pool="solo"):
        yield
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous


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
