"""What departments receive through the outbox (cases.outbox): a case handed to them (转办),
a request for their opinion (征求意见), a service of a combined application routed to them
(并联审批) — and the bundle's progress steps.

Each handler runs inside the transaction that marks its message delivered. The department
gets one DepartmentNotice per message (one-to-one with the message: a second delivery could
not add a second), and its reviewers a notice in their in-site inbox. Registered when the
app is ready (cases.apps).
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from cases import bundle_flow, outbox, policies
from cases.models import Case, Consultation, DepartmentNotice, Notice, OutboxMessage
from cases.outbox import OutboxKind
from cases.policies import REVIEWING_ROLES
from core.errors import NotFound
from identity import selectors as identity_selectors
from identity.models import Organisation, User

TEXT_MAX_LENGTH = DepartmentNotice._meta.get_field("text").max_length


# --- Writing the messages (inside the transaction of the change) -------------------------


def hand_off_enqueue(
    *, case: Case, to_department: Organisation, from_department: Organisation, reason: str
) -> OutboxMessage:
    """转办: tell the receiving department a case was handed to it."""
    return outbox.enqueue(
        kind=OutboxKind.HAND_OFF,
        payload={
            "case": case.pk,
            "department": to_department.pk,
            "from_department": from_department.pk,
            "reason": reason,
        },
    )


def consultation_enqueue(*, consultation: Consultation) -> OutboxMessage:
    """征求意见: tell the consulted department its opinion is asked."""
    return outbox.enqueue(kind=OutboxKind.CONSULTATION, payload={"consultation": consultation.pk})


# --- Handlers ----------------------------------------------------------------------------


@outbox.handler(OutboxKind.HAND_OFF)
def _deliver_hand_off(message: OutboxMessage) -> None:
    case = Case.objects.get(pk=message.payload["case"])
    _receive(
        message=message,
        department_id=message.payload["department"],
        case=case,
        text=message.payload.get("reason", ""),
    )


@outbox.handler(OutboxKind.CONSULTATION)
def _deliver_consultation(message: OutboxMessage) -> None:
    consultation = Consultation.objects.select_related("case").get(
        pk=message.payload["consultation"]
    )
    _receive(
        message=message,
        department_id=consultation.department_id,
        case=consultation.case,
        text=consultation.question,
    )


@outbox.handler(OutboxKind.ROUTED)
def _deliver_routed(message: OutboxMessage) -> None:
    case = Case.objects.get(pk=message.payload["case"])
    _receive(message=message, department_id=message.payload["department"], case=case, text="")


@outbox.handler(OutboxKind.ROUTE_CHILD)
def _deliver_route_child(message: OutboxMessage) -> None:
    child = bundle_flow.child_start(
        child_id=message.payload["case"], accepted_by=message.payload["accepted_by"]
    )
    if child is None:
        return
    parent = Case.objects.select_related("bundle").get(pk=child.parent_id)
    _receive(
        message=message,
        department_id=child.department_id,
        case=child,
        text=f"{parent.bundle.name} · {parent.number}",
    )


@outbox.handler(OutboxKind.BUNDLE_ADVANCE)
def _deliver_bundle_advance(message: OutboxMessage) -> None:
    bundle_flow.bundle_advance(parent_id=message.payload["parent"])


# The title of the reviewers' inbox notice, by kind (translated into each reviewer's language).
TITLES = {
    OutboxKind.HAND_OFF: lambda: gettext("Case %(number)s was handed to your department"),
    OutboxKind.CONSULTATION: lambda: gettext(
        "Your department's opinion is asked on case %(number)s"
    ),
    OutboxKind.ROUTE_CHILD: lambda: gettext(
        "Case %(number)s of a combined application was routed to your department"
    ),
    OutboxKind.ROUTED: lambda: gettext("Case %(number)s was routed to your department"),
}


def _receive(*, message: OutboxMessage, department_id: int, case: Case, text: str) -> None:
    """The department's notice of one message, and a notice to each of its reviewers."""
    DepartmentNotice.objects.create(
        department_id=department_id,
        case=case,
        message=message,
        kind=message.kind,
        text=text[:TEXT_MAX_LENGTH],
    )
    reviewers = (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=department_id,
            memberships__role__in=REVIEWING_ROLES,
            memberships__is_active=True,
        )
        .distinct()
        .only("pk", "language")
    )
    notices = []
    for reviewer in reviewers:
        with translation.override(reviewer.language or settings.LANGUAGE_CODE):
            title = TITLES[message.kind]() % {"number": case.number}
        notices.append(Notice(recipient=reviewer, case=case, title=title[:200], body=text))
    Notice.objects.bulk_create(notices)


# --- The department's inbox --------------------------------------------------------------


def departments_reviewed_by(user: Any) -> list[int]:
    by_org = identity_selectors.user_roles_by_organisation(user)
    return [org for org, roles in by_org.items() if roles & REVIEWING_ROLES]


def department_notices_for(user: Any, *, kind: str = "", unread: bool = False) -> QuerySet:
    """What the departments the person reviews for received (hand-offs, consultations,
    routed services): unread first, then newest first."""
    if not getattr(user, "is_authenticated", False):
        return DepartmentNotice.objects.none()
    # A department system's key sees its own department's only (cases.policies).
    notices = DepartmentNotice.objects.filter(department_id__in=policies.reviews_for(user))
    if kind:
        notices = notices.filter(kind=kind)
    if unread:
        notices = notices.filter(read_at__isnull=True)
    return notices.select_related("case__version", "department").order_by(
        ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()).desc(),
        "-created_at",
        "-id",
    )


def department_notice_mark_read(*, user: Any, notice_id: int) -> DepartmentNotice:
    """Mark a notice of the person's department as read (for the whole department: one
    reviewer taking it up is enough); again changes nothing."""
    with transaction.atomic():
        notice = (
            department_notices_for(user)
            .select_for_update(of=("self",))
            .filter(pk=notice_id)
            .order_by()
            .first()
        )
        if notice is None:
            raise NotFound()
        if notice.read_at is None:
            notice.read_at = timezone.now()
            notice.save(update_fields=["read_at"])
    return notice
