"""Who may see a case and which part they play in it (SPEC.md §1)."""

from typing import Any

from django.db.models import Q, QuerySet

from cases.constants import CaseState, Party
from cases.models import Case
from identity import selectors as identity_selectors
from identity.constants import ORGANISATION_ROLES, Role

REVIEWING_ROLES = frozenset({Role.REVIEWER, Role.DEPARTMENT_HEAD})


def _acts_for(user: Any) -> list[int]:
    by_org = identity_selectors.user_roles_by_organisation(user)
    return [org for org, roles in by_org.items() if roles & ORGANISATION_ROLES]


def _reviews_for(user: Any) -> list[int]:
    by_org = identity_selectors.user_roles_by_organisation(user)
    return [org for org, roles in by_org.items() if roles & REVIEWING_ROLES]


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
        # Clerks serve every comprehensive window for now; the hall issue narrows this.
        if Role.CLERK in roles:
            parties.add(Party.CLERK)
        if Role.SUPERVISOR in roles:
            parties.add(Party.SUPERVISOR)
    return frozenset(parties)


def cases_visible_to(user: Any) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    own = Q(applicant=user) | Q(agent=user) | Q(organisation_id__in=_acts_for(user))
    roles = identity_selectors.user_roles(user)
    if roles & {Role.CLERK, Role.SUPERVISOR}:
        return Case.objects.filter(own | ~Q(state=CaseState.DRAFT))
    reviewing = Q(department_id__in=_reviews_for(user)) & ~Q(state=CaseState.DRAFT)
    return Case.objects.filter(own | reviewing)
