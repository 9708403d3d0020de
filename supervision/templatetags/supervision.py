"""Template tags that let pages of lower apps show supervision without importing it:
`{% load supervision %}{% case_supervision case %}` on the case page."""

from typing import Any

from django import template

from cases import policies as case_policies
from cases.constants import Party
from cases.models import Case
from supervision import policies, selectors
from supervision.constants import ComplaintState

register = template.Library()

COMPLAINT_BADGES = {
    ComplaintState.RECEIVED: "warning",
    ComplaintState.ASSIGNED: "info",
    ComplaintState.FORWARDED: "info",
    ComplaintState.ANSWERED: "success",
    ComplaintState.CLOSED: "muted",
    ComplaintState.REOPENED: "warning",
}


@register.filter
def complaint_badge(state: str) -> str:
    return COMPLAINT_BADGES.get(state, "info")


@register.inclusion_tag("supervision/_case_supervision.html", takes_context=True)
def case_supervision(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """On the case page: its deadline cards for the staff, the rating for the applicant
    (a link to rate once it has ended, or the rating given), and for the counter staff the
    button that opens the rating screen."""
    user = context["request"].user
    parties = case_policies.case_parties(user, case)
    staff = bool(parties & {Party.REVIEWER, Party.CLERK, Party.SUPERVISOR})
    ended = case.state in policies.RATEABLE_STATES
    rating = selectors.rating_for_case(case) if ended else None
    return {
        "case": case,
        "cards": selectors.case_cards(case) if staff else [],
        "is_applicant": Party.APPLICANT in parties,
        "ended": ended,
        "rating": rating,
        "can_open_counter": ended
        and rating is None
        and bool(parties & {Party.CLERK, Party.REVIEWER}),
        "csrf_token": context.get("csrf_token"),
    }
