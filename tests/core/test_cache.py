"""The fail-soft Redis cache: with Redis unreachable reads miss and writes are dropped, so
pages and API calls that use the cache keep working; with Redis up it is Django's cache."""

import uuid

import pytest
import redis

from core.cache import FailSoftRedisCache

# Nothing listens on port 1: connections are refused at once, as when Redis is stopped.
UNREACHABLE = "redis://127.0.0.1:1/0"
LOCAL = "redis://127.0.0.1:6379/9"


def _cache(location: str) -> FailSoftRedisCache:
    return FailSoftRedisCache(location, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_with_redis_down_reads_miss_and_writes_are_dropped(caplog):
    cache = _cache(UNREACHABLE)

    cache.set("queue-counts", {"accepted": 3})
    assert cache.get("queue-counts") is None
    assert cache.get("queue-counts", "computed") == "computed"
    assert cache.get_or_set("queue-counts", lambda: {"accepted": 4}) == {"accepted": 4}
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.add("a", 1) is False
    assert cache.has_key("a") is False
    assert cache.delete("a") is False
    cache.delete_many(["a", "b"])
    assert "Cache unavailable (set)" in caplog.text


def test_errors_other_than_redis_being_down_are_not_hidden():
    cache = _cache(UNREACHABLE)

    with pytest.raises(TypeError):
        cache.get()


def test_with_redis_up_it_is_an_ordinary_cache():
    try:
        redis.Redis.from_url(LOCAL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    cache = _cache(LOCAL)
    try:
        cache.set("queue-counts", {"accepted": 3}, 30)

        assert cache.get("queue-counts") == {"accepted": 3}
        assert cache.add("queue-counts", 1) is False
        assert cache.delete("queue-counts") is True
    finally:
        cache.delete_many(["queue-counts"])
