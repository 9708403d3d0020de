"""Who may see a case and which part they play in it (SPEC.md §1)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cases.constants import Action, CaseState, Party
from cases.models import Case
from identity import selectors as identity_selectors
from identity.constants import ORGANISATION_ROLES, Role
from matters.constants import HandlingKind

REVIEWING_ROLES = frozenset({Role.REVIEWER, Role.DEPARTMENT_HEAD})


def _acts_for(user: Any) -> list[int]:
    by_org = identity_selectors.user_roles_by_organisation(user)
    return [org for org, roles in by_org.items() if roles & ORGANISATION_ROLES]


def _reviews_for(user: Any) -> list[int]:
    by_org = identity_selectors.user_roles_by_organisation(user)
    return [org for org, roles in by_org.items() if roles & REVIEWING_ROLES]


def clerk_regions(user: Any) -> list[int]:
    """The regions whose hall the user serves as a window clerk: those of the organisations
    (the service centres running the halls) they are a clerk of."""
    return identity_selectors.regions_served_as(user, role=Role.CLERK)


def case_parties(user: Any, case: Case) -> frozenset[str]:
    """The parts the user plays in this case (none: the case is not theirs to see)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    parties = set()
    if user.pk in (case.applicant_id, case.agent_id) or (
        case.organisation_id is not None and case.organisation_id in _acts_for(user)
    ):
        parties.add(Party.APPLICANT)
    if case.state != CaseState.DRAFT:
        roles = identity_selectors.user_roles(user)
        if case.department_id in _reviews_for(user):
            parties.add(Party.REVIEWER)
        if case.region_id in clerk_regions(user):
            parties.add(Party.CLERK)
        if Role.SUPERVISOR in roles:
            parties.add(Party.SUPERVISOR)
    return frozenset(parties)


def cases_visible_to(user: Any) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    own = Q(applicant=user) | Q(agent=user) | Q(organisation_id__in=_acts_for(user))
    if Role.SUPERVISOR in identity_selectors.user_roles(user):
        return Case.objects.filter(own | ~Q(state=CaseState.DRAFT))
    staff = Q(department_id__in=_reviews_for(user)) | Q(region_id__in=clerk_regions(user))
    return Case.objects.filter(own | (staff & ~Q(state=CaseState.DRAFT)))


# Actions a clerk takes on an immediate matter (即办件) to decide it on the spot.
ON_THE_SPOT = frozenset({Action.CLAIM, Action.APPROVE, Action.DENY})


def refusal_reason(user: Any, parties: frozenset[str], case: Case, action: str) -> str | None:
    """Why a person who plays a part the transition table allows still may not take the
    action (None when they may): a clerk who is not also the case's reviewer decides only
    immediate matters, and only with the permission to do so."""
    if action not in ON_THE_SPOT or Party.REVIEWER in parties:
        return None
    if case.version.handling_kind != HandlingKind.IMMEDIATE:
        return _("Only the responsible department decides this case.")
    if not user.has_perm("cases.approve_immediate_case"):
        return _("You are not authorised to decide immediate matters at the counter.")
    return None
