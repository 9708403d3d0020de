"""The catalogue (政务服务事项目录): matters, their versioned implementations per region and
department, materials, fees, form fields, bundles (一件事) and the working-day calendar."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from identity.constants import OrganisationKind, Sector
from identity.models import Organisation, Region, User
from matters.constants import (
    BASIC_CODE_PATTERN,
    FIELD_KEY_PATTERN,
    IMPLEMENTATION_CODE_PATTERN,
    IMPLEMENTATION_SUFFIX_PATTERN,
    Audience,
    BundleMode,
    CalendarDayKind,
    CrossRegionScope,
    FieldType,
    HandlingKind,
    MaterialRequirement,
    MaterialSource,
    MatterType,
    OnlineDepth,
    VersionStatus,
    WindowCategory,
)

basic_code_validator = RegexValidator(
    BASIC_CODE_PATTERN, _("A basic code has 12 digits or capital letters.")
)
suffix_validator = RegexValidator(
    IMPLEMENTATION_SUFFIX_PATTERN,
    _("The handling-item suffix looks like 1-00: a digit, a hyphen and two digits."),
)
field_key_validator = RegexValidator(
    FIELD_KEY_PATTERN,
    _("A key starts with a lowercase letter and has only lowercase letters, digits and _."),
)
prefill_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{1,31}\.[a-z][a-z0-9_]{0,63}$",
    _("Write the resource code and the field key joined by a dot, e.g. hjxx.name."),
)


class Theme(models.Model):
    """A browsing theme of the catalogue (生育收养, 设立变更 …) for persons or legal persons."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["audience", "order", "code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class Matter(TimeStampedModel):
    """An item of the basic catalogue (基本目录), the same in every region."""

    basic_code = models.CharField(
        _("basic code"), max_length=12, unique=True, validators=[basic_code_validator]
    )
    name = models.CharField(_("matter name"), max_length=128)
    matter_type = models.CharField(_("matter type"), max_length=16, choices=MatterType.choices)
    sector = models.CharField(_("owning sector"), max_length=32, choices=Sector.choices)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    themes = models.ManyToManyField(Theme, blank=True, related_name="matters")

    class Meta:
        ordering = ["basic_code"]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        constraints = [
            models.CheckConstraint(
                condition=Q(basic_code__regex=BASIC_CODE_PATTERN), name="matter_basic_code_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.basic_code})"


class Implementation(TimeStampedModel):
    """A matter as one department of one region implements it (实施清单), across versions.

    The code is derived from its parts: basic code, 12-digit region code, "000", the
    implementing department's credit code and the handling-item suffix.
    """

    code = models.CharField(_("implementation code"), max_length=64, unique=True, editable=False)
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="implementations")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="implementations")
    department = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="implementations"
    )
    suffix = models.CharField(
        _("handling-item suffix"), max_length=4, default="1-00", validators=[suffix_validator]
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "region", "department", "suffix"],
                name="implementation_unique_parts",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=IMPLEMENTATION_CODE_PATTERN),
                name="implementation_code_format",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @staticmethod
    def build_code(*, basic_code: str, region_code: str, credit_code: str, suffix: str) -> str:
        return f"{basic_code}-{region_code}-000-{credit_code}-{suffix}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.department_id and (
            self.department.kind != OrganisationKind.DEPARTMENT or self.department.region_id is None
        ):
            errors.setdefault("department", []).append(
                _("The implementing organisation must be a government department of a region.")
            )
        if self.matter_id and self.department_id and self.matter.sector != self.department.sector:
            errors.setdefault("department", []).append(
                _("This department does not belong to the line of government that owns the matter.")
            )
        if errors:
            raise ValidationError(errors)


class ImplementationVersion(TimeStampedModel):
    """One version of an implementation's service guide (办事指南). Cases keep the version
    they were filed under; a published version is never edited, a new draft is made."""

    implementation = models.ForeignKey(
        Implementation, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)

    name = models.CharField(_("name"), max_length=128)
    # What search matches, lower-cased: the name, its pinyin initials (企业设立登记 → qysldj)
    # and the implementation code. Only this row's own values, so it cannot go stale.
    search_text = models.CharField(max_length=400, blank=True, editable=False)
    legal_basis = models.TextField(_("legal basis"))
    conditions = models.TextField(_("conditions for acceptance"))
    process = models.TextField(_("procedure"), blank=True)
    handling_kind = models.CharField(
        _("handling kind"), max_length=16, choices=HandlingKind.choices
    )
    statutory_limit_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)")
    )
    promised_limit_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    visits_required = models.PositiveSmallIntegerField(
        _("visits to the hall"), validators=[MaxValueValidator(2)]
    )
    online_depth = models.PositiveSmallIntegerField(
        _("online depth"),
        choices=OnlineDepth.choices,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    supports_appointment = models.BooleanField(_("appointments possible"), default=False)
    delivery_window = models.BooleanField(_("result collected at the window"), default=True)
    delivery_post = models.BooleanField(_("result sent by post"), default=False)
    delivery_electronic = models.BooleanField(_("electronic certificate"), default=False)
    window_category = models.CharField(
        _("comprehensive window category"), max_length=16, choices=WindowCategory.choices
    )
    notification_commitment = models.BooleanField(
        _("notification and commitment (告知承诺) allowed"), default=False
    )
    cross_region_scope = models.CharField(
        _("cross-region handling"),
        max_length=16,
        choices=CrossRegionScope.choices,
        default=CrossRegionScope.LOCAL,
    )
    result_name = models.CharField(_("result"), max_length=128, blank=True)
    result_certificate_type = models.CharField(
        _("certificate type issued"),
        max_length=32,
        blank=True,
        help_text=_("Code of the electronic certificate type that approval issues, if any."),
    )
    contact_phone = models.CharField(_("enquiries"), max_length=64)
    complaint_phone = models.CharField(_("complaints"), max_length=64, default="12345")
    hall_address = models.CharField(_("where to apply"), max_length=200)
    hall_hours = models.CharField(_("opening hours"), max_length=200)

    class Meta:
        ordering = ["implementation", "-number"]
        verbose_name = _("implementation version")
        verbose_name_plural = _("implementation versions")
        constraints = [
            models.UniqueConstraint(
                fields=["implementation", "number"], name="version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["implementation"],
                condition=Q(status=VersionStatus.PUBLISHED),
                name="one_published_version",
            ),
            models.UniqueConstraint(
                fields=["implementation"],
                condition=Q(status=VersionStatus.DRAFT),
                name="one_draft_version",
            ),
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=F("statutory_limit_days")),
                name="promised_within_statutory",
            ),
            models.CheckConstraint(
                condition=~Q(online_depth=OnlineDepth.FULLY_ONLINE) | Q(visits_required=0),
                name="fully_online_needs_no_visit",
            ),
            models.CheckConstraint(
                condition=~Q(handling_kind=HandlingKind.IMMEDIATE) | Q(promised_limit_days=0),
                name="immediate_is_same_day",
            ),
            models.CheckConstraint(
                condition=Q(online_depth__gte=1, online_depth__lte=4), name="online_depth_1_to_4"
            ),
            models.CheckConstraint(condition=Q(visits_required__lte=2), name="visits_0_to_2"),
        ]
        indexes = [models.Index(fields=["status", "online_depth"], name="version_status_depth")]

    def __str__(self) -> str:
        return f"{self.name} v{self.number} ({self.get_status_display()})"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        statutory, promised = self.statutory_limit_days, self.promised_limit_days
        if statutory is not None and promised is not None and promised > statutory:
            errors["promised_limit_days"] = [
                _("The promised time limit cannot be longer than the statutory one.")
            ]
        if self.online_depth == OnlineDepth.FULLY_ONLINE and self.visits_required:
            errors["visits_required"] = [
                _("A fully online (level IV) service cannot require a visit to the hall.")
            ]
        if self.handling_kind == HandlingKind.IMMEDIATE and promised:
            errors.setdefault("promised_limit_days", []).append(
                _("An immediate matter is decided the same day: its promised limit is 0 days.")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def at_most_one_visit(self) -> bool:
        return self.visits_required <= 1


class Material(models.Model):
    """An application material (申请材料) of one version."""

    version = models.ForeignKey(
        ImplementationVersion, on_delete=models.CASCADE, related_name="materials"
    )
    key = models.CharField(
        _("key"),
        max_length=64,
        validators=[field_key_validator],
        help_text=_("The same material has the same key in every matter (e.g. id_card)."),
    )
    name = models.CharField(_("name"), max_length=128)
    requirement = models.CharField(
        _("requirement"),
        max_length=16,
        choices=MaterialRequirement.choices,
        default=MaterialRequirement.REQUIRED,
    )
    condition_note = models.CharField(_("when it is needed"), max_length=200, blank=True)
    original_count = models.PositiveSmallIntegerField(_("originals"), default=0)
    copy_count = models.PositiveSmallIntegerField(_("copies"), default=0)
    source = models.CharField(
        _("source"), max_length=16, choices=MaterialSource.choices, default=MaterialSource.UPLOAD
    )
    certificate_type = models.CharField(_("certificate type code"), max_length=32, blank=True)
    shared_resource = models.CharField(_("shared data resource code"), max_length=64, blank=True)
    tolerable = models.BooleanField(
        _("may be supplied later (容缺)"),
        default=False,
        help_text=_("The case can be accepted without it, with a deadline to supply it."),
    )
    notes = models.TextField(_("notes for filling in"), blank=True)
    blank_form = models.FileField(_("blank form"), upload_to="matters/forms/", blank=True)
    sample = models.FileField(_("filled-in sample"), upload_to="matters/samples/", blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="material_unique_key"),
            models.CheckConstraint(
                condition=~Q(source=MaterialSource.CERTIFICATE) | ~Q(certificate_type=""),
                name="certificate_material_names_type",
            ),
            models.CheckConstraint(
                condition=~Q(source=MaterialSource.SHARED_DATA) | ~Q(shared_resource=""),
                name="shared_material_names_resource",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def must_be_uploaded(self) -> bool:
        """The applicant must upload it before submitting: required, theirs to provide, and
        not one that may follow after acceptance (容缺)."""
        return (
            self.requirement == MaterialRequirement.REQUIRED
            and self.source == MaterialSource.UPLOAD
            and not self.tolerable
        )

    def clean(self) -> None:
        if self.source == MaterialSource.CERTIFICATE and not self.certificate_type:
            raise ValidationError(
                {"certificate_type": _("Name the certificate type this material comes from.")}
            )
        if self.source == MaterialSource.SHARED_DATA and not self.shared_resource:
            raise ValidationError(
                {"shared_resource": _("Name the shared data resource this material comes from.")}
            )


class FeeItem(models.Model):
    version = models.ForeignKey(
        ImplementationVersion, on_delete=models.CASCADE, related_name="fees"
    )
    name = models.CharField(_("fee item"), max_length=128)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    basis = models.CharField(_("basis for the fee"), max_length=300)
    waivable = models.BooleanField(_("can be reduced or waived"), default=False)
    waiver_basis = models.CharField(_("basis for reduction"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="fee_not_negative")]

    def __str__(self) -> str:
        return f"{self.name} ¥{self.amount}"


class FormField(models.Model):
    """A question of the application form, defined as data. Keys are shared across matters
    so a bundle asks each question once (一表申请)."""

    version = models.ForeignKey(
        ImplementationVersion, on_delete=models.CASCADE, related_name="form_fields"
    )
    key = models.CharField(_("key"), max_length=64, validators=[field_key_validator])
    label = models.CharField(_("label"), max_length=128)
    field_type = models.CharField(_("type"), max_length=16, choices=FieldType.choices)
    required = models.BooleanField(_("required"), default=True)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("For a choice: the list of options.")
    )
    pattern = models.CharField(
        _("pattern"),
        max_length=200,
        blank=True,
        help_text=_("Optional regular expression the answer must match."),
    )
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Pre-filled from shared data when the implementing department may read it (cases.prefill).
    prefill = models.CharField(
        _("pre-filled from shared data"),
        max_length=100,
        blank=True,
        validators=[prefill_validator],
        help_text=_(
            "Resource code and field key, e.g. hjxx.name: the answer is fetched from the data "
            "sharing exchange when the department is granted that field."
        ),
    )

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="form_field_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"

    def clean(self) -> None:
        if self.field_type == FieldType.CHOICE and not self.choices:
            raise ValidationError({"choices": _("A choice field needs at least one option.")})
        if self.choices and (
            not isinstance(self.choices, list)
            or not all(isinstance(c, str) and c for c in self.choices)
        ):
            raise ValidationError({"choices": _("Options must be a list of non-empty texts.")})
        if self.pattern:
            import re

            try:
                re.compile(self.pattern)
            except re.error:
                raise ValidationError(
                    {"pattern": _("This is not a valid regular expression.")}
                ) from None


class Bundle(TimeStampedModel):
    """一件事一次办: a life or enterprise event that groups implementations."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=128)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    mode = models.CharField(
        _("handled"), max_length=16, choices=BundleMode.choices, default=BundleMode.PARALLEL
    )
    is_published = models.BooleanField(_("published"), default=False)
    implementations = models.ManyToManyField(
        Implementation, through="BundleItem", related_name="bundles"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("bundle (一件事)")
        verbose_name_plural = _("bundles (一件事)")

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="items")
    implementation = models.ForeignKey(
        Implementation, on_delete=models.PROTECT, related_name="bundle_items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["bundle", "order", "id"]
        verbose_name = _("bundle item")
        verbose_name_plural = _("bundle items")
        constraints = [
            models.UniqueConstraint(fields=["bundle", "implementation"], name="bundle_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bundle} · {self.implementation}"


class CalendarOverride(models.Model):
    """An admin's correction of the working-day calendar; it wins over chinese-calendar."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind.choices)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
