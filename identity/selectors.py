"""Reads of the identity app."""

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from identity.constants import STAFF_ROLES
from identity.models import AuditChainHead, AuditEvent, Authorisation, Membership, User
from identity.validators import normalize_id_number


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
    """The roles a person holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True)
        )
        user._portal_roles = cached
    return cached


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
    ok: bool
    checked: int
    broken_at: int | None = None


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Recompute every hash in order; report the first event whose link or content is wrong."""
    previous = "0" * 64
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.previous_hash != previous or event.compute_hash() != event.hash:
            return ChainReport(ok=False, checked=checked, broken_at=event.pk)
        previous = event.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first() or AuditChainHead()
    # A chain cut short at its end is only visible against the head.
    if head.last_hash != previous or head.length != checked:
        return ChainReport(ok=False, checked=checked, broken_at=None)
    return ChainReport(ok=True, checked=checked)


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
