from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Registers the outbox handlers (hand-offs, consultations, bundle fan-out).
        from cases import handoffs  # noqa: F401
