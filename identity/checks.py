from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from identity.constants import AUDIT_MIN_RETENTION_DAYS


@register()
def audit_retention_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    """The audit trail is kept at least six months: a shorter setting is a mistake."""
    days = getattr(settings, "PORTAL_AUDIT_RETENTION_DAYS", AUDIT_MIN_RETENTION_DAYS)
    if not isinstance(days, int) or days < AUDIT_MIN_RETENTION_DAYS:
        return [
            Error(
                f"PORTAL_AUDIT_RETENTION_DAYS is {days!r}; audit entries must be kept at "
                f"least {AUDIT_MIN_RETENTION_DAYS} days.",
                id="identity.E001",
            )
        ]
    return []
