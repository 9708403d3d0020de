from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, NotAllowed, TooManyAttempts, ValidationFailed


class InvalidCredentials(ValidationFailed):
    code = "invalid_credentials"
    default_message = _("The ID number or password is incorrect.")


class OneTimePasswordRequired(ValidationFailed):
    code = "otp_required"
    default_message = _("Staff must enter the 6-digit code from their authenticator app.")


class AccountLocked(TooManyAttempts):
    code = "account_locked"

    def __init__(self, *, minutes: int, field: str | None = None) -> None:
        super().__init__(
            _(
                "Too many failed sign-ins for this ID number from your address. "
                "Please wait %(minutes)d minutes and try again, or reset your password."
            )
            % {"minutes": minutes},
            field=field,
        )


class AccountInactive(NotAllowed):
    code = "account_inactive"
    default_message = _("This account has been deactivated. Please contact the service hall.")


class AuditChainBroken(Conflict):
    """The part of the trail about to be purged does not verify: keep it as evidence."""

    code = "audit_chain_broken"

    def __init__(self, entry_id: int) -> None:
        super().__init__(
            _(
                "The audit trail is broken at entry %(id)s: nothing was purged. Investigate "
                "with audit_verify first."
            )
            % {"id": entry_id}
        )
        self.entry_id = entry_id
