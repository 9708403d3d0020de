"""A Redis cache that takes Redis being down for a miss, so that the portal keeps serving.

Django's RedisCache raises from every call when Redis cannot be reached, and the pages and API
calls that use the cache (the review queue's counts, DRF's throttles on sign-in) would answer
500. Here a read misses and a write is dropped, with a warning in the log; callers compute
what they need. The cost, while Redis is down: throttles let requests through (the sign-in
lockout of django-axes lives in the database and still applies). See docs/reliability.md.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _fail_soft(name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    method = getattr(RedisCache, name)

    @wraps(method)
    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            # One line per call, no traceback: an outage makes many of them.
            logger.warning("Cache unavailable (%s): taken for a miss: %s", name, error)
            return fallback(*args, **kwargs)

    return call


def _nothing(*_args: Any, **_kwargs: Any) -> None:
    return None


def _no(*_args: Any, **_kwargs: Any) -> bool:
    return False


def _default(_key: Any, default: Any = None, *_args: Any, **_kwargs: Any) -> Any:
    return default


class FailSoftRedisCache(RedisCache):
    get = _fail_soft("get", _default)
    get_many = _fail_soft("get_many", lambda *_args, **_kwargs: {})
    has_key = _fail_soft("has_key", _no)
    add = _fail_soft("add", _no)
    set = _fail_soft("set", _nothing)
    # The keys not stored, as Django's set_many reports them.
    set_many = _fail_soft("set_many", lambda data, *_args, **_kwargs: list(data))
    touch = _fail_soft("touch", _no)
    delete = _fail_soft("delete", _no)
    delete_many = _fail_soft("delete_many", _nothing)
    clear = _fail_soft("clear", _no)
