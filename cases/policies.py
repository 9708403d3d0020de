"""Who may see a case and which part they play in it (SPEC.md §1).

A reviewer (or department head) sees the cases of the departments they review for, and the
cases on which one of those departments was consulted (征求意见): that grant is a
django-guardian object permission `cases.view_case` given to the department's reviewer group
(docs/adr/0005-reviewer-access.md). A department system's API key acts for one department
only: through it, its official is that department's reviewer and nothing else.
"""

from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cases.constants import Action, CaseState, Party
from cases.models import Case, CaseGroupObjectPermission
from cases.workflow import CLAIMED, TRANSITIONS
from identity import selectors as identity_selectors
from identity.constants import ORGANISATION_ROLES, Role
from identity.models import Organisation
from matters.constants import HandlingKind

REVIEWING_ROLES = frozenset({Role.REVIEWER, Role.DEPARTMENT_HEAD})
VIEW_CASE = "view_case"


def _key_department(user: Any) -> int | None:
    return identity_selectors.api_key_department(user)


def _acts_for(user: Any) -> list[int]:
    if _key_department(user) is not None:
        return []
    by_org = identity_selectors.user_roles_by_organisation(user)
    return [org for org, roles in by_org.items() if roles & ORGANISATION_ROLES]


def reviews_for(user: Any) -> list[int]:
    """The departments whose cases the user reviews (as reviewer or department head); through
    an API key only the key's department, if its official reviews for it."""
    by_org = identity_selectors.user_roles_by_organisation(user)
    departments = sorted(org for org, roles in by_org.items() if roles & REVIEWING_ROLES)
    key_department = _key_department(user)
    if key_department is not None:
        return [key_department] if key_department in departments else []
    return departments


def heads(user: Any) -> list[int]:
    """The departments the user heads."""
    by_org = identity_selectors.user_roles_by_organisation(user)
    return [org for org in reviews_for(user) if Role.DEPARTMENT_HEAD in by_org.get(org, ())]


def clerk_regions(user: Any) -> list[int]:
    """The regions whose hall the user serves as a window clerk: those of the organisations
    (the service centres running the halls) they are a clerk of."""
    if _key_department(user) is not None:
        return []
    return identity_selectors.regions_served_as(user, role=Role.CLERK)


def _is_supervisor(user: Any) -> bool:
    return _key_department(user) is None and Role.SUPERVISOR in identity_selectors.user_roles(user)


def reviewer_group_name(department_id: int) -> str:
    return f"department-reviewers:{department_id}"


def reviewer_group(department: Organisation) -> Group:
    """The group standing for the reviewers of a department in object grants. Who belongs to
    it is read from the memberships (reviewer, department head), never from the group's own
    member list, so a change of staff needs no second bookkeeping."""
    group, _created = Group.objects.get_or_create(name=reviewer_group_name(department.pk))
    return group


def _grants_to(departments: list[int]) -> QuerySet[CaseGroupObjectPermission]:
    return CaseGroupObjectPermission.objects.filter(
        permission__codename=VIEW_CASE,
        permission__content_type__app_label="cases",
        group__name__in=[reviewer_group_name(department) for department in departments],
    )


def consulted_on(user: Any, case: Case) -> bool:
    """Whether a department the user reviews for was asked for its opinion on the case."""
    departments = reviews_for(user)
    return bool(departments) and _grants_to(departments).filter(content_object=case).exists()


def case_parties(user: Any, case: Case) -> frozenset[str]:
    """The parts the user plays in this case (none: the case is not theirs to see)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    parties = set()
    if _key_department(user) is None and (
        user.pk in (case.applicant_id, case.agent_id)
        or (case.organisation_id is not None and case.organisation_id in _acts_for(user))
    ):
        parties.add(Party.APPLICANT)
    if case.state != CaseState.DRAFT:
        if case.department_id in reviews_for(user):
            parties.add(Party.REVIEWER)
        elif consulted_on(user, case):
            parties.add(Party.CONSULTED)
        if case.region_id in clerk_regions(user):
            parties.add(Party.CLERK)
        if _is_supervisor(user):
            parties.add(Party.SUPERVISOR)
    return frozenset(parties)


def cases_visible_to(user: Any) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    departments = reviews_for(user)
    if _key_department(user) is None:
        own = Q(applicant=user) | Q(agent=user) | Q(organisation_id__in=_acts_for(user))
    else:
        own = Q(pk__in=[])
    if _is_supervisor(user):
        return Case.objects.filter(own | ~Q(state=CaseState.DRAFT))
    staff = Q(department_id__in=departments) | Q(region_id__in=clerk_regions(user))
    if departments:
        staff |= Q(pk__in=_grants_to(departments).values("content_object_id"))
    return Case.objects.filter(own | (staff & ~Q(state=CaseState.DRAFT)))


def sees_every_queue(user: Any) -> bool:
    """Supervisors and superusers read any department's queue (not through an API key)."""
    if _key_department(user) is not None:
        return False
    return _is_supervisor(user) or bool(getattr(user, "is_superuser", False))


def may_view_queue(user: Any, department: Organisation) -> bool:
    """A department's queue is open to its reviewers and head, read-only to supervisors and
    superusers."""
    return department.pk in reviews_for(user) or sees_every_queue(user)


# The parts that may take some action on a case; any other part (a supervisor) only reads.
ACTING_PARTIES = frozenset().union(*(transition.who for transition in TRANSITIONS.values()))


def may_act(parties: frozenset[str]) -> bool:
    """Whether playing these parts in a case lets one take any of its actions at all (which
    action, and whether it is possible now, the transition itself decides)."""
    return bool(parties & ACTING_PARTIES)


def is_applicant_side(parties: frozenset[str]) -> bool:
    """The applicant's side (applicant, agent, organisation) alone uploads materials online,
    withdraws the application and chooses the delivery."""
    return Party.APPLICANT in parties


def may_verify_materials(user: Any, parties: frozenset[str], case: Case) -> bool:
    """Only the reviewer handling (having claimed) the case checks its materials."""
    return Party.REVIEWER in parties and case.claimed_by_id == user.pk


# Actions a clerk takes on an immediate matter (即办件) to decide it on the spot.
ON_THE_SPOT = frozenset({Action.CLAIM, Action.APPROVE, Action.DENY})
# What only the department head may do on a case claimed by someone else.
HEAD_ACTIONS = frozenset({Action.RELEASE, Action.REASSIGN})


def refusal_reason(user: Any, parties: frozenset[str], case: Case, action: str) -> str | None:
    """Why a person who plays a part the transition table allows still may not take the
    action (None when they may):
    - a clerk who is not also the case's reviewer decides only immediate matters, and only
      with the permission to do so; a correction during the review is the reviewer's;
    - a claimed case is worked by its claimant: others of the department may not act on it,
      except the department head, who may release it or give it to another reviewer
      (reassigning is the head's alone)."""
    if Party.REVIEWER not in parties and Party.CLERK in parties:
        if action == Action.REQUEST_CORRECTION and case.state == CaseState.IN_REVIEW:
            if case.claimed_by_id != user.pk:
                return _("Only the reviewer handling this case may ask for more.")
        elif action in ON_THE_SPOT:
            if case.version.handling_kind != HandlingKind.IMMEDIATE:
                return _("Only the responsible department decides this case.")
            if not user.has_perm("cases.approve_immediate_case"):
                return _("You are not authorised to decide immediate matters at the counter.")
    if Party.REVIEWER not in parties or case.state not in TRANSITIONS[action].sources:
        return None  # not this part's to take, or impossible now (409 says so)
    is_head = case.department_id in heads(user)
    if action == Action.REASSIGN:
        return None if is_head else _("Only the department head may reassign a case.")
    if action in HEAD_ACTIONS and is_head:
        return None
    claimed_by_other = case.claimed_by_id is not None and case.claimed_by_id != user.pk
    if case.state in CLAIMED and claimed_by_other and action != Action.WITHDRAW:
        return _("This case is being handled by another reviewer.")
    return None
