from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = _("Unified identity")

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from identity import checks  # noqa: F401  (registers the system checks)
        from identity.signals import audit_admin_log_entry

        post_save.connect(audit_admin_log_entry, sender=LogEntry, dispatch_uid="audit_admin_log")
