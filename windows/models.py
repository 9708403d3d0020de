"""The physical hall (SPEC.md §9): halls, windows, clerks at windows, queue tickets and
appointments."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from identity.constants import OrganisationKind
from identity.models import Organisation, Region
from matters.constants import WindowCategory
from matters.models import Implementation
from windows.constants import (
    TICKET_LETTERS,
    AppointmentState,
    Queue,
    SpecialWindow,
    TicketChannel,
    TicketState,
)

# Appointment codes avoid letters and digits that are easily confused when read out.
APPOINTMENT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
APPOINTMENT_CODE_LENGTH = 8


class Hall(TimeStampedModel):
    """A government service hall (政务服务大厅) of a region, run by a service centre whose
    window clerks serve it."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="halls", verbose_name=_("region")
    )
    operator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="halls",
        verbose_name=_("run by"),
        limit_choices_to={"kind": OrganisationKind.DEPARTMENT},
        help_text=_("The service centre whose window clerks serve the hall."),
    )
    address = models.CharField(_("address"), max_length=200)
    opening_hours = models.TextField(_("opening hours"))
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A counter of a hall: the 一窗 categories it takes in, or a special service."""

    hall = models.ForeignKey(
        Hall, on_delete=models.CASCADE, related_name="windows", verbose_name=_("hall")
    )
    number = models.CharField(_("window number"), max_length=8)
    categories = models.JSONField(
        _("categories"),
        default=list,
        blank=True,
        help_text=_("The comprehensive window categories the window takes in."),
    )
    special_kind = models.CharField(
        _("special window"), max_length=16, choices=SpecialWindow.choices, blank=True
    )
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        ordering = ["hall", "number"]
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="window_unique_number")
        ]

    def __str__(self) -> str:
        return _("Window %(number)s") % {"number": self.number}

    def clean(self) -> None:
        unknown = [code for code in self.categories or [] if code not in WindowCategory.values]
        if not isinstance(self.categories, list) or unknown:
            raise ValidationError({"categories": _("Choose categories from the list.")})
        self.categories = [code for code in WindowCategory.values if code in self.categories]
        if not self.categories and not self.special_kind:
            raise ValidationError(
                {"categories": _("A window takes in at least one category or special service.")}
            )

    @property
    def queues(self) -> list[str]:
        """The ticket queues this window calls from."""
        return [*self.categories, *([self.special_kind] if self.special_kind else [])]

    def get_queue_labels(self) -> list[str]:
        return [str(Queue(code).label) for code in self.queues]


class WindowSession(models.Model):
    """A clerk signed in to a window, from sign-in to sign-out; a clerk is at one window at
    a time and a window has one clerk at a time."""

    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="window_sessions",
        verbose_name=_("clerk"),
    )
    window = models.ForeignKey(
        Window, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("window")
    )
    started_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    ended_at = models.DateTimeField(_("signed out at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("window session")
        verbose_name_plural = _("window sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["clerk"],
                condition=Q(ended_at__isnull=True),
                name="window_session_one_open_per_clerk",
            ),
            models.UniqueConstraint(
                fields=["window"],
                condition=Q(ended_at__isnull=True),
                name="window_session_one_open_per_window",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="window_session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.window} · {self.clerk.name}"


class TicketCounter(models.Model):
    """The last number given in a queue of a hall on a day; its row is locked while a
    ticket is numbered, so numbers have no gap and no duplicate."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=16, choices=Queue.choices)
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "category", "day"], name="ticket_counter_unique_queue_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hall_id} · {self.category} · {self.day}: {self.last_number}"


class AppointmentSlot(models.Model):
    """A time at a hall for one category, with the number of people it can take."""

    hall = models.ForeignKey(
        Hall, on_delete=models.CASCADE, related_name="slots", verbose_name=_("hall")
    )
    category = models.CharField(_("category"), max_length=16, choices=Queue.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    class Meta:
        ordering = ["starts_at", "category"]
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "category", "starts_at"], name="slot_unique_start"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_has_length"),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="slot_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.hall} · {self.get_category_display()} · {start:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class Ticket(models.Model):
    """A queue ticket (排队号) like B017: the queue's letter and its number of the day."""

    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("hall")
    )
    category = models.CharField(_("queue"), max_length=16, choices=Queue.choices)
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("ticket"), max_length=8)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("person"),
    )
    channel = models.CharField(_("taken"), max_length=16, choices=TicketChannel.choices)
    priority = models.BooleanField(
        _("priority"), default=False, help_text=_("Called before others: appointment check-ins.")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=TicketState.choices, default=TicketState.WAITING
    )
    # While waiting: a window the ticket was sent to (only that window calls it); once
    # called: the window serving it.
    window = models.ForeignKey(
        Window,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("window"),
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clerk"),
    )
    transferred_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transferred_to",
        verbose_name=_("transferred from"),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    called_at = models.DateTimeField(_("first called at"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("last called at"), null=True, blank=True)
    service_started_at = models.DateTimeField(_("service started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    recalled = models.PositiveSmallIntegerField(_("called again"), default=0)

    class Meta:
        ordering = ["-day", "category", "number"]
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "category", "day", "number"], name="ticket_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="ticket_number_positive"),
            # A window serves one ticket at a time.
            models.UniqueConstraint(
                fields=["window"],
                condition=Q(state__in=["called", "serving"]),
                name="ticket_one_current_per_window",
            ),
        ]
        indexes = [
            # The queue a window calls from: waiting tickets of a hall, oldest first.
            models.Index(
                fields=["hall", "day", "category", "priority", "issued_at"],
                condition=Q(state="waiting"),
                name="ticket_waiting_queue",
            ),
            models.Index(fields=["hall", "last_called_at"], name="ticket_hall_last_called"),
        ]

    def __str__(self) -> str:
        return self.code

    @staticmethod
    def build_code(category: str, number: int) -> str:
        return f"{TICKET_LETTERS[category]}{number:03d}"

    @property
    def waiting_time(self) -> timedelta | None:
        return self.called_at - self.issued_at if self.called_at else None

    @property
    def service_time(self) -> timedelta | None:
        if self.service_started_at and self.finished_at:
            return self.finished_at - self.service_started_at
        return None


def new_appointment_code() -> str:
    alphabet = APPOINTMENT_CODE_ALPHABET
    return "".join(secrets.choice(alphabet) for _ in range(APPOINTMENT_CODE_LENGTH))


class Appointment(TimeStampedModel):
    """A person's booking (预约) of a slot for one service; checking in at the hall gives a
    priority ticket."""

    code = models.CharField(
        _("appointment code"), max_length=12, unique=True, default=new_appointment_code
    )
    slot = models.ForeignKey(
        AppointmentSlot,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("slot"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="appointments",
        verbose_name=_("person"),
    )
    implementation = models.ForeignKey(
        Implementation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service"),
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=AppointmentState.choices,
        default=AppointmentState.BOOKED,
    )
    ticket = models.OneToOneField(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointment",
        verbose_name=_("ticket"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            # One live booking per person and slot.
            models.UniqueConstraint(
                fields=["slot", "person"],
                condition=Q(state__in=["booked", "checked_in"]),
                name="appointment_one_per_person_slot",
            ),
        ]

    def __str__(self) -> str:
        return self.code
