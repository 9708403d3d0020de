"""Who may do what with a certificate. Holders: the person, or the people who act for the
holding organisation (legal representative, authorised handlers). Managers: reviewers and heads
of the department that issued it. Everyone else is answered "not found"."""

from typing import Any

from django.db.models import Q, QuerySet

from certificates.models import Certificate
from identity import selectors as identity_selectors
from identity.constants import ORGANISATION_ROLES, Role

MANAGING_ROLES = frozenset({Role.REVIEWER, Role.DEPARTMENT_HEAD})


def _person(user: Any) -> bool:
    """Signed in as a person: a department system's API key holds and manages nothing here
    (it reads through services.department_read)."""
    return getattr(user, "is_authenticated", False) and (
        identity_selectors.api_key_department(user) is None
    )


def is_person(user: Any) -> bool:
    """Signed in as a person (not anonymous, not a department system's key)."""
    return bool(_person(user))


def organisations_acted_for(user: Any) -> list[int]:
    by_org = identity_selectors.user_roles_by_organisation(user)
    return sorted(org for org, roles in by_org.items() if roles & ORGANISATION_ROLES)


def departments_managed(user: Any) -> list[int]:
    by_org = identity_selectors.user_roles_by_organisation(user)
    return sorted(org for org, roles in by_org.items() if roles & MANAGING_ROLES)


def held_by(user: Any) -> QuerySet[Certificate]:
    """The certificates the user holds or holds for an organisation they act for."""
    if not _person(user):
        return Certificate.objects.none()
    return Certificate.objects.filter(
        Q(holder_user=user) | Q(holder_organisation_id__in=organisations_acted_for(user))
    )


def managed_by(user: Any) -> QuerySet[Certificate]:
    """The certificates the user's department issued: theirs to revoke or replace."""
    if not _person(user):
        return Certificate.objects.none()
    return Certificate.objects.filter(issuer_id__in=departments_managed(user))


def is_holder(user: Any, certificate: Certificate) -> bool:
    if not _person(user):
        return False
    if certificate.holder_user_id is not None:
        return certificate.holder_user_id == user.pk
    return certificate.holder_organisation_id in organisations_acted_for(user)


def may_manage(user: Any, certificate: Certificate) -> bool:
    return _person(user) and certificate.issuer_id in departments_managed(user)
