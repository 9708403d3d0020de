"""One rate limit for everything that answers to a guessed code: the verification page and
API, and the pages of grants (授权用证). Per client address, in the shared cache, at the rate of
`settings.PORTAL_VERIFY_THROTTLE` (read on each request, so tests and deployments can change it).
"""

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class VerifyThrottle(SimpleRateThrottle):
    scope = "verify"

    def get_rate(self) -> str:
        return settings.PORTAL_VERIFY_THROTTLE

    def allow_request(self, request: Any, view: Any) -> bool:
        # The rate is read per request, not once per process.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def allowed(request: Any) -> tuple[bool, int]:
    """For plain Django views: (allowed, seconds to wait when not)."""
    throttle = VerifyThrottle()
    if throttle.allow_request(request, None):
        return True, 0
    return False, int(throttle.wait() or 60)
