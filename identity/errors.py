from django.utils.translation import gettext_lazy as _

from core.errors import NotAllowed, TooManyAttempts, ValidationFailed


class InvalidCredentials(ValidationFailed):
    code = "invalid_credentials"
    default_message = _("The ID number or password is incorrect.")


class OneTimePasswordRequired(ValidationFailed):
    code = "otp_required"
    default_message = _("Staff must enter the 6-digit code from their authenticator app.")


class AccountLocked(TooManyAttempts):
    code = "account_locked"
    default_message = _(
        "Too many failed sign-ins for this ID number from your address. "
        "Please wait 15 minutes and try again, or reset your password."
    )


class AccountInactive(NotAllowed):
    code = "account_inactive"
    default_message = _("This account has been deactivated. Please contact the service hall.")
