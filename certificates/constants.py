from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HolderKind(models.TextChoices):
    """Who a certificate type is issued to (持证主体)."""

    PERSON = "person", _("Natural person")
    ORGANISATION = "organisation", _("Legal person or organisation")


class Layout(models.TextChoices):
    """The print layout of a type: a landscape licence with a border (营业执照, 许可证) or a
    portrait certificate (证明, 证书)."""

    LICENCE = "licence", _("Licence (landscape, framed)")
    CERTIFICATE = "certificate", _("Certificate (portrait)")


class CertificateState(models.TextChoices):
    """The stored state. "Expired" is not stored: it follows from the date (see Standing)."""

    ISSUED = "issued", pgettext_lazy("certificate state", "Issued")
    REVOKED = "revoked", pgettext_lazy("certificate state", "Revoked")
    REPLACED = "replaced", pgettext_lazy("certificate state", "Replaced")


class Standing(models.TextChoices):
    """What a verifier is told about a certificate today."""

    VALID = "valid", pgettext_lazy("certificate standing", "Valid")
    REVOKED = "revoked", pgettext_lazy("certificate standing", "Revoked")
    EXPIRED = "expired", pgettext_lazy("certificate standing", "Expired")
    REPLACED = "replaced", pgettext_lazy("certificate standing", "Replaced by a newer version")
    UNKNOWN = "unknown", pgettext_lazy("certificate standing", "Unknown")
    # Verification only: the stored data or PDF does not match the platform's signature.
    TAMPERED = "tampered", pgettext_lazy("certificate standing", "Failed the integrity check")


class EventKind(models.TextChoices):
    """A step in a certificate's life, shown to its holder and e-mailed to them."""

    ISSUED = "issued", pgettext_lazy("certificate event", "Issued")
    REVOKED = "revoked", pgettext_lazy("certificate event", "Revoked")
    REPLACED = "replaced", pgettext_lazy("certificate event", "Replaced by a new version")
    EXPIRED = "expired", pgettext_lazy("certificate event", "Expired")


class GrantUseOutcome(models.TextChoices):
    SHOWN = "shown", _("Viewed")
    WRONG_CODE = "wrong_code", _("Wrong access code")
    EXPIRED = "expired", _("Refused: the grant had expired")
    REVOKED = "revoked", _("Refused: the grant had been withdrawn")
    LOCKED = "locked", _("Refused: too many wrong codes")


class AuditAction(models.TextChoices):
    ISSUE = "certificates.issue", _("Certificate issued")
    ISSUE_SKIPPED = "certificates.issue_skipped", _("Certificate not issued: unknown type")
    RENDER = "certificates.render", _("Certificate PDF rendered")
    REVOKE = "certificates.revoke", _("Certificate revoked")
    REPLACE = "certificates.replace", _("Certificate replaced")
    EXPIRE = "certificates.expire", _("Certificate expired")
    REUSE = "certificates.reuse", _("Certificate reused for an application")
    GRANT = "certificates.grant", _("Certificate view granted")
    GRANT_REVOKE = "certificates.grant_revoke", _("Certificate view grant withdrawn")
    GRANT_USE = "certificates.grant_use", _("Certificate viewed through a grant")
    DEPARTMENT_READ = "certificates.department_read", _("Certificate read by a department")
    DOWNLOAD = "certificates.download", _("Certificate PDF downloaded")


# The characters of the short code printed on the PDF: no 0/O, 1/I/L, so that it can be typed
# from paper without doubt. 31 characters, 10 of them: about 8·10^14 codes.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 10
# The QR code and links carry a long random code: 16 random bytes, 22 URL-safe characters.
VERIFY_CODE_BYTES = 16
