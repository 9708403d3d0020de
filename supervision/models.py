"""Supervision (电子监察, 好差评, 有诉即办): deadline cards, ratings and their follow-ups,
complaints, and the exports of the supervision pages."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from core.models import TimeStampedModel
from identity.models import Organisation, User
from matters.models import Implementation
from supervision.constants import (
    COMPLAINT_WAITING_STATES,
    CardColour,
    CardKind,
    ComplaintChannel,
    ComplaintState,
    ComplaintSubject,
    ExportFormat,
    ExportStatus,
    RatingChannel,
    RatingScore,
)


class Card(models.Model):
    """A yellow or red card (黄牌/红牌) raised once when something nears or passes its time
    limit; closed when the thing is done. `subject_id` names what it is about within its
    kind (a case's id, a complaint's id, a sharing request's id and stage…), so the unique
    constraint makes raising idempotent, whoever raises it and however often."""

    kind = models.CharField(_("about"), max_length=24, choices=CardKind.choices)
    subject_id = models.CharField(_("subject"), max_length=64)
    colour = models.CharField(_("colour"), max_length=8, choices=CardColour.choices)
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="supervision_cards",
        verbose_name=_("case"),
    )
    complaint = models.ForeignKey(
        "Complaint", on_delete=models.CASCADE, null=True, blank=True, related_name="cards"
    )
    follow_up = models.ForeignKey(
        "RatingFollowUp", on_delete=models.CASCADE, null=True, blank=True, related_name="cards"
    )
    # The department answerable for the delay (none: the sharing platform itself).
    department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_cards",
        verbose_name=_("department"),
    )
    # Who handled the subject when the card was raised (the case's claimant).
    handler = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    due = models.DateField(_("time limit"))
    raised_at = models.DateTimeField(_("raised at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set once the people concerned were told (supervision.notifications).
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("deadline card")
        verbose_name_plural = _("deadline cards")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id", "colour"], name="card_once_per_subject_colour"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["case_deadline", "correction", "deferred_supply"])
                | Q(case__isnull=False),
                name="case_card_has_case",
            ),
        ]
        indexes = [
            models.Index(
                fields=["department", "colour"],
                condition=Q(closed_at__isnull=True),
                name="card_open_idx",
            ),
            models.Index(fields=["raised_at"], name="card_raised_idx"),
            models.Index(
                fields=["id"], condition=Q(notified_at__isnull=True), name="card_unnotified_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_colour_display()} {self.kind}:{self.subject_id}"


class Rating(models.Model):
    """好差评: the applicant's rating of one ended case (one per case)."""

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="rating", verbose_name=_("case")
    )
    score = models.PositiveSmallIntegerField(_("rating"), choices=RatingScore.choices)
    comment = models.TextField(_("comment"), blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=RatingChannel.choices)
    applicant = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="ratings_given", verbose_name=_("applicant")
    )
    implementation = models.ForeignKey(
        Implementation,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("service"),
    )
    department = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("department")
    )
    handler = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings_received",
        verbose_name=_("handled by"),
    )
    created_at = models.DateTimeField(_("rated at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="score_1_to_5")
        ]
        indexes = [
            models.Index(fields=["department", "score"], name="rating_department_idx"),
            models.Index(fields=["implementation", "score"], name="rating_service_idx"),
            models.Index(fields=["created_at"], name="rating_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score}"


class RatingFollowUp(TimeStampedModel):
    """A bad rating's follow-up: the department calls the applicant back (回访), rectifies
    and answers them within a deadline in working days."""

    rating = models.OneToOneField(
        Rating, on_delete=models.PROTECT, related_name="follow_up", verbose_name=_("rating")
    )
    department = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    due = models.DateField(_("due"))
    callback_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("called back by"),
    )
    callback_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    callback_notes = models.TextField(_("notes of the call"), blank=True)
    rectification = models.TextField(_("rectification"), blank=True)
    # What the applicant reads about their rating.
    answer = models.TextField(_("answer to the applicant"), blank=True)
    closed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("rating follow-up")
        verbose_name_plural = _("rating follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True)
                | (Q(callback_at__isnull=False) & ~Q(rectification="") & ~Q(answer="")),
                name="follow_up_closed_when_done",
            )
        ]
        indexes = [
            models.Index(
                fields=["due"], condition=Q(closed_at__isnull=True), name="follow_up_open_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating_id} → {self.department_id}"


class ComplaintNumberBlock(models.Model):
    """The last complaint number handed out for one day."""

    prefix = models.CharField(max_length=16, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix} #{self.last}"


class Complaint(TimeStampedModel):
    """有诉即办: a complaint received online, on the 12345 hotline or at the window,
    assigned to a department that answers it within a deadline; the complainant confirms
    the answer or reopens the complaint."""

    number = models.CharField(_("complaint number"), max_length=24, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=16, choices=ComplaintChannel.choices)
    complainant = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("complainant"),
    )
    # For callers and visitors without an account (and a copy for those with one).
    complainant_name = models.CharField(_("complainant's name"), max_length=50)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=20, blank=True)
    entered_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    subject = models.CharField(_("about"), max_length=16, choices=ComplaintSubject.choices)
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("case"),
    )
    implementation = models.ForeignKey(
        Implementation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("service"),
    )
    about_department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about",
        verbose_name=_("department complained about"),
    )
    # A use of the complainant's data: the public id of a sharing objection or log entry.
    data_reference = models.CharField(_("data use"), max_length=64, blank=True)
    text = models.TextField(_("complaint"))

    department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_handled",
        verbose_name=_("handling department"),
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ComplaintState.choices,
        default=ComplaintState.RECEIVED,
    )
    # 及时转办: by when the complaint must reach the department that answers it.
    assign_due = models.DateField(_("assignment due"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    forward_count = models.PositiveSmallIntegerField(_("times forwarded"), default=0)
    due = models.DateField(_("reply due"))
    # Each reopening starts a new reply deadline (and a new round of cards).
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(
                condition=Q(complainant__isnull=False) | ~Q(complainant_phone=""),
                name="complaint_reachable",
            ),
            models.CheckConstraint(
                condition=~Q(subject="case") | Q(case__isnull=False),
                name="complaint_case_named",
            ),
            models.CheckConstraint(
                condition=~Q(subject="matter") | Q(implementation__isnull=False),
                name="complaint_service_named",
            ),
            models.CheckConstraint(
                condition=~Q(subject="department") | Q(about_department__isnull=False),
                name="complaint_department_named",
            ),
            models.CheckConstraint(
                condition=~Q(subject="data_access") | ~Q(data_reference=""),
                name="complaint_data_use_named",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "state"], name="complaint_inbox_idx"),
            models.Index(fields=["complainant", "-created_at"], name="complaint_mine_idx"),
            models.Index(
                fields=["due"],
                condition=Q(state__in=sorted(COMPLAINT_WAITING_STATES)),
                name="complaint_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ComplaintEvent(models.Model):
    """One step of a complaint's timeline; appended by every change, never changed."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=16)
    from_state = models.CharField(
        _("from"), max_length=16, choices=ComplaintState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=16, choices=ComplaintState.choices)
    # The department the step handed the complaint to (assign, forward).
    department = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"


class Export(models.Model):
    """A table of a supervision page written to a file by a Celery task, downloaded when
    ready (large exports show their progress meanwhile)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="exports", verbose_name=_("requested by")
    )
    kind = models.CharField(_("table"), max_length=64)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_mine_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.format} {self.status}"
