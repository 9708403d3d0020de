from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CardKind(models.TextChoices):
    """What a deadline card (电子监察 黄牌/红牌) warns about."""

    CASE_DEADLINE = "case_deadline", _("Promised time limit of a case")
    CORRECTION = "correction", _("Correction not supplied")
    DEFERRED_SUPPLY = "deferred_supply", _("Deferred material not supplied")
    SHARING_REVIEW = "sharing_review", _("Data sharing request review")
    COMPLAINT_REPLY = "complaint_reply", _("Complaint reply")
    RATING_FOLLOW_UP = "rating_follow_up", _("Follow-up of a bad rating")


class CardColour(models.TextChoices):
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card")


class RatingScore(models.IntegerChoices):
    """The five levels of 好差评 (GB/T 39734-2020)."""

    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


# A rating at or below this score is a bad rating (差评): it opens a follow-up.
BAD_RATING_MAX = RatingScore.DISSATISFIED


class RatingChannel(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("Through the API")
    COUNTER = "counter", _("At the counter")


class ComplaintChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    HOTLINE = "hotline", _("12345 hotline")
    WINDOW = "window", pgettext_lazy("complaint channel", "Complaints window")


class ComplaintSubject(models.TextChoices):
    CASE = "case", _("A case")
    MATTER = "matter", _("A service")
    DEPARTMENT = "department", _("A department")
    DATA_ACCESS = "data_access", _("A use of my data")


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    FORWARDED = "forwarded", _("Forwarded")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


# States in which the complaint waits for a department's reply.
COMPLAINT_WAITING_STATES = frozenset(
    {
        ComplaintState.RECEIVED,
        ComplaintState.ASSIGNED,
        ComplaintState.FORWARDED,
        ComplaintState.REOPENED,
    }
)


class ComplaintAction(models.TextChoices):
    FILE = "file", _("Filed")
    ASSIGN = "assign", _("Assigned")
    FORWARD = "forward", _("Forwarded")
    ANSWER = "answer", _("Answered")
    CONFIRM = "confirm", _("Confirmed by the complainant")
    REOPEN = "reopen", _("Reopened by the complainant")
    CLOSE = "close", _("Closed")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
