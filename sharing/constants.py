from django.db import models
from django.utils.translation import gettext_lazy as _

from identity.constants import Role


class SharingClass(models.TextChoices):
    """共享类型: how a resource may be shared (国办发〔2018〕45号)."""

    UNCONDITIONAL = "unconditional", _("Unconditional sharing")
    CONDITIONAL = "conditional", _("Conditional sharing")
    NOT_SHARED = "not_shared", _("Not shared")


class SubjectKind(models.TextChoices):
    """Whom a resource's records are about, and so what identifies them."""

    PERSON = "person", _("Natural person (citizen ID number)")
    ORGANISATION = "organisation", _("Legal person (unified social credit code)")


class UpdateFrequency(models.TextChoices):
    REAL_TIME = "real_time", _("Real time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    YEARLY = "yearly", _("Yearly")


class RequestState(models.TextChoices):
    PLATFORM_REVIEW = "platform_review", _("Waiting for the platform's review")
    PROVIDER_REVIEW = "provider_review", _("Waiting for the provider's decision")
    GRANTED = "granted", _("Granted")
    REJECTED = "rejected", _("Not accepted by the platform")
    REFUSED = "refused", _("Refused by the provider")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_REQUEST_STATES = frozenset({RequestState.PLATFORM_REVIEW, RequestState.PROVIDER_REVIEW})


class GrantBasis(models.TextChoices):
    REQUEST = "request", _("Granted on request")
    REGISTRATION = "registration", _("Registered consumer of an unconditional resource")


class ReadChannel(models.TextChoices):
    API = "api", _("Department system (API)")
    PREFILL = "prefill", _("Application form prefill")
    MATERIAL = "material", _("Application material")


class ReadOutcome(models.TextChoices):
    SERVED = "served", _("Served")
    REFUSED = "refused", _("Refused")
    INVALID = "invalid", _("Bad request")
    NO_DATA = "no_data", _("No data about the subject")
    UNAVAILABLE = "unavailable", _("Provider system unavailable")


class ObjectionState(models.TextChoices):
    OPEN = "open", _("Received")
    FORWARDED = "forwarded", _("Handled as a complaint")
    CLOSED = "closed", _("Closed")


class AccessLogKind(models.TextChoices):
    """Where an entry of a person's data use log (数据使用记录) comes from."""

    DATA_READ = "data_read", _("Shared data read")
    CERTIFICATE = "certificate", _("Certificate read")


# Department staff who act for their department in the exchange: request data as a consumer,
# decide requests and publish resources as a provider.
SHARING_ROLES = frozenset({Role.REVIEWER, Role.DEPARTMENT_HEAD})

# The platform's normative review (规范性审查) and the provider's decision, in working days
# (国办发〔2018〕45号: 3 and 10 working days).
PLATFORM_REVIEW_DAYS = 3
PROVIDER_DECISION_DAYS = 10
# A deadline this close (in working days) is shown as a warning (yellow), past it as overdue
# (red), like case deadlines.
DEADLINE_WARNING_DAYS = 1

FIELD_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
RESOURCE_CODE_PATTERN = r"^[a-z][a-z0-9_]{1,31}$"
PURPOSE_MAX_LENGTH = 200
