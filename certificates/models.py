"""The electronic certificate library (电子证照库): types, certificates with their signatures
and PDFs, their life events, reuse in applications (免提交), views granted by the holder
(授权用证) and reads by department systems."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certificates.constants import (
    CertificateState,
    EventKind,
    GrantUseOutcome,
    HolderKind,
    Layout,
)
from core.models import TimeStampedModel
from identity.constants import OrganisationKind
from identity.models import Organisation, User

type_code_validator = RegexValidator(
    r"^[0-9A-Z]{18}[0-9]{3}$",
    _("A type code is the defining body's 18-character credit code and a 3-digit number."),
)


class CertificateType(TimeStampedModel):
    """A kind of certificate (证照类型), e.g. 营业执照: what it holds and how it prints."""

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9_]+$", _("Use lower-case letters and digits."))],
        help_text=_("The code the catalogue names (a material's or a result's certificate type)."),
    )
    name = models.CharField(_("name"), max_length=64)
    type_code = models.CharField(
        _("national type code"),
        max_length=21,
        unique=True,
        validators=[type_code_validator],
        help_text=_("证照类型代码, the part of the national identifier naming the type."),
    )
    issuing_department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate_types",
        limit_choices_to={"kind": OrganisationKind.DEPARTMENT},
        verbose_name=_("issuing department"),
        help_text=_(
            "The department that issues it here. An approval issues it in the name of the "
            "department that decided the case."
        ),
    )
    holder_kind = models.CharField(_("holder"), max_length=16, choices=HolderKind.choices)
    # [{"key": "company_name", "label": "名称", "public": true}, …]: the data it carries, in
    # print order; "public" fields are shown to anyone who verifies it.
    fields = models.JSONField(_("fields"), default=list, blank=True)
    validity_years = models.PositiveSmallIntegerField(
        _("valid for (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Empty: valid until revoked or replaced."),
    )
    one_per_holder = models.BooleanField(
        _("one per holder"),
        default=True,
        help_text=_(
            "A new certificate of this type replaces the holder's current one (营业执照); "
            "off for types a holder has several of (不动产权证书)."
        ),
    )
    layout = models.CharField(
        _("print layout"), max_length=16, choices=Layout.choices, default=Layout.CERTIFICATE
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class SerialBlock(models.Model):
    """The last serial handed out per type, issuer and year (like case numbers: reserved in
    their own row, so two approvals at once never share one)."""

    prefix = models.CharField(max_length=64, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("certificate serial block")
        verbose_name_plural = _("certificate serial blocks")

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


class Certificate(TimeStampedModel):
    """One version of one certificate. A new version (replacement) is a new row pointing to the
    one it replaces; both keep verifying, the old one as "replaced"."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    identifier = models.CharField(_("identifier"), max_length=96, unique=True, editable=False)
    type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("type"),
    )
    serial = models.CharField(_("serial"), max_length=32, editable=False)
    version = models.PositiveSmallIntegerField(
        _("version"), default=1, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("replaces"),
    )

    holder_user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("holder (person)"),
    )
    holder_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("holder (organisation)"),
    )
    # As signed: the holder's and issuer's names and codes on the day of issue.
    holder_name = models.CharField(_("holder name"), max_length=128)
    holder_code = models.CharField(_("holder ID number or credit code"), max_length=18)
    issuer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="certificates_issued",
        verbose_name=_("issuing department"),
    )
    issuer_name = models.CharField(_("issuer name"), max_length=128)
    issuer_code = models.CharField(_("issuer credit code"), max_length=18)
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source_reference = models.CharField(
        _("case number"), max_length=32, blank=True, help_text=_("The case that issued it.")
    )

    state = models.CharField(
        _("state"),
        max_length=16,
        choices=CertificateState.choices,
        default=CertificateState.ISSUED,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)

    verify_code = models.CharField(max_length=32, unique=True, editable=False)
    short_code = models.CharField(max_length=16, unique=True, editable=False)
    key_id = models.CharField(_("signing key"), max_length=64)
    signature = models.CharField(_("signature"), max_length=128)

    pdf = models.FileField(_("PDF"), upload_to="certificates/", max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pdf_key_id = models.CharField(max_length=64, blank=True)
    pdf_signature = models.CharField(max_length=128, blank=True)
    rendered_at = models.DateTimeField(_("PDF rendered at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(holder_user__isnull=False, holder_organisation__isnull=True)
                | Q(holder_user__isnull=True, holder_organisation__isnull=False),
                name="certificate_has_one_holder",
            ),
            models.UniqueConstraint(
                fields=["type", "issuer_code", "serial", "version"],
                name="certificate_unique_version",
            ),
        ]
        indexes = [
            models.Index(fields=["holder_user", "type"], name="certificate_person_idx"),
            models.Index(fields=["holder_organisation", "type"], name="certificate_org_idx"),
            models.Index(fields=["source_reference"], name="certificate_case_idx"),
        ]

    def __str__(self) -> str:
        return self.identifier


class CertificateEvent(models.Model):
    """A step in a certificate's life, for the holder's history and their e-mail."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    notified_at = models.DateTimeField(_("holder notified at"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        constraints = [
            # Expiry happens once; the daily sweep may run twice.
            models.UniqueConstraint(
                fields=["certificate"],
                condition=Q(kind=EventKind.EXPIRED),
                name="certificate_expires_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.kind}"


class CertificateUse(models.Model):
    """免提交: a certificate standing in for a material of an application. The case is named
    by its number (cases sit above this app); one use per case and material."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="uses")
    case_reference = models.CharField(_("case number"), max_length=32)
    material_key = models.CharField(_("material"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=200)
    used_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(_("used at"))

    class Meta:
        ordering = ["used_at", "id"]
        verbose_name = _("certificate use")
        verbose_name_plural = _("certificate uses")
        constraints = [
            models.UniqueConstraint(
                fields=["case_reference", "material_key"], name="one_certificate_per_material"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_reference}:{self.material_key}"


class CertificateGrant(TimeStampedModel):
    """授权用证: the holder lets a third party view one certificate until a time, through a
    link and an access code given separately."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="grants")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(_("shown to"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=200)
    token = models.CharField(max_length=32, unique=True, editable=False)
    access_code = models.CharField(_("access code"), max_length=8, editable=False)
    valid_until = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("certificate view grant")
        verbose_name_plural = _("certificate view grants")

    def __str__(self) -> str:
        return f"{self.certificate_id} → {self.recipient}"


class CertificateGrantUse(models.Model):
    """Each time someone opened a grant, shown to the holder."""

    grant = models.ForeignKey(CertificateGrant, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(_("time"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=GrantUseOutcome.choices)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("use of a certificate view grant")
        verbose_name_plural = _("uses of certificate view grants")

    def __str__(self) -> str:
        return f"{self.grant_id}: {self.outcome}"


class DepartmentReadGrant(TimeStampedModel):
    """A department system may read certificates of one type for one stated purpose."""

    department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="certificate_read_grants",
        limit_choices_to={"kind": OrganisationKind.DEPARTMENT},
        verbose_name=_("department"),
    )
    type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        related_name="read_grants",
        verbose_name=_("certificate type"),
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=200,
        help_text=_("The reason (申请事由) a request must state, word for word."),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )

    class Meta:
        ordering = ["department", "type"]
        verbose_name = _("department read grant")
        verbose_name_plural = _("department read grants")

    def __str__(self) -> str:
        return f"{self.department_id} → {self.type_id}: {self.purpose}"


class CertificateAccess(models.Model):
    """One read of a certificate by a department system, shown to the holder."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="accesses")
    department = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    grant = models.ForeignKey(DepartmentReadGrant, on_delete=models.PROTECT, related_name="reads")
    client = models.CharField(_("system"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=200)
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("certificate read")
        verbose_name_plural = _("certificate reads")

    def __str__(self) -> str:
        return f"{self.certificate_id} ← {self.department_id}"
