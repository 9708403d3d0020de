"""Reads of the cases app."""

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from cases import policies
from cases.constants import CLOCK_STATES
from cases.models import Case, CaseEvent
from matters.calendar import WorkingCalendar


def cases_for(user: Any) -> QuerySet[Case]:
    """The cases a person may see, newest first, with what a list shows."""
    return (
        policies.cases_visible_to(user)
        .select_related("version__implementation", "department", "applicant", "organisation")
        .order_by("-created_at", "-id")
    )


def case_detail(user: Any, number: str) -> Case | None:
    """One case the person may see (None otherwise, so the caller answers 404)."""
    return (
        cases_for(user)
        .prefetch_related(
            "materials",
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        )
        .filter(number=number)
        .first()
    )


def working_days_left(case: Case, *, calendar: WorkingCalendar, today: date) -> int | None:
    """Working days until the promised deadline (negative when overdue); None when the
    clock is not running (before acceptance, suspended, or decided)."""
    if case.deadline is None or case.state not in CLOCK_STATES:
        return None
    if case.deadline >= today:
        return calendar.working_days_between(today, case.deadline)
    return -calendar.working_days_between(case.deadline, today)
