"""Reads of the cases app."""

import re
from dataclasses import dataclass
from datetime import date
from math import floor
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.constants import (
    CLOCK_STATES,
    QUEUE_STATES,
    YELLOW_DAYS,
    YELLOW_SHARE,
    Action,
    CardColour,
    CaseState,
)
from cases.models import Case, CaseEvent, Consultation
from core.errors import ValidationFailed
from identity.constants import OrganisationKind
from identity.models import Organisation, User
from matters.calendar import WorkingCalendar
from matters.models import Implementation, ImplementationVersion


def cases_for(user: Any) -> QuerySet[Case]:
    """The cases a person may see, newest first, with what a list shows."""
    return (
        policies.cases_visible_to(user)
        .select_related("version__implementation", "department", "applicant", "organisation")
        .order_by("-created_at", "-id")
    )


def visible_case(user: Any, number: str) -> Case | None:
    """One case the person may see (None otherwise, so the caller answers 404), its row
    alone: enough to settle who may act on it (the action reads the rest under its lock)."""
    return policies.cases_visible_to(user).filter(number=number).first()


def case_detail(user: Any, number: str) -> Case | None:
    """One case the person may see (None otherwise), with what its page shows: materials,
    timeline, and the service's questions and materials its checks read."""
    return (
        cases_for(user)
        .prefetch_related(
            "materials",
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
            "version__form_fields",
            "version__materials",
        )
        .filter(number=number)
        .first()
    )


def application_parts(case: Case) -> list[Case]:
    """The cases an application's questions and materials belong to: the case itself, or for
    a 一件事 application being written its children (one per service, in bundle order). Once
    submitted, each service's case shows its own and the parent none: the parent is seen by
    the lead department, which must not see what other departments read for their case."""
    if case.bundle_id is None:
        return [case]
    if case.state != CaseState.DRAFT:
        return []
    if not hasattr(case, "_parts"):
        case._parts = list(
            case.children.select_related("version", "department", "applicant", "organisation")
            .prefetch_related("version__form_fields", "version__materials")
            .order_by("pk")
        )
    return case._parts


def case_timeline(case: Case) -> list[dict[str, Any]]:
    """The case's steps as its pages show them (events prefetched with their actors)."""
    return [
        {
            "at": event.at,
            "action": Action(event.action).label if event.action in Action else event.action,
            "state": CaseState(event.to_state).label,
            "actor": event.actor.name if event.actor else _("The system"),
            "comment": event.comment,
            # Routing and hand-offs name the department the case went to.
            "department": (event.payload or {}).get("department_name", ""),
        }
        for event in case.events.all()
    ]


def working_days_left(case: Case, *, calendar: WorkingCalendar, today: date) -> int | None:
    """Working days until the promised deadline (negative when overdue); None when the
    clock is not running (before acceptance, suspended, or decided)."""
    if case.deadline is None or case.state not in CLOCK_STATES:
        return None
    if case.deadline >= today:
        return calendar.working_days_between(today, case.deadline)
    return -calendar.working_days_between(case.deadline, today)


# --- The back office: a department's queue ----------------------------------------------


def card_colour(
    case: Case, *, calendar: WorkingCalendar, today: date, days_left: int | None = None
) -> str:
    """Red when overdue, yellow when at most one working day or a fifth of the promised limit
    is left, green otherwise; "" when the clock does not run (suspended, waiting for the
    applicant). The supervision sweep stores cards later; this is the same rule, computed."""
    if days_left is None:
        days_left = working_days_left(case, calendar=calendar, today=today)
    if days_left is None:
        return ""
    # A deadline gone by is overdue even when no working day has passed since (a weekend).
    if days_left < 0 or case.deadline < today:
        return CardColour.RED
    if days_left <= _yellow_days(case.version.promised_limit_days):
        return CardColour.YELLOW
    return CardColour.GREEN


def _yellow_days(promised: int) -> int:
    return max(YELLOW_DAYS, floor(promised * YELLOW_SHARE))


def _promised_limits() -> list[int]:
    """The promised limits the catalogue uses (a handful of values; cached)."""
    limits = cache.get("cases:promised-limits")
    if limits is None:
        limits = sorted(
            set(ImplementationVersion.objects.values_list("promised_limit_days", flat=True))
        )
        cache.set("cases:promised-limits", limits, 300)
    return limits


def _card_q(colour: str, *, calendar: WorkingCalendar, today: date) -> Q:
    """The cases of one card colour, as deadline ranges: `days_left <= n` holds exactly when
    the deadline is before the (n+1)-th working day after today."""
    running = Q(state__in=CLOCK_STATES)
    if colour == CardColour.RED:
        return running & Q(deadline__lt=today)
    by_days: dict[int, list[int]] = {}
    for promised in _promised_limits():
        by_days.setdefault(_yellow_days(promised), []).append(promised)
    yellow = Q(pk__in=[])
    for days, limits in by_days.items():
        before = calendar.add_working_days(today, days + 1)
        yellow |= Q(deadline__lt=before, version__promised_limit_days__in=limits)
    yellow &= running & Q(deadline__gte=today)
    if colour == CardColour.YELLOW:
        return yellow
    return running & Q(deadline__gte=today) & ~yellow


@dataclass(frozen=True)
class QueueFilter:
    """What a reviewer narrows their queue to; every part optional."""

    matter: str = ""  # an implementation code
    state: str = ""
    claimed: str = ""  # "me" or "unclaimed"
    card: str = ""
    channel: str = ""
    accepted_from: date | None = None
    accepted_until: date | None = None
    search: str = ""  # a case number (or its start), an applicant's name or ID number's last 4


ID_LAST_FOUR = re.compile(r"^[0-9]{3}[0-9X]$")


def queue_for_department(
    department_id: int,
    *,
    user: Any,
    filters: QueueFilter | None = None,
    calendar: WorkingCalendar,
    today: date,
) -> QuerySet[Case]:
    """A department's routed cases not yet decided, soonest due first (overdue first), then
    by id. The caller checks the user may see this queue (policies.may_view_queue)."""
    filters = filters or QueueFilter()
    # A combined application's parent is decided through its children: never in a queue.
    cases = Case.objects.filter(
        department_id=department_id,
        state__in=QUEUE_STATES,
        deadline__isnull=False,
        bundle__isnull=True,
    )
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.matter:
        cases = cases.filter(version__implementation__code=filters.matter)
    if filters.claimed == "me":
        cases = cases.filter(claimed_by=user)
    elif filters.claimed == "unclaimed":
        cases = cases.filter(claimed_by__isnull=True)
    if filters.card:
        cases = cases.filter(_card_q(filters.card, calendar=calendar, today=today))
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.accepted_from:
        cases = cases.filter(accepted_at__date__gte=filters.accepted_from)
    if filters.accepted_until:
        cases = cases.filter(accepted_at__date__lte=filters.accepted_until)
    search = filters.search.strip()
    if search:
        found = Q(number__startswith=search) | Q(applicant__name__startswith=search)
        if ID_LAST_FOUR.match(search.upper()):
            found |= Q(applicant__id_number__endswith=search.upper())
        cases = cases.filter(found)
    return cases.select_related(
        "version__implementation", "applicant", "organisation", "claimed_by"
    ).order_by("deadline", "id")


@dataclass(frozen=True)
class QueuePage:
    cases: list[Case]
    next: str | None  # the cursor of the next page, None on the last
    previous: str | None


def _cursor(case: Case, direction: str) -> str:
    return f"{direction}{case.deadline.isoformat()}.{case.pk}"


def parse_cursor(raw: str) -> tuple[str, date, int] | None:
    """("n" or "p", deadline, id) of a cursor; None when it is not one."""
    match = re.fullmatch(r"([np])(\d{4}-\d{2}-\d{2})\.(\d{1,18})", raw or "")
    if match is None:
        return None
    try:
        return match[1], date.fromisoformat(match[2]), int(match[3])
    except ValueError:
        return None


def queue_page(cases: QuerySet[Case], *, cursor: str = "", size: int = 20) -> QueuePage:
    """One page of a queue after (or before) a cursor: a seek on (deadline, id), the order of
    the queue's index, so a page costs the same at the first case or the millionth and no
    page counts the whole queue. A bad cursor is refused (ValidationFailed)."""
    position = parse_cursor(cursor) if cursor else None
    if cursor and position is None:
        raise ValidationFailed(_("This page link is not valid."), field="cursor")
    if position is None:
        rows = list(cases[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        return QueuePage(rows, _cursor(rows[-1], "n") if more else None, None)
    direction, deadline, pk = position
    key = Tuple(F("deadline"), F("id"))
    if direction == "n":
        rows = list(cases.filter(TupleGreaterThan(key, (deadline, pk)))[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        return QueuePage(
            rows,
            _cursor(rows[-1], "n") if more else None,
            _cursor(rows[0], "p") if rows else None,
        )
    backwards = cases.filter(TupleLessThan(key, (deadline, pk))).order_by("-deadline", "-id")
    rows = list(backwards[: size + 1])
    more = len(rows) > size
    rows = rows[:size][::-1]
    return QueuePage(
        rows,
        _cursor(rows[-1], "n") if rows else None,
        _cursor(rows[0], "p") if more else None,
    )


QUEUE_COUNTS_SECONDS = 30


def queue_counts(department_id: int) -> dict[str, int]:
    """How many of the department's queue cases are in each state: one GROUP BY on the
    queue index, kept for half a minute (a badge, not a ledger)."""
    key = f"cases:queue-counts:{department_id}"
    counts = cache.get(key)
    if counts is None:
        rows = (
            Case.objects.filter(
                department_id=department_id,
                state__in=QUEUE_STATES,
                deadline__isnull=False,
                bundle__isnull=True,
            )
            .values("state")
            .annotate(n=Count("id"))
            .order_by()
        )
        found = {row["state"]: row["n"] for row in rows}
        counts = {state: found.get(state, 0) for state in QUEUE_STATES}
        cache.set(key, counts, QUEUE_COUNTS_SECONDS)
    return counts


def consultations_open_for(department_ids: list[int]) -> QuerySet[Consultation]:
    """The questions other departments asked these departments, not answered yet."""
    return (
        Consultation.objects.filter(department_id__in=department_ids, answered_at__isnull=True)
        .select_related("case__version", "case__department", "requested_by")
        .order_by("due", "pk")
    )


def review_case(user: Any, number: str) -> Case | None:
    """One case for its review page, with what the page shows, in a fixed number of queries
    (None when the person may not see it)."""
    return (
        cases_for(user)
        .select_related(
            "agent", "claimed_by", "department__region", "version__implementation__matter"
        )
        .prefetch_related(
            "materials__verified_by",
            "version__form_fields",
            "version__materials",
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
            Prefetch(
                "consultations",
                queryset=Consultation.objects.select_related(
                    "department", "requested_by", "answered_by"
                ),
            ),
        )
        .filter(number=number)
        .first()
    )


def departments_with_queues() -> QuerySet[Organisation]:
    """Every government department, for those who may read any queue."""
    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("name")


def queue_services(department_id: int) -> list[tuple[str, str]]:
    """(code, name) of the services whose cases reach this department: its own, and those
    routed to it by a rule."""
    return list(
        Implementation.objects.filter(
            Q(department_id=department_id) | Q(routing_rules__department_id=department_id)
        )
        .distinct()
        .order_by("matter__name", "code")
        .values_list("code", "matter__name")
    )


def department_reviewers(department_id: int) -> QuerySet[User]:
    """The active reviewers and head of a department, by name."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=department_id,
            memberships__role__in=policies.REVIEWING_ROLES,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("name", "pk")
    )
