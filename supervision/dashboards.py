"""Who may see the supervision dashboards, over what (region, department, period), and the
aggregate tables they show. Every table is one or two GROUP BY queries, never a loop over
cases, so the page costs the same at a thousand cases and at a million."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.constants import CLOCK_STATES, CaseState
from cases.models import Case, CaseEvent
from cases.selectors import cases_for
from core.errors import NotFound, ValidationFailed
from identity import selectors as identity_selectors
from identity.constants import OrganisationKind, Role
from identity.models import Membership, Organisation, Region
from supervision import selectors as supervision_selectors
from supervision.constants import (
    BAD_RATING_MAX,
    COMPLAINT_WAITING_STATES,
    CardColour,
    RatingScore,
)
from supervision.models import Card, Complaint, Rating, RatingFollowUp

# The longest period one dashboard covers: a year and a bit, so every query stays bounded.
MAX_PERIOD_DAYS = 400
DEFAULT_PERIOD_DAYS = 30

# States in which a case waits for someone (the queues), in the order of the flow.
OPEN_STATES = (
    CaseState.SUBMITTED,
    CaseState.CORRECTION_REQUESTED,
    CaseState.ACCEPTED,
    CaseState.IN_REVIEW,
    CaseState.SUSPENDED,
    CaseState.APPROVED,
    CaseState.DENIED,
    CaseState.RESULT_ISSUED,
)


@dataclass(frozen=True)
class Scope:
    """What one dashboard looks at. `regions`/`departments` are ids (None: all); the period
    runs from `since` to `until`, both local dates, inclusive."""

    since: date
    until: date
    today: date
    region: Region | None = None
    department: Organisation | None = None
    regions: tuple[int, ...] | None = None
    departments: tuple[int, ...] | None = None
    # The departments a department head is limited to (None: a supervisor sees all).
    limited_to: tuple[int, ...] | None = field(default=None)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.since, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.until + timedelta(days=1), time.min))

    def query(self) -> dict[str, str]:
        """The URL parameters that reproduce this scope (public codes, never row ids)."""
        params = {"since": self.since.isoformat(), "until": self.until.isoformat()}
        if self.region is not None:
            params["region"] = self.region.code
        if self.department is not None:
            params["department"] = self.department.credit_code
        return params


def may_see_dashboards(user: Any) -> bool:
    roles = identity_selectors.user_roles(user)
    return Role.SUPERVISOR in roles or Role.DEPARTMENT_HEAD in roles


def _headed_departments(user: Any) -> tuple[int, ...]:
    by_org = identity_selectors.user_roles_by_organisation(user)
    return tuple(sorted(org for org, roles in by_org.items() if Role.DEPARTMENT_HEAD in roles))


def region_and_below(region: Region) -> tuple[int, ...]:
    """The region and every region under it (the tree is small: one query per level)."""
    found = [region.pk]
    level = [region.pk]
    while level:
        level = list(Region.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        found.extend(level)
    return tuple(found)


def _parse_day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(_("Enter a date as YYYY-MM-DD."), field=name) from None


def scope_for(
    user: Any,
    *,
    region: str = "",
    department: str = "",
    since: str = "",
    until: str = "",
    today: date | None = None,
) -> Scope:
    """The scope a person asked for, checked: supervisors see everything, a department head
    only their own department(s) (NotFound for any other); bad filters are field errors."""
    if not may_see_dashboards(user):
        raise NotFound()
    today = today or timezone.localdate()
    limited = None
    if Role.SUPERVISOR not in identity_selectors.user_roles(user):
        limited = _headed_departments(user)
    until_day = _parse_day(until, "until") or today
    since_day = _parse_day(since, "since") or until_day - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if since_day > until_day:
        raise ValidationFailed(_("The period must start before it ends."), field="since")
    if (until_day - since_day).days >= MAX_PERIOD_DAYS:
        raise ValidationFailed(
            _("Choose a period of at most %(days)s days.") % {"days": MAX_PERIOD_DAYS},
            field="since",
        )
    region_obj = None
    regions = None
    if region:
        region_obj = Region.objects.filter(code=region).first()
        if region_obj is None:
            raise ValidationFailed(_("There is no region with this code."), field="region")
        regions = region_and_below(region_obj)
    department_obj = None
    departments = limited
    if department:
        department_obj = Organisation.objects.filter(
            credit_code=department, kind=OrganisationKind.DEPARTMENT
        ).first()
        if department_obj is None or (limited is not None and department_obj.pk not in limited):
            raise ValidationFailed(_("There is no department with this code."), field="department")
        departments = (department_obj.pk,)
    return Scope(
        since=since_day,
        until=until_day,
        today=today,
        region=region_obj,
        department=department_obj,
        regions=regions,
        departments=departments,
        limited_to=limited,
    )


def department_choices(scope: Scope) -> QuerySet[Organisation]:
    """The departments the filter offers: those handling cases or services, or the head's own."""
    departments = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)
    if scope.limited_to is not None:
        return departments.filter(pk__in=scope.limited_to).order_by("name")
    return departments.filter(implementations__isnull=False).distinct().order_by("name")


def region_choices() -> QuerySet[Region]:
    return (
        Region.objects.filter(
            Q(implementations__isnull=False) | Q(children__implementations__isnull=False)
        )
        .distinct()
        .order_by("code")
    )


def scoped_cases(scope: Scope, cases: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Cases in the scope's regions and departments. Bundle parents are left out: each of
    their child cases counts once, for its own department."""
    cases = Case.objects.all() if cases is None else cases
    cases = cases.filter(bundle__isnull=True)
    if scope.regions is not None:
        cases = cases.filter(region_id__in=scope.regions)
    if scope.departments is not None:
        cases = cases.filter(department_id__in=scope.departments)
    return cases


def _in_period(scope: Scope, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": scope.start, f"{field_name}__lt": scope.end})


def _on_time() -> Q:
    return Q(deadline__isnull=False, decided_day__lte=F("deadline"))


def _window_clerks() -> QuerySet[Membership]:
    return Membership.objects.filter(role=Role.CLERK, is_active=True).values("user_id")


def accepted_by_window() -> Exists:
    """The case was accepted by a comprehensive-window clerk (综合窗口人员), not by the
    department's own staff: the one-window measure (kpis.one_window_share)."""
    return Exists(
        CaseEvent.objects.filter(
            case=OuterRef("pk"), action="accept", actor_id__in=_window_clerks()
        )
    )


@contextmanager
def aggregate_queries() -> Iterator[None]:
    """One read transaction for a page of aggregates. On PostgreSQL without JIT: the
    planner prices these GROUP BYs high enough to compile them, and compiling takes seconds
    where running takes a fraction of one."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


# --- The cases behind a figure --------------------------------------------------------------

FIGURES = {
    "decided": _("Decided in the period"),
    "decided_on_time": _("Decided on time"),
    "decided_late": _("Decided late"),
    "accepted": _("Accepted in the period"),
    "accepted_by_window": _("Accepted at a comprehensive window"),
    "accepted_by_department": _("Accepted by the department's own staff"),
    "open": _("Waiting now"),
    "overdue": _("Overdue now"),
    "cards_yellow": _("With an open yellow card"),
    "cards_red": _("With an open red card"),
    "rated_bad": _("Rated badly in the period"),
    "complained": _("Complained about in the period"),
}


def cases_behind(user: Any, scope: Scope, figure: str, state: str = "") -> QuerySet[Case]:
    """The cases a dashboard figure counts, as the person may see them (cases.policies)."""
    cases = scoped_cases(scope, cases_for(user))
    if figure.startswith("decided"):
        cases = cases.filter(_in_period(scope, "decided_at"), accepted_at__isnull=False)
        cases = cases.annotate(decided_day=TruncDate("decided_at"))
        if figure == "decided_on_time":
            cases = cases.filter(_on_time())
        elif figure == "decided_late":
            cases = cases.exclude(_on_time())
    elif figure.startswith("accepted"):
        cases = cases.filter(_in_period(scope, "accepted_at"))
        if figure == "accepted_by_window":
            cases = cases.filter(accepted_by_window())
        elif figure == "accepted_by_department":
            cases = cases.exclude(accepted_by_window())
    elif figure == "open":
        cases = cases.filter(state__in=OPEN_STATES)
    elif figure == "overdue":
        cases = cases.filter(state__in=CLOCK_STATES, deadline__lt=scope.today)
    elif figure in ("cards_yellow", "cards_red"):
        colour = CardColour.YELLOW if figure == "cards_yellow" else CardColour.RED
        cards = Card.objects.filter(case=OuterRef("pk"), colour=colour, closed_at__isnull=True)
        cases = cases.filter(Exists(cards))
    elif figure == "rated_bad":
        cases = cases.filter(
            rating__score__lte=BAD_RATING_MAX,
            rating__created_at__gte=scope.start,
            rating__created_at__lt=scope.end,
        )
    elif figure == "complained":
        complaints = Complaint.objects.filter(
            case=OuterRef("pk"), created_at__gte=scope.start, created_at__lt=scope.end
        )
        cases = cases.filter(Exists(complaints))
    elif figure:
        raise ValidationFailed(_("There is no such figure."), field="figure")
    if state:
        if state not in CaseState.values:
            raise ValidationFailed(_("There is no such state."), field="state")
        cases = cases.filter(state=state)
    return cases.select_related("department", "version").order_by("-id")


# --- The complaints behind a figure ---------------------------------------------------------

COMPLAINT_FIGURES = {
    "received": _("Received in the period"),
    "forwarded_late": _("Not forwarded in time"),
    "answered_late": _("Not answered on time"),
    "waiting": _("Waiting for a reply now"),
}


def complaints_behind(user: Any, scope: Scope, figure: str = "") -> QuerySet[Complaint]:
    """The complaints received in the period that a complaint figure counts, as
    complaint_table counts them, among those the person may see (supervision.policies)."""
    complaints = supervision_selectors.complaints_for(user).filter(
        _department_scope(scope), created_at__gte=scope.start, created_at__lt=scope.end
    )
    if figure == "forwarded_late":
        complaints = complaints.annotate(assigned_day=TruncDate("assigned_at")).filter(
            Q(assigned_at__isnull=True, assign_due__lt=scope.today)
            | Q(assigned_day__gt=F("assign_due"))
        )
    elif figure == "answered_late":
        complaints = complaints.annotate(answered_day=TruncDate("answered_at")).filter(
            Q(answered_at__isnull=True, due__lt=scope.today) | Q(answered_day__gt=F("due"))
        )
    elif figure == "waiting":
        complaints = complaints.filter(state__in=COMPLAINT_WAITING_STATES)
    elif figure and figure != "received":
        raise ValidationFailed(_("There is no such figure."), field="figure")
    return complaints.order_by("-id")


# --- Tables ---------------------------------------------------------------------------------


@dataclass
class DepartmentRow:
    """One department's line of the performance and queue tables."""

    department_id: int
    name: str = ""
    credit_code: str = ""
    decided: int = 0
    on_time: int = 0
    handling_days: int = 0
    promised_days: int = 0
    accepted: int = 0
    open_by_state: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return percentage(self.on_time, self.decided)

    @property
    def late(self) -> int:
        return self.decided - self.on_time

    @property
    def average_handling_days(self) -> float | None:
        return round(self.handling_days / self.decided, 1) if self.decided else None

    @property
    def average_promised_days(self) -> float | None:
        return round(self.promised_days / self.decided, 1) if self.decided else None

    @property
    def open_total(self) -> int:
        return sum(self.open_by_state.values())


def percentage(part: int | float, whole: int | float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _days(value: Any) -> int:
    """Sum of day differences as the database returns it (a timedelta, or days)."""
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return value.days
    return int(value)


@dataclass(frozen=True)
class PeriodRow:
    """One department's cases of one service guide in the period: accepted in it (and how
    many of those by a comprehensive-window clerk), decided in it (on time; handling and
    promised calendar days from acceptance, summed)."""

    department_id: int
    version_id: int
    accepted: int
    by_window: int
    decided: int
    on_time: int
    handling_days: Any
    promised_days: Any


def period_rows(scope: Scope, *, window: bool = True) -> list[PeriodRow]:
    """The period's figures per department and guide, in one pass over the cases accepted or
    decided in it: it serves the case table, the one-window share and the materials
    (`window=False` leaves out the acceptances by window clerks, the costlier part)."""
    accepted = _in_period(scope, "accepted_at")
    decided = _in_period(scope, "decided_at") & Q(accepted_at__isnull=False)
    rows = (
        scoped_cases(scope)
        .filter(accepted | decided)
        .annotate(decided_day=TruncDate("decided_at"), accepted_day=TruncDate("accepted_at"))
        .values("department_id", "version_id")
        .annotate(
            accepted=Count("pk", filter=accepted),
            decided=Count("pk", filter=decided),
            on_time=Count("pk", filter=decided & _on_time()),
            handling_days=Sum(F("decided_day") - F("accepted_day"), filter=decided),
            promised_days=Sum(F("deadline") - F("accepted_day"), filter=decided),
        )
        .order_by()
    )
    # Acceptances by window clerks: a semi-join against the events (one pass over each
    # table), where a subquery per case would probe the events once per case.
    by_window: dict[tuple[int, int], int] = {}
    if window:
        by_clerks = CaseEvent.objects.filter(action="accept", actor_id__in=_window_clerks())
        by_window = {
            (row["department_id"], row["version_id"]): row["n"]
            for row in scoped_cases(scope)
            .filter(accepted, pk__in=by_clerks.values("case_id"))
            .values("department_id", "version_id")
            .annotate(n=Count("pk"))
            .order_by()
        }
    return [
        PeriodRow(**row, by_window=by_window.get((row["department_id"], row["version_id"]), 0))
        for row in rows
    ]


def case_table(scope: Scope, period: list[PeriodRow] | None = None) -> list[DepartmentRow]:
    """Per department: cases decided in the period (on time; handling against promised
    calendar days from acceptance), cases accepted in the period, and the queues now (open
    cases per state, overdue ones). Two GROUP BY queries: the period's cases, the queues."""
    table: dict[int, DepartmentRow] = {}

    def row_of(department_id: int) -> DepartmentRow:
        if department_id not in table:
            table[department_id] = DepartmentRow(
                department_id=department_id, open_by_state=dict.fromkeys(OPEN_STATES, 0)
            )
        return table[department_id]

    for figures in period_rows(scope, window=False) if period is None else period:
        row = row_of(figures.department_id)
        row.accepted += figures.accepted
        row.decided += figures.decided
        row.on_time += figures.on_time
        row.handling_days += _days(figures.handling_days)
        row.promised_days += _days(figures.promised_days)
    queues = (
        scoped_cases(scope)
        .filter(state__in=OPEN_STATES)
        .values("department_id", "state")
        .annotate(
            waiting=Count("pk"),
            overdue=Count("pk", filter=Q(state__in=CLOCK_STATES, deadline__lt=scope.today)),
        )
        .order_by()
    )
    for figures in queues:
        row = row_of(figures["department_id"])
        row.open_by_state[figures["state"]] = figures["waiting"]
        row.overdue += figures["overdue"]
    names = Organisation.objects.filter(pk__in=table).values_list("pk", "name", "credit_code")
    for pk, name, credit_code in names:
        table[pk].name, table[pk].credit_code = name, credit_code
    return sorted(table.values(), key=lambda row: row.name)


def case_totals(rows: list[DepartmentRow]) -> DepartmentRow:
    """The whole scope's line: sums of the department lines (averages weighted by cases)."""
    total = DepartmentRow(department_id=0, open_by_state=dict.fromkeys(OPEN_STATES, 0))
    for row in rows:
        total.decided += row.decided
        total.on_time += row.on_time
        total.handling_days += row.handling_days
        total.promised_days += row.promised_days
        total.accepted += row.accepted
        total.overdue += row.overdue
        for state, count in row.open_by_state.items():
            total.open_by_state[state] += count
    return total


# --- Cards, ratings, complaints ---------------------------------------------------------------


def _department_scope(scope: Scope, field_name: str = "department") -> Q:
    """Rows whose department lies in the scope (rows without one only when unfiltered)."""
    condition = Q()
    if scope.departments is not None:
        condition &= Q(**{f"{field_name}_id__in": scope.departments})
    if scope.regions is not None:
        condition &= Q(**{f"{field_name}__region_id__in": scope.regions})
    return condition


@dataclass
class CardRow:
    department_id: int | None
    name: str = ""
    credit_code: str = ""
    open_yellow: int = 0
    open_red: int = 0
    raised: int = 0
    closed: int = 0


def card_table(scope: Scope) -> list[CardRow]:
    """Per department: cards open now (yellow, red), raised and closed in the period."""
    raised = Q(raised_at__gte=scope.start, raised_at__lt=scope.end)
    rows = (
        Card.objects.filter(_department_scope(scope))
        .values("department_id")
        .annotate(
            open_yellow=Count("pk", filter=Q(closed_at__isnull=True, colour=CardColour.YELLOW)),
            open_red=Count("pk", filter=Q(closed_at__isnull=True, colour=CardColour.RED)),
            raised=Count("pk", filter=raised),
            closed=Count("pk", filter=Q(closed_at__gte=scope.start, closed_at__lt=scope.end)),
        )
        .filter(Q(open_yellow__gt=0) | Q(open_red__gt=0) | Q(raised__gt=0) | Q(closed__gt=0))
        .order_by()
    )
    table = {row["department_id"]: CardRow(**row) for row in rows}
    _name_departments(table)
    return sorted(table.values(), key=lambda row: (row.department_id is None, row.name))


def _name_departments(table: dict[Any, Any]) -> None:
    names = Organisation.objects.filter(pk__in=[pk for pk in table if pk is not None])
    for pk, name, credit_code in names.values_list("pk", "name", "credit_code"):
        table[pk].name, table[pk].credit_code = name, credit_code
    if None in table:
        table[None].name = str(_("Data sharing platform"))


def rating_distribution(scope: Scope) -> dict[int, int]:
    """Ratings given in the period per score (1–5)."""
    counts = dict(
        Rating.objects.filter(
            _department_scope(scope), created_at__gte=scope.start, created_at__lt=scope.end
        )
        .values_list("score")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("score", "n")
    )
    return {score: counts.get(score, 0) for score in RatingScore.values}


def follow_up_figures(scope: Scope) -> dict[str, Any]:
    """Bad ratings given in the period and their follow-ups, as supervision.selectors
    counts them (差评整改率: of the follow-ups closed or due, the share closed)."""
    follow_ups = RatingFollowUp.objects.filter(
        _department_scope(scope),
        rating__created_at__gte=scope.start,
        rating__created_at__lt=scope.end,
    )
    figures = supervision_selectors.follow_up_rates(follow_ups, today=scope.today)
    figures["bad"] = figures["closed"] + figures["open"]  # each follow-up is one or the other
    return figures


@dataclass
class ComplaintRow:
    department_id: int | None
    name: str = ""
    credit_code: str = ""
    received: int = 0
    assignment_due: int = 0
    forwarded_in_time: int = 0
    reply_due: int = 0
    replied_on_time: int = 0
    waiting: int = 0

    @property
    def forwarding_rate(self) -> float | None:
        return percentage(self.forwarded_in_time, self.assignment_due)

    @property
    def on_time_reply_rate(self) -> float | None:
        return percentage(self.replied_on_time, self.reply_due)


def complaint_table(scope: Scope) -> list[ComplaintRow]:
    """Per handling department, the complaints received in the period, counted as
    supervision.selectors.complaint_rates counts them (及时转办, 按期回复: of those whose
    assignment or reply is done or due, the share done by its date), in one GROUP BY; and
    those still waiting for a reply."""
    rows = (
        Complaint.objects.filter(
            _department_scope(scope), created_at__gte=scope.start, created_at__lt=scope.end
        )
        .annotate(assigned_day=TruncDate("assigned_at"), answered_day=TruncDate("answered_at"))
        .values("department_id")
        .annotate(
            received=Count("pk"),
            assignment_due=Count(
                "pk", filter=Q(assigned_at__isnull=False) | Q(assign_due__lt=scope.today)
            ),
            forwarded_in_time=Count("pk", filter=Q(assigned_day__lte=F("assign_due"))),
            reply_due=Count("pk", filter=Q(answered_at__isnull=False) | Q(due__lt=scope.today)),
            replied_on_time=Count("pk", filter=Q(answered_day__lte=F("due"))),
            waiting=Count("pk", filter=Q(state__in=COMPLAINT_WAITING_STATES)),
        )
        .order_by()
    )
    table = {row["department_id"]: ComplaintRow(**row) for row in rows}
    _name_departments(table)
    for row in table.values():
        if row.department_id is None:
            row.name = str(_("Not yet assigned"))
    return sorted(table.values(), key=lambda row: (row.department_id is None, row.name))


def complaint_totals(rows: list[ComplaintRow]) -> ComplaintRow:
    total = ComplaintRow(department_id=None)
    for row in rows:
        total.received += row.received
        total.assignment_due += row.assignment_due
        total.forwarded_in_time += row.forwarded_in_time
        total.reply_due += row.reply_due
        total.replied_on_time += row.replied_on_time
        total.waiting += row.waiting
    return total


def card_totals(rows: list[CardRow]) -> CardRow:
    total = CardRow(department_id=None)
    for row in rows:
        total.open_yellow += row.open_yellow
        total.open_red += row.open_red
        total.raised += row.raised
        total.closed += row.closed
    return total
