from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
    REFUSED = "refused", _("Not accepted")
    ACCEPTED = "accepted", _("Accepted")
    IN_REVIEW = "in_review", _("In review")
    SUSPENDED = "suspended", _("Suspended (special procedure)")
    # 征求意见: the case waits for another department's opinion; the clock keeps running.
    CONSULTING = "consulting", _("Waiting for another department's opinion")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    RESULT_ISSUED = "result_issued", _("Completed")
    DELIVERED = "delivered", _("Delivered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    ACCEPT = "accept", _("Accept")
    REFUSE = "refuse", _("Refuse to accept")
    REQUEST_CORRECTION = "request_correction", _("Request a correction")
    RESUBMIT = "resubmit", _("Resubmit")
    CLAIM = "claim", _("Claim")
    RELEASE = "release", _("Release")
    REASSIGN = "reassign", _("Reassign")
    HAND_OFF = "hand_off", _("Hand off")
    CONSULT = "consult", _("Ask another department")
    ANSWER_CONSULTATION = "answer_consultation", _("Give the department's opinion")
    SUSPEND = "suspend", _("Suspend")
    RESUME = "resume", _("Resume")
    APPROVE = "approve", _("Approve")
    DENY = "deny", _("Deny")
    ISSUE_RESULT = "issue_result", _("Issue the result")
    DELIVER = "deliver", _("Deliver")
    WITHDRAW = "withdraw", _("Withdraw")
    # Not a transition: the event cases.routing appends when it sends a case to a queue.
    ROUTE = "route", _("Routed to the department")


class Party(models.TextChoices):
    """The part a person plays in one case: decides which actions they may take."""

    APPLICANT = "applicant", _("Applicant")
    CLERK = "clerk", _("Window clerk")
    REVIEWER = "reviewer", _("Reviewer")
    SUPERVISOR = "supervisor", _("Supervisor")
    # A reviewer of a department whose opinion was asked (征求意见) on the case.
    CONSULTED = "consulted", _("Consulted department")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    API = "api", _("Through the API")


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("Collect at the window")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronic certificate")


# States in which the applicant can still change the application.
EDITABLE_STATES = frozenset({CaseState.DRAFT, CaseState.CORRECTION_REQUESTED})
# States in which the promised deadline runs: time spent asking another department counts
# against the promised limit (the applicant does not wait longer for internal steps).
CLOCK_STATES = frozenset({CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.CONSULTING})
FINAL_STATES = frozenset({CaseState.REFUSED, CaseState.DELIVERED, CaseState.WITHDRAWN})
# A department's queue: its accepted cases not yet decided. A correction requested during
# the review (the case has a deadline) stays listed: its reviewer waits for the applicant.
QUEUE_STATES = (
    CaseState.ACCEPTED,
    CaseState.IN_REVIEW,
    CaseState.SUSPENDED,
    CaseState.CONSULTING,
    CaseState.CORRECTION_REQUESTED,
)


class CardColour(models.TextChoices):
    """How close a case is to its promised deadline (SPEC.md §6)."""

    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Nearly due")
    RED = "red", _("Overdue")


class MaterialVerification(models.TextChoices):
    """A reviewer's verdict on one file of a case."""

    PENDING = "pending", _("Not checked yet")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


# Yellow card: at most this many working days left, or at most this share of the limit.
YELLOW_DAYS = 1
YELLOW_SHARE = 0.2
