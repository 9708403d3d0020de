"""The case (办件): one application for one implementation version, from draft to delivery."""

import uuid
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase

from cases.constants import QUEUE_STATES, CaseState, Channel, DeliveryMethod, MaterialVerification
from core.models import TimeStampedModel
from identity.models import Authorisation, Organisation, Region, User
from matters.models import Bundle, ImplementationVersion


class CaseNumberBlock(models.Model):
    """The last number handed out for one region and day. A number is reserved here before
    its case exists, so numbers are never reused, even for drafts that are discarded."""

    prefix = models.CharField(max_length=32, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number block")
        verbose_name_plural = _("case number blocks")

    def __str__(self) -> str:
        return f"{self.prefix} #{self.last}"


class Case(TimeStampedModel):
    number = models.CharField(_("case number"), max_length=32, unique=True, editable=False)
    version = models.ForeignKey(
        ImplementationVersion,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("service guide version"),
    )
    department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cases_handled",
        verbose_name=_("responsible department"),
    )
    state = models.CharField(
        _("state"), max_length=24, choices=CaseState.choices, default=CaseState.DRAFT
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)

    applicant = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="cases", verbose_name=_("applicant")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("applying organisation"),
    )
    agent = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_as_agent",
        verbose_name=_("agent"),
    )
    authorisation = models.ForeignKey(
        Authorisation, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=64, blank=True)

    form_data = models.JSONField(_("form"), default=dict, blank=True)
    # A 一件事 application is a parent case with one child case per implementation.
    bundle = models.ForeignKey(
        Bundle, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    deadline = models.DateField(_("promised deadline"), null=True, blank=True)
    suspended_since = models.DateField(_("suspended since"), null=True, blank=True)

    delivery_method = models.CharField(
        _("delivery"), max_length=16, choices=DeliveryMethod.choices, blank=True
    )
    delivery_address = models.CharField(_("delivery address"), max_length=200, blank=True)
    fees_due = models.DecimalField(
        _("fees due"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    fees_paid = models.DecimalField(
        _("fees paid"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # The region whose hall takes the case at the counter and hands out its result.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )

    # 容缺受理: accepted with these materials still to come by a date.
    deferred_materials = models.JSONField(_("materials to supply later"), default=list, blank=True)
    deferred_until = models.DateField(_("supply by"), null=True, blank=True)
    deferred_supplied_at = models.DateTimeField(_("supplied at"), null=True, blank=True)
    # 告知承诺制: the applicant's signed commitment stands in for these materials.
    commitment_materials = models.JSONField(
        _("materials replaced by a commitment"), default=list, blank=True
    )
    commitment_signed_at = models.DateTimeField(_("commitment signed at"), null=True, blank=True)

    claimed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_claimed",
        verbose_name=_("handled by"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=48, blank=True)
    # 补正 asked for during the review: the date the applicant should answer by.
    correction_due = models.DateField(_("correction due"), null=True, blank=True)

    # 综合窗口出件: the code shown to the applicant to collect the result at the window.
    pickup_code = models.CharField(_("pickup code"), max_length=12, blank=True)
    express_carrier = models.CharField(_("carrier"), max_length=40, blank=True)
    express_tracking = models.CharField(_("tracking number"), max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("approve_immediate_case", _("Can decide immediate matters at the counter")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="case_idempotency_key_once",
            ),
            models.CheckConstraint(
                condition=Q(fees_due__gte=0, fees_paid__gte=0), name="case_fees_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(agent__isnull=True) | Q(authorisation__isnull=False),
                name="case_agent_has_authorisation",
            ),
            models.UniqueConstraint(
                fields=["decision_number"],
                condition=~Q(decision_number=""),
                name="case_decision_number_once",
            ),
        ]
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="case_applicant_idx"),
            # A department's queue (cases.selectors.queue_for_department) walks these in
            # (deadline, id) order and stops after one page, at any size of the table: all
            # queue states, one state, or its claimant's (or the unclaimed) cases.
            models.Index(
                fields=["department", "deadline", "id"],
                condition=Q(state__in=QUEUE_STATES, deadline__isnull=False),
                name="case_queue_idx",
            ),
            models.Index(
                fields=["department", "state", "deadline", "id"], name="case_queue_state_idx"
            ),
            models.Index(
                fields=["department", "claimed_by", "deadline", "id"],
                condition=Q(state__in=QUEUE_STATES, deadline__isnull=False),
                name="case_queue_claimant_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CaseEvent(models.Model):
    """One step of a case's timeline; appended by every transition, never changed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=24)
    from_state = models.CharField(_("from"), max_length=24, choices=CaseState.choices)
    to_state = models.CharField(_("to"), max_length=24, choices=CaseState.choices)
    at = models.DateTimeField(_("time"))
    comment = models.TextField(_("comment"), blank=True)
    payload = models.JSONField(default=dict, blank=True)
    # Set with the step when the applicant is to be told about it, cleared once they were:
    # a step still set minutes later lost its task (broker down, worker killed) and is
    # found again by cases.notifications.resend_lost.
    notify_pending = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [
            models.Index(
                fields=["at"], condition=Q(notify_pending=True), name="caseevent_notify_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_state}→{self.to_state}"


class CaseMaterial(models.Model):
    """A file given for one material of the case's service guide (one file per material)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material_key = models.CharField(_("material"), max_length=64)
    # The storage name is generated in full by cases.uploads.storage_name (under cases/).
    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))
    # The reviewer's check of this file (a new upload is checked again).
    verification = models.CharField(
        _("verification"),
        max_length=16,
        choices=MaterialVerification.choices,
        default=MaterialVerification.PENDING,
    )
    verification_note = models.CharField(_("verification note"), max_length=300, blank=True)
    verified_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        ordering = ["case", "material_key"]
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")
        constraints = [
            models.UniqueConstraint(fields=["case", "material_key"], name="one_file_per_material")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.material_key}"


class Notice(models.Model):
    """A message in a person's in-site inbox (站内信): a step of one of their cases, or a life
    event of one of their e-certificates."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notices")
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    # The step the notice tells about: one notice per person and step, however often the
    # notification task runs.
    event = models.ForeignKey(
        CaseEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    # Likewise one notice per person and certificate event (certificates.notifications).
    certificate_event = models.ForeignKey(
        "certificates.CertificateEvent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread_idx")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], name="one_notice_per_step"),
            models.UniqueConstraint(
                fields=["recipient", "certificate_event"], name="one_notice_per_certificate_event"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RoutingRule(TimeStampedModel):
    """Where accepted cases of a service go when not to its own department: for all its
    cases, or only for those of one region (cases.routing)."""

    implementation = models.ForeignKey(
        "matters.Implementation",
        on_delete=models.CASCADE,
        related_name="routing_rules",
        verbose_name=_("service"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for cases of region"),
    )
    department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("route to department"),
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["implementation", "region"], name="one_rule_per_service_region"
            ),
            models.UniqueConstraint(
                fields=["implementation"],
                condition=Q(region__isnull=True),
                name="one_default_rule_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.implementation_id} → {self.department_id}"


class Consultation(TimeStampedModel):
    """征求意见: the case's department asks another department for its opinion; the case
    waits for the answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultations")
    department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("consulted department"),
    )
    question = models.TextField(_("question"))
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("answer due"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.department_id}"


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """django-guardian's object grants on cases to groups, with a real foreign key (joins
    on an integer, not on guardian's generic text object id). A consulted department's
    reviewer group gets `view_case` here (docs/adr/0005-reviewer-access.md)."""

    # A visible reverse relation: guardian finds this model through it.
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="group_grants")

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        verbose_name = _("case grant")
        verbose_name_plural = _("case grants")


class OutboxMessage(models.Model):
    """A hand-off, fan-out or department notification written in the same transaction as
    the state change it follows, and delivered afterwards by cases.outbox."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # Set when the retries ran out; an administrator can send it again.
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(delivered_at__isnull=True),
                name="outbox_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


class DepartmentNotice(models.Model):
    """What a department receives from a delivered outbox message (a case handed to it, a
    consultation, a bundle child routed to it): exactly one per message."""

    department = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="department_notices"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="department_notices")
    message = models.OneToOneField(
        OutboxMessage, on_delete=models.PROTECT, related_name="department_notice"
    )
    kind = models.CharField(_("kind"), max_length=64)
    text = models.CharField(_("message"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("department notice")
        verbose_name_plural = _("department notices")

    def __str__(self) -> str:
        return f"{self.department_id}: {self.kind} {self.case_id}"
