"""Domain errors raised by services and turned into API responses and form errors.

Each error has a stable machine `code`, an HTTP `status` and a translated message; errors
about one input carry the `field` they belong to, so forms and the API can put them in place.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    code = "error"
    status = 400
    default_message: str | Promise = _("The request could not be completed.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        field: str | None = None,
        errors: dict[str, list[str | Promise]] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.field = field
        self.errors = errors or ({field: [self.message]} if field else {})
        super().__init__(str(self.message))


class ValidationFailed(ApplicationError):
    code = "invalid"
    status = 400
    default_message = _("Some of the information given is not valid.")


class NotAllowed(ApplicationError):
    code = "forbidden"
    status = 403
    default_message = _("You are not allowed to do this.")


class NotFound(ApplicationError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Conflict(ApplicationError):
    code = "conflict"
    status = 409
    default_message = _("This cannot be done in the current state.")


class TooManyAttempts(ApplicationError):
    code = "locked"
    status = 429
    default_message = _("Too many failed attempts. Please try again later.")
