"""Reads of the identity app."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from identity.constants import STAFF_ROLES, AuditAction
from identity.models import (
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    Authorisation,
    Membership,
    User,
    audit_hash,
)
from identity.validators import normalize_id_number, validate_id_number


def client_ip(request: HttpRequest) -> str | None:
    """The client address as django-axes resolved it (proxy-aware), else REMOTE_ADDR."""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None


def signin_lockout_key(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """What django-axes stores and counts instead of the ID number: a keyed digest of it."""
    id_number = (credentials or {}).get("id_number") or request.POST.get("id_number")
    if not id_number:
        return None
    normalised = normalize_id_number(str(id_number)).encode()
    return hmac.new(settings.SECRET_KEY.encode(), normalised, hashlib.sha256).hexdigest()[:32]


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation", "organisation__region")
        .order_by("organisation__name", "role")
    )


def user_roles(user: Any) -> frozenset[str]:
    """The roles a person holds (from the memberships read once per request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(role for _org, role, _region in _memberships(user))


def user_is_staff(user: Any) -> bool:
    """Staff are people with a department role, or with access to the admin site."""
    return bool(getattr(user, "is_staff", False)) or bool(user_roles(user) & STAFF_ROLES)


def authorisations_granted_by(user: User) -> QuerySet[Authorisation]:
    return Authorisation.objects.filter(principal=user).select_related("agent")


def authorisations_held_by(user: User) -> QuerySet[Authorisation]:
    return Authorisation.objects.filter(
        agent=user, revoked_at__isnull=True, valid_until__gte=timezone.localdate()
    ).select_related("principal")


def authorisation_active(
    *, principal: User, agent: User, matter_code: str = ""
) -> Authorisation | None:
    """The authorisation that lets the agent act for the principal on this matter, if any."""
    return (
        authorisations_held_by(agent)
        .filter(principal=principal, matter_code__in=["", matter_code])
        .order_by("-valid_until")
        .first()
    )


@dataclass(frozen=True)
class ChainReport:
    """What verification found. `checked` counts the good entries read; `broken_at` is the
    first entry whose link or content is wrong (None when the break is not at an entry:
    a cut-off tail, or a checkpoint the chain does not confirm); `reason` says which."""

    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""
    # Entries purged before the newest checkpoint (0 when nothing was ever purged).
    purged: int = 0


# Columns the hash covers, in audit_hash's keyword order, read without building models.
_HASHED = (
    "id",
    "previous_hash",
    "hash",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "ip_address",
    "detail",
    "subject_id",
)


def audit_chain_verify(*, chunk_size: int = 5000, through_id: int | None = None) -> ChainReport:
    """Recompute every hash in order from the newest checkpoint (the start of the chain when
    nothing was purged); report the first entry whose link or content is wrong. Without
    `through_id` the end is checked against the head and the checkpoint against the purge
    entry that recorded it."""
    checkpoint = AuditCheckpoint.objects.order_by("-through_id").first()
    previous = checkpoint.through_hash if checkpoint else "0" * 64
    after = checkpoint.through_id if checkpoint else 0
    base = checkpoint.length if checkpoint else 0
    purges: set[tuple[int, str, int]] = set()
    checked = 0
    rows = AuditEvent.objects.order_by("id")
    if through_id is not None:
        rows = rows.filter(id__lte=through_id)
    while True:
        # Keyset chunks: flat memory, and no server-side cursor held across the whole trail.
        chunk = list(rows.filter(id__gt=after).values_list(*_HASHED)[:chunk_size])
        for (
            pk,
            previous_hash,
            stored,
            at,
            actor_id,
            label,
            action,
            object_type,
            object_id,
            outcome,
            ip,
            detail,
            subject_id,
        ) in chunk:
            computed = audit_hash(
                previous=previous_hash,
                at=at,
                actor_id=actor_id,
                actor_label=label,
                action=action,
                object_type=object_type,
                object_id=object_id,
                outcome=outcome,
                ip=ip,
                detail=detail,
                subject_id=subject_id,
            )
            if previous_hash != previous or computed != stored:
                return ChainReport(
                    ok=False, checked=checked, broken_at=pk, reason="entry", purged=base
                )
            if action == AuditAction.AUDIT_PURGE and isinstance(detail, dict):
                purges.add(
                    (detail.get("through_id"), detail.get("through_hash"), detail.get("length"))
                )
            previous = stored
            checked += 1
        if len(chunk) < chunk_size:
            break
        after = chunk[-1][0]
    if through_id is not None:
        return ChainReport(ok=True, checked=checked, purged=base)
    if checkpoint is not None and (
        (checkpoint.through_id, checkpoint.through_hash, checkpoint.length) not in purges
    ):
        # A checkpoint nobody recorded in the chain: entries were removed behind its back.
        return ChainReport(ok=False, checked=checked, reason="checkpoint", purged=base)
    head = AuditChainHead.objects.filter(pk=1).first() or AuditChainHead()
    # A chain cut short at its end is only visible against the head.
    if head.last_hash != previous or head.length != base + checked:
        return ChainReport(ok=False, checked=checked, reason="head", purged=base)
    return ChainReport(ok=True, checked=checked, purged=base)


@dataclass(frozen=True)
class AuditFilter:
    """What the supervisor's audit search filters on; each part optional."""

    person: int | None = None  # the person concerned (subject) or acting (actor)
    actor: int | None = None
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    outcome: str = ""
    since: datetime | None = None
    until: datetime | None = None


def audit_search(filters: AuditFilter) -> QuerySet[AuditEvent]:
    """Entries matching the filters, newest first; page with `audit_page` (keyset on id).
    Each filter has an index that starts with it and ends with the id."""
    events = AuditEvent.objects.all()
    if filters.person is not None:
        events = events.filter(Q(subject_id=filters.person) | Q(actor_id=filters.person))
    if filters.actor is not None:
        events = events.filter(actor_id=filters.actor)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.action:
        # An action or a whole family of actions: "cases." finds every case action.
        if filters.action.endswith("."):
            events = events.filter(action__startswith=filters.action)
        else:
            events = events.filter(action=filters.action)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.since is not None:
        events = events.filter(occurred_at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(occurred_at__lt=filters.until)
    return events.select_related("actor", "subject").order_by("-id")


def audit_page(
    events: QuerySet[AuditEvent], *, before: int | None, size: int
) -> tuple[list[AuditEvent], int | None]:
    """One page of entries older than the entry `before` (the newest when None), and the
    id to continue from (None on the last page). No COUNT: it would read the whole trail."""
    if before is not None:
        events = events.filter(id__lt=before)
    page = list(events[: size + 1])
    more = len(page) > size
    page = page[:size]
    return page, (page[-1].pk if more and page else None)


def user_by_id_number(id_number: str) -> User | None:
    """The person with this ID number (None when it is invalid or unknown)."""
    try:
        normalised = validate_id_number(id_number)
    except ValidationError:
        return None
    return User.objects.filter(id_number=normalised).first()


def _memberships(user: Any) -> list[tuple[int, str, int]]:
    """(organisation, role, organisation's region) of the user's active memberships, read
    once per request and kept on the user object."""
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True).values_list(
                "organisation_id", "role", "organisation__region_id"
            )
        )
        user._portal_memberships = cached
    return cached


def user_roles_by_organisation(user: Any) -> dict[int, frozenset[str]]:
    """Active roles per organisation id."""
    if not getattr(user, "is_authenticated", False):
        return {}
    by_org: dict[int, set[str]] = {}
    for organisation_id, role, _region in _memberships(user):
        by_org.setdefault(organisation_id, set()).add(role)
    return {org: frozenset(roles) for org, roles in by_org.items()}


def regions_served_as(user: Any, *, role: str) -> list[int]:
    """The regions of the organisations in which the user holds a role."""
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted({region for _org, held, region in _memberships(user) if held == role})


def api_key_department(user: Any) -> int | None:
    """The department a request signed with a department API key acts for (None for people
    signed in otherwise). identity.authentication marks the key's official with it."""
    return getattr(user, "_portal_api_key_department", None)


def users_by_ids(ids: list[int]) -> QuerySet[User]:
    return User.objects.filter(pk__in=ids)
