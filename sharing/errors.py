from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError


class ProviderUnavailable(ApplicationError):
    code = "provider_unavailable"
    status = 503
    default_message = _("The providing department's system did not answer. Try again later.")
