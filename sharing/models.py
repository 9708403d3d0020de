"""The data sharing exchange (数据共享交换): the resource catalogue, access requests and
grants, the log of every read, objections to reads, and the demo tables the built-in provider
adapter serves (sharing.providers)."""

import re
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from identity.constants import OrganisationKind
from identity.models import ApiKey, Organisation, User
from sharing.constants import (
    FIELD_KEY_PATTERN,
    PURPOSE_MAX_LENGTH,
    RESOURCE_CODE_PATTERN,
    AccessLogKind,
    GrantBasis,
    ObjectionState,
    ReadChannel,
    ReadOutcome,
    RequestState,
    SharingClass,
    SubjectKind,
    UpdateFrequency,
)

resource_code_validator = RegexValidator(
    RESOURCE_CODE_PATTERN,
    _("Use 2 to 32 lower-case letters, digits and underscores, starting with a letter."),
)


def field_list_errors(fields: Any) -> list[str]:
    """What is wrong with a resource's field list: [{"key": ..., "label": ...}, ...]."""
    if not isinstance(fields, list) or not fields:
        return [str(_("A resource has at least one field."))]
    problems: list[str] = []
    seen: set[str] = set()
    for item in fields:
        if not isinstance(item, dict) or set(item) != {"key", "label"}:
            problems.append(str(_("Each field has exactly a key and a label.")))
            continue
        key, label = item["key"], item["label"]
        if not isinstance(key, str) or not re.fullmatch(FIELD_KEY_PATTERN, key):
            problems.append(
                str(
                    _("“%(key)s” is not a valid field key (lower-case letters, digits, _).")
                    % {"key": key}
                )
            )
        elif key in seen:
            problems.append(str(_("The field key “%(key)s” is used twice.") % {"key": key}))
        if not isinstance(label, str) or not label.strip() or len(label) > 64:
            problems.append(str(_("Each field needs a label of at most 64 characters.")))
        if isinstance(key, str):
            seen.add(key)
    return problems


class Resource(TimeStampedModel):
    """A data resource a department publishes in the catalogue (数据资源目录)."""

    code = models.CharField(
        _("code"), max_length=32, unique=True, validators=[resource_code_validator]
    )
    name = models.CharField(_("name"), max_length=100)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="shared_resources",
        verbose_name=_("providing department"),
        limit_choices_to={"kind": OrganisationKind.DEPARTMENT},
    )
    subject_kind = models.CharField(_("about"), max_length=16, choices=SubjectKind.choices)
    fields = models.JSONField(
        _("fields"), default=list, help_text=_('A list of {"key": ..., "label": ...}.')
    )
    update_frequency = models.CharField(
        _("update frequency"), max_length=16, choices=UpdateFrequency.choices
    )
    sharing_class = models.CharField(
        _("sharing class"), max_length=16, choices=SharingClass.choices
    )
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("data resource")
        verbose_name_plural = _("data resources")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=RESOURCE_CODE_PATTERN), name="resource_code_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def field_keys(self) -> list[str]:
        return [item["key"] for item in self.fields]

    def field_labels(self, keys: list[str] | None = None) -> list[str]:
        labels = {item["key"]: item["label"] for item in self.fields}
        return [labels.get(key, key) for key in (keys if keys is not None else labels)]

    def clean(self) -> None:
        problems = field_list_errors(self.fields)
        if problems:
            raise ValidationError({"fields": problems})
        if self.provider_id and self.provider.kind != OrganisationKind.DEPARTMENT:
            raise ValidationError(
                {"provider": _("Only a government department provides shared data.")}
            )


class AccessRequest(TimeStampedModel):
    """A consuming department's request for a resource (共享申请): reviewed by the platform,
    then decided by the provider."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="requests", verbose_name=_("resource")
    )
    consumer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="sharing_requests",
        verbose_name=_("requesting department"),
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    state = models.CharField(_("state"), max_length=24, choices=RequestState.choices)
    purpose = models.CharField(_("purpose"), max_length=PURPOSE_MAX_LENGTH)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    fields = models.JSONField(_("fields requested"), default=list)
    valid_until = models.DateField(_("needed until"), null=True, blank=True)

    platform_due = models.DateField(_("platform review due"), null=True, blank=True)
    platform_reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    platform_reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    platform_comment = models.TextField(_("platform's opinion"), blank=True)
    provider_due = models.DateField(_("provider decision due"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("provider's reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data access request")
        verbose_name_plural = _("data access requests")
        permissions = [
            ("review_accessrequest", _("Can review data sharing requests for the platform")),
        ]
        constraints = [
            # One open request per consumer and resource: a second one would be decided twice.
            models.UniqueConstraint(
                fields=["resource", "consumer"],
                condition=Q(state__in=["platform_review", "provider_review"]),
                name="one_open_request_per_consumer",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(platform_comment=""),
                name="rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(decision_comment=""),
                name="refusal_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["state", "platform_due"], name="request_queue_idx")]

    def __str__(self) -> str:
        return f"{self.consumer} → {self.resource}"


class Grant(TimeStampedModel):
    """A consumer's right to read some fields of a resource, until revoked or expired."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="grants", verbose_name=_("resource")
    )
    consumer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="sharing_grants",
        verbose_name=_("consuming department"),
    )
    basis = models.CharField(_("basis"), max_length=16, choices=GrantBasis.choices)
    request = models.OneToOneField(
        AccessRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="grant"
    )
    # A registration for an unconditional resource covers the whole resource, including
    # fields the provider adds later; a granted request covers the fields listed.
    all_fields = models.BooleanField(_("all fields"), default=False)
    fields = models.JSONField(_("fields granted"), default=list, blank=True)
    purpose = models.CharField(_("purpose"), max_length=PURPOSE_MAX_LENGTH)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    class Meta:
        ordering = ["resource", "consumer", "-created_at"]
        verbose_name = _("data sharing grant")
        verbose_name_plural = _("data sharing grants")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "consumer"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_grant_per_consumer",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consumer} ← {self.resource}"

    def is_active_on(self, day: Any) -> bool:
        return self.revoked_at is None and (self.valid_until is None or self.valid_until >= day)

    def granted_fields(self) -> list[str]:
        """The fields this grant lets the consumer read, in the resource's order."""
        if self.all_fields:
            return self.resource.field_keys
        granted = set(self.fields)
        return [key for key in self.resource.field_keys if key in granted]

    @property
    def field_labels(self) -> list[str]:
        return self.resource.field_labels(self.granted_fields())


class DataReadQuerySet(models.QuerySet["DataRead"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The data access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The data access log is append-only.")


class DataRead(models.Model):
    """One read of shared data, served or refused: who, what, about whom, why, when."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(_("time"), default=timezone.now)
    consumer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reading department"),
    )
    api_key = models.ForeignKey(
        ApiKey, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, null=True, blank=True, related_name="reads"
    )
    # As asked, also when no such resource exists.
    resource_code = models.CharField(_("resource code"), max_length=64, blank=True)
    # The ID number or credit code the read was about; blank when it was not a valid one.
    subject = models.CharField(_("subject"), max_length=18, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    purpose = models.CharField(_("purpose"), max_length=PURPOSE_MAX_LENGTH, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=ReadChannel.choices)
    reference = models.CharField(_("application"), max_length=32, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ReadOutcome.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, null=True, blank=True, related_name="reads"
    )

    objects = DataReadQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("data read")
        verbose_name_plural = _("data reads")
        indexes = [
            models.Index(fields=["subject", "-at"], name="read_subject_idx"),
            models.Index(fields=["resource", "consumer", "outcome"], name="read_usage_idx"),
            models.Index(fields=["consumer", "-at"], name="read_consumer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.resource_code} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The data access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The data access log is append-only.")


class Objection(TimeStampedModel):
    """A person's objection to one entry of their data use log; supervision handles it as
    a complaint (有诉即办) and sets `complaint_reference`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="data_objections")
    entry_kind = models.CharField(_("entry"), max_length=16, choices=AccessLogKind.choices)
    entry_id = models.CharField(_("entry identifier"), max_length=64)
    # What the entry said when the objection was raised, for whoever handles it.
    reader = models.CharField(_("read by"), max_length=128)
    summary = models.CharField(_("what was read"), max_length=300)
    read_at = models.DateTimeField(_("read at"))
    text = models.TextField(_("objection"))
    state = models.CharField(
        _("state"), max_length=16, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    complaint_reference = models.CharField(_("complaint"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("objection to a data read")
        verbose_name_plural = _("objections to data reads")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "entry_kind", "entry_id"], name="one_objection_per_entry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.reader} {self.summary}"


class ApplicationUse(models.Model):
    """Shared data used by one application (its case number as `reference`): answers it
    pre-filled and materials it supplied instead of uploads."""

    reference = models.CharField(_("application"), max_length=32)
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+")
    read = models.ForeignKey(DataRead, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(_("data obtained"), default=dict)
    prefilled = models.JSONField(_("answers pre-filled"), default=dict, blank=True)
    material_keys = models.JSONField(_("materials supplied"), default=list, blank=True)
    obtained_at = models.DateTimeField(_("obtained at"), default=timezone.now)

    class Meta:
        ordering = ["reference", "resource"]
        verbose_name = _("shared data used by an application")
        verbose_name_plural = _("shared data used by applications")
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "resource"], name="one_use_per_application_resource"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.resource_id}"


class DemoRecord(models.Model):
    """What the built-in adapter serves: one record of a resource about one subject. A
    department's real system replaces this table (sharing.providers)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="demo_records")
    subject = models.CharField(_("subject"), max_length=18)
    data = models.JSONField(_("data"), default=dict)

    class Meta:
        ordering = ["resource", "subject"]
        verbose_name = _("demo record")
        verbose_name_plural = _("demo records")
        constraints = [
            models.UniqueConstraint(fields=["resource", "subject"], name="one_demo_record")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id}:{self.subject[:4]}…"
