from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from cases.signals import case_transitioned
        from supervision.sweep import close_cards_of_case

        case_transitioned.connect(close_cards_of_case, dispatch_uid="supervision_close_cards")
