from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Registers the outbox handlers (hand-offs, consultations, bundle fan-out).
        from cases import handoffs  # noqa: F401
        from cases.notifications import certificate_event_notice
        from certificates.signals import certificate_event_announced

        # Certificate events reach the holder's in-site inbox too.
        certificate_event_announced.connect(
            certificate_event_notice, dispatch_uid="cases.certificate_event_notice"
        )
