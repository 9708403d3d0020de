import hashlib
import json
import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from identity.constants import (
    ORGANISATION_ROLES,
    STAFF_ROLES,
    AuditOutcome,
    AuthorisationBasis,
    OrganisationKind,
    RegionLevel,
    Role,
    Sector,
)
from identity.validators import mask_id_number, validate_credit_code, validate_id_number


class Region(models.Model):
    """行政区划: a node of the administrative tree, keyed by its 12-digit statistical code."""

    code = models.CharField(_("region code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{12}$"), name="region_code_12_digits"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(TimeStampedModel):
    """A legal person keyed by its unified social credit code: an enterprise or a department."""

    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    sector = models.CharField(
        _("sector"),
        max_length=32,
        choices=Sector.choices,
        blank=True,
        help_text=_("For government departments: the line of government it belongs to."),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.DEPARTMENT) | Q(region__isnull=False),
                name="department_has_region",
            )
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, id_number: str, name: str, password: str | None = None, **extra: Any
    ) -> "User":
        user = self.model(id_number=validate_id_number(id_number), name=name, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, id_number: str, name: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(id_number, name, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A natural person (自然人), one account per citizen ID number (一号申请)."""

    id_number = models.CharField(
        _("citizen ID number"), max_length=18, unique=True, validators=[validate_id_number]
    )
    name = models.CharField(_("full name"), max_length=50)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("Whether the person may sign in to the administration site."),
    )
    elder_mode = models.BooleanField(_("elder-friendly mode"), default=False)
    language = models.CharField(_("preferred language"), max_length=10, blank=True)
    date_joined = models.DateTimeField(_("registered at"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "id_number"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_id_number})"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """A person's role in an organisation: acting for an enterprise, or working in a department."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(role=Role.LEGAL_REPRESENTATIVE, is_active=True),
                name="one_legal_representative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.name} · {self.organisation.name} · {self.get_role_display()}"

    def clean(self) -> None:
        """A staff role belongs to a department; acting for a legal person does not."""
        is_department = self.organisation.kind == OrganisationKind.DEPARTMENT
        if self.role in STAFF_ROLES and not is_department:
            raise ValidationError(
                {"role": _("Staff roles can only be held in a government department.")}
            )
        if self.role in ORGANISATION_ROLES and is_department:
            raise ValidationError(
                {
                    "role": _(
                        "A legal representative or handler acts for an enterprise, institution "
                        "or social organisation, not for a government department."
                    )
                }
            )


class Authorisation(TimeStampedModel):
    """委托: the principal lets the agent apply for one matter (or all) until a date."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    principal = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="authorisations_granted"
    )
    agent = models.ForeignKey(User, on_delete=models.CASCADE, related_name="authorisations_held")
    # A code rather than a key: the catalogue sits above identity in the layers.
    matter_code = models.CharField(_("matter code"), max_length=64, blank=True)
    valid_until = models.DateField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    basis = models.CharField(
        _("given"),
        max_length=16,
        choices=AuthorisationBasis.choices,
        default=AuthorisationBasis.ONLINE,
    )
    # A scan of a paper authorisation taken at the counter (帮办代办).
    evidence = models.FileField(_("authorisation document"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("authorisation")
        verbose_name_plural = _("authorisations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(principal=models.F("agent")), name="authorisation_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.principal.name} → {self.agent.name}"

    def is_active_on(self, day: Any) -> bool:
        return self.revoked_at is None and self.valid_until >= day


class ApiKey(TimeStampedModel):
    """A department system's key for `Authorization: Api-Key <key>`. Only a digest is
    stored; the system acts as the named official who answers for the key."""

    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="api_keys",
        verbose_name=_("department"),
        limit_choices_to={"kind": OrganisationKind.DEPARTMENT},
    )
    owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="api_keys",
        verbose_name=_("responsible official"),
    )
    prefix = models.CharField(_("key prefix"), max_length=12, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("department API key")
        verbose_name_plural = _("department API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit trail is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit trail is append-only.")


def audit_hash(
    *,
    previous: str,
    at: Any,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    outcome: str,
    ip: str | None,
    detail: Any,
    subject_id: int | None,
) -> str:
    """SHA-256 of an entry's canonical content. The subject joined the content later: it is
    hashed only when set, so entries written before it still verify."""
    payload = {
        "previous": previous,
        "at": at.isoformat(),
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object": [object_type, object_id],
        "outcome": outcome,
        "ip": ip,
        "detail": detail,
    }
    if subject_id is not None:
        payload["subject"] = subject_id
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit trail."""

    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=64, blank=True)
    # The person whose data or case the entry concerns (the applicant, holder, data subject).
    subject = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object"), max_length=128, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=AuditOutcome.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # The supervisor's search filters on one of these and pages backwards by id.
        indexes = [
            models.Index(fields=["object_type", "object_id", "-id"], name="audit_object_key_idx"),
            models.Index(fields=["actor", "-id"], name="audit_actor_idx"),
            models.Index(fields=["subject", "-id"], name="audit_subject_idx"),
            models.Index(fields=["action", "-id"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit trail is append-only.")

    def compute_hash(self) -> str:
        return audit_hash(
            previous=self.previous_hash,
            at=self.occurred_at,
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            outcome=self.outcome,
            ip=self.ip_address,
            detail=self.detail,
            subject_id=self.subject_id,
        )


class AuditChainHead(models.Model):
    """The single row locked while appending, so that concurrent appends form one chain."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    length = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"{self.length} events, last {self.last_hash[:12]}"


class AuditCheckpointQuerySet(models.QuerySet["AuditCheckpoint"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit checkpoints are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit checkpoints are append-only.")


class AuditCheckpoint(models.Model):
    """Where the chain restarts after a purge (identity.services.audit_purge): the last
    purged entry's id and hash and how many entries the chain had up to it. Verification
    starts from the newest checkpoint; the purge entry in the chain repeats these values."""

    through_id = models.BigIntegerField(_("purged through entry"), unique=True)
    through_hash = models.CharField(max_length=64)
    length = models.PositiveBigIntegerField(_("entries up to here"))
    purged = models.PositiveBigIntegerField(_("entries purged"))
    cutoff = models.DateTimeField(_("entries before"))
    created_at = models.DateTimeField(_("purged at"), default=timezone.now)

    objects = AuditCheckpointQuerySet.as_manager()

    class Meta:
        ordering = ["through_id"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"#{self.through_id} ({self.length})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Audit checkpoints are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit checkpoints are append-only.")
