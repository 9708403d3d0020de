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
    HAND_OFF = "hand_off", _("Hand off")
    SUSPEND = "suspend", _("Suspend")
    RESUME = "resume", _("Resume")
    APPROVE = "approve", _("Approve")
    DENY = "deny", _("Deny")
    ISSUE_RESULT = "issue_result", _("Issue the result")
    DELIVER = "deliver", _("Deliver")
    WITHDRAW = "withdraw", _("Withdraw")


class Party(models.TextChoices):
    """The part a person plays in one case: decides which actions they may take."""

    APPLICANT = "applicant", _("Applicant")
    CLERK = "clerk", _("Window clerk")
    REVIEWER = "reviewer", _("Reviewer")
    SUPERVISOR = "supervisor", _("Supervisor")


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
# States in which the promised deadline runs.
CLOCK_STATES = frozenset({CaseState.ACCEPTED, CaseState.IN_REVIEW})
FINAL_STATES = frozenset({CaseState.REFUSED, CaseState.DELIVERED, CaseState.WITHDRAWN})
