"""Changes made in the administration site join the audit trail: Django's admin writes a
LogEntry for every addition, change and deletion, and each one is copied into the chain."""

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry

from identity.constants import AuditAction
from identity.services import audit_record

ADMIN_ACTIONS = {
    ADDITION: AuditAction.ADMIN_ADDITION,
    CHANGE: AuditAction.ADMIN_CHANGE,
    DELETION: AuditAction.ADMIN_DELETION,
}


def audit_admin_log_entry(sender: type, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    content_type = instance.content_type
    audit_record(
        action=ADMIN_ACTIONS.get(instance.action_flag, AuditAction.ADMIN_CHANGE),
        actor=instance.user,
        object_type=content_type.app_label + "." + content_type.model if content_type else "",
        object_id=str(instance.object_id or "")[:128],
        # The change message (stored untranslated) names fields, not values; object_repr is
        # left out: it may hold personal data.
        detail={"change": instance.change_message[:500], "log_entry": instance.pk},
    )
