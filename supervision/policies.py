"""Who may see and act on cards, ratings, follow-ups and complaints (SPEC.md §6).

Supervisors (电子监察) see everything; department staff (reviewers and heads) see and answer
what concerns their department; a complainant sees their own complaints; window clerks and
supervisors record complaints received on the 12345 hotline or at the 有诉即办 window.
"""

from typing import Any

from django.db.models import Q, QuerySet

from cases import policies as case_policies
from cases.constants import CaseState, Party
from cases.models import Case
from identity import selectors as identity_selectors
from identity.constants import Role
from supervision.constants import COMPLAINT_WAITING_STATES, ComplaintState
from supervision.models import Card, Complaint, Rating, RatingFollowUp

# Staff who answer for their department: complaints, bad-rating follow-ups, cards.
ANSWERING_ROLES = frozenset({Role.REVIEWER, Role.DEPARTMENT_HEAD})
# Staff who take complaints from the 12345 hotline or at the window.
RECORDING_ROLES = frozenset({Role.CLERK, Role.SUPERVISOR})
# A case ends (办结) when its result is issued or delivered, or when it is not accepted;
# then its applicant may rate it (GB/T 39734: one rating per finished service).
RATEABLE_STATES = frozenset({CaseState.RESULT_ISSUED, CaseState.DELIVERED, CaseState.REFUSED})


def is_supervisor(user: Any) -> bool:
    return Role.SUPERVISOR in identity_selectors.user_roles(user)


def answering_departments(user: Any) -> list[int]:
    """The departments the user answers for (as reviewer or head)."""
    by_org = identity_selectors.user_roles_by_organisation(user)
    return sorted(org for org, roles in by_org.items() if roles & ANSWERING_ROLES)


def is_department_staff(user: Any) -> bool:
    return bool(answering_departments(user)) or is_supervisor(user)


# --- Cards -------------------------------------------------------------------------------


def cards_visible_to(user: Any) -> QuerySet[Card]:
    if not getattr(user, "is_authenticated", False):
        return Card.objects.none()
    if is_supervisor(user):
        return Card.objects.all()
    return Card.objects.filter(department_id__in=answering_departments(user))


def sees_case_cards(user: Any, case: Case) -> bool:
    """Cards are internal: the staff playing a part in the case see them, not the applicant."""
    parties = case_policies.case_parties(user, case)
    return bool(parties & {Party.REVIEWER, Party.CLERK, Party.SUPERVISOR})


# --- Ratings -----------------------------------------------------------------------------


def rating_refusal(user: Any, case: Case) -> str | None:
    """Why the user may not rate the case: "not_found" when it is not theirs to see,
    "forbidden" when they play another part in it (staff), "not_ended" when it has not
    ended yet; None when they may rate."""
    parties = case_policies.case_parties(user, case)
    if not parties:
        return "not_found"
    if Party.APPLICANT not in parties:
        return "forbidden"
    if case.state not in RATEABLE_STATES:
        return "not_ended"
    return None


def follow_ups_visible_to(user: Any) -> QuerySet[RatingFollowUp]:
    if not getattr(user, "is_authenticated", False):
        return RatingFollowUp.objects.none()
    if is_supervisor(user):
        return RatingFollowUp.objects.all()
    return RatingFollowUp.objects.filter(department_id__in=answering_departments(user))


def can_handle_follow_up(user: Any, follow_up: RatingFollowUp) -> bool:
    """Only the rated department calls back and rectifies (supervisors watch)."""
    return follow_up.department_id in answering_departments(user)


def sees_applicant_contact(user: Any, follow_up: RatingFollowUp) -> bool:
    """The applicant's phone, for the call back (回访): only the rated department's staff,
    while the follow-up is open (personal data, shown where it is needed and audited)."""
    return follow_up.closed_at is None and can_handle_follow_up(user, follow_up)


def sees_rating(user: Any, rating: Rating) -> bool:
    """The rater, the case's applicant side, the rated department and supervisors."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk == rating.applicant_id or is_supervisor(user):
        return True
    if rating.department_id in answering_departments(user):
        return True
    return Party.APPLICANT in case_policies.case_parties(user, rating.case)


# --- Complaints --------------------------------------------------------------------------


def may_record_complaints(user: Any) -> bool:
    """Hotline (12345) operators and 有诉即办 window clerks record complaints for callers."""
    return bool(identity_selectors.user_roles(user) & RECORDING_ROLES)


def complaints_visible_to(user: Any) -> QuerySet[Complaint]:
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    if is_supervisor(user):
        return Complaint.objects.all()
    mine = Q(complainant=user) | Q(entered_by=user)
    return Complaint.objects.filter(mine | Q(department_id__in=answering_departments(user)))


def complaint_parts(user: Any, complaint: Complaint) -> frozenset[str]:
    """The parts the user plays in a complaint: complainant, recorder (the clerk who took
    it), department (answers it), supervisor. Empty: not theirs to see."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    parts = set()
    if complaint.complainant_id == user.pk:
        parts.add("complainant")
    if complaint.entered_by_id == user.pk:
        parts.add("recorder")
    if complaint.department_id is not None and complaint.department_id in answering_departments(
        user
    ):
        parts.add("department")
    if is_supervisor(user):
        parts.add("supervisor")
    return frozenset(parts)


def sees_complainant_contact(user: Any, complaint: Complaint) -> bool:
    """The complainant's phone, to call them back: the handling department and the clerk
    who took the call, until the complaint is closed (personal data, shown where it is
    needed and audited)."""
    if complaint.state == ComplaintState.CLOSED:
        return False
    return bool(complaint_parts(user, complaint) & {"department", "recorder"})


def _part_allows(parts: frozenset[str], complaint: Complaint, action: str) -> bool:
    if action == "assign":
        return "supervisor" in parts
    if action in ("answer", "forward"):
        return "department" in parts
    if action in ("confirm", "reopen"):
        # A caller without an account confirms by phone: the recorder or a supervisor notes it.
        return "complainant" in parts or (
            complaint.complainant_id is None and bool(parts & {"recorder", "supervisor"})
        )
    return False


def _possible(complaint: Complaint) -> tuple[str, ...]:
    """The actions the complaint's state allows, to someone."""
    if complaint.state in COMPLAINT_WAITING_STATES:
        return ("assign", "answer", "forward")
    if complaint.state == ComplaintState.ANSWERED:
        return ("confirm", "reopen")
    return ()


def complaint_actions(user: Any, complaint: Complaint) -> frozenset[str]:
    """What the user may do to the complaint now."""
    parts = complaint_parts(user, complaint)
    return frozenset(
        action for action in _possible(complaint) if _part_allows(parts, complaint, action)
    )


def complaint_refusal(user: Any, complaint: Complaint, action: str) -> str | None:
    """Why the user may not take the action now: "not_found" when the complaint is not theirs
    to see, "forbidden" when its state allows the action but not to them, "impossible" when
    its state does not allow it; None when they may. Asked before the input is read."""
    parts = complaint_parts(user, complaint)
    if not parts:
        return "not_found"
    if action not in _possible(complaint):
        return "impossible"
    return None if _part_allows(parts, complaint, action) else "forbidden"
