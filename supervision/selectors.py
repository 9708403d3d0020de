"""Reads of supervision: cards, ratings and follow-ups, complaints, and the rates the
dashboards chart (on-time replies, timely forwarding, rectified bad ratings)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Avg,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as SqlCase

from cases.models import Case
from supervision import policies
from supervision.constants import CardColour, CardKind
from supervision.models import Card, Complaint, ComplaintEvent, Rating, RatingFollowUp

# Public aggregates show a group's figures only from this many ratings, so that nobody's
# own rating can be read off a group of one or two.
PUBLIC_MIN_RATINGS = 3


# --- Cards -------------------------------------------------------------------------------


def _open_case_card(colour: str) -> Exists:
    return Exists(
        Card.objects.filter(
            case=OuterRef("pk"),
            kind=CardKind.CASE_DEADLINE,
            colour=colour,
            closed_at__isnull=True,
        )
    )


def annotate_card_colour(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Each case with `card_colour`: "red" or "yellow" for its worst open deadline card,
    None without one (for the reviewers' queue: filter on it or show it)."""
    return cases.annotate(
        card_colour=SqlCase(
            When(_open_case_card(CardColour.RED), then=Value(CardColour.RED.value)),
            When(_open_case_card(CardColour.YELLOW), then=Value(CardColour.YELLOW.value)),
            default=None,
            output_field=CharField(),
        )
    )


def filter_card_colour(cases: QuerySet[Case], colour: str) -> QuerySet[Case]:
    """The cases whose worst open deadline card has this colour ("red", "yellow"), or that
    have none ("none")."""
    if colour == CardColour.RED:
        return cases.filter(_open_case_card(CardColour.RED))
    if colour == CardColour.YELLOW:
        return cases.filter(_open_case_card(CardColour.YELLOW)).exclude(
            _open_case_card(CardColour.RED)
        )
    return cases.exclude(_open_case_card(CardColour.YELLOW)).exclude(
        _open_case_card(CardColour.RED)
    )


def case_cards(case: Case) -> list[Card]:
    """Every card of a case (deadline, correction, 容缺 supply, follow-up), open first."""
    return list(
        Card.objects.filter(case=case).order_by(
            F("closed_at").desc(nulls_first=True), "-raised_at", "-id"
        )
    )


@dataclass(frozen=True)
class CardFilter:
    colour: str = ""
    kind: str = ""
    department: int | None = None
    open_only: bool = True


def cards_for(user: Any, filters: CardFilter | None = None) -> QuerySet[Card]:
    """The cards the person may see, newest first, with what the list shows."""
    filters = filters or CardFilter()
    cards = policies.cards_visible_to(user)
    if filters.open_only:
        cards = cards.filter(closed_at__isnull=True)
    if filters.colour:
        cards = cards.filter(colour=filters.colour)
    if filters.kind:
        cards = cards.filter(kind=filters.kind)
    if filters.department is not None:
        cards = cards.filter(department_id=filters.department)
    return cards.select_related("case", "complaint", "department", "handler").order_by(
        "-raised_at", "-id"
    )


def card_counts_by_department(cards: QuerySet[Card]) -> list[dict[str, Any]]:
    """Per department: open and closed yellow and red cards (department name included)."""
    return list(
        cards.values("department_id", "department__name")
        .annotate(
            open_yellow=Count("pk", filter=Q(colour=CardColour.YELLOW, closed_at__isnull=True)),
            open_red=Count("pk", filter=Q(colour=CardColour.RED, closed_at__isnull=True)),
            closed_yellow=Count("pk", filter=Q(colour=CardColour.YELLOW, closed_at__isnull=False)),
            closed_red=Count("pk", filter=Q(colour=CardColour.RED, closed_at__isnull=False)),
        )
        .order_by("-open_red", "-open_yellow", "department__name")
    )


# --- Ratings -----------------------------------------------------------------------------


def rating_for_case(case: Case) -> Rating | None:
    return Rating.objects.select_related("follow_up").filter(case=case).first()


def ratings_visible_to(user: Any) -> QuerySet[Rating]:
    if policies.is_supervisor(user):
        ratings = Rating.objects.all()
    else:
        ratings = Rating.objects.filter(department_id__in=policies.answering_departments(user))
    return ratings.select_related("case", "implementation", "department", "handler")


def follow_ups_for(user: Any, *, open_only: bool = True) -> QuerySet[RatingFollowUp]:
    follow_ups = policies.follow_ups_visible_to(user)
    if open_only:
        follow_ups = follow_ups.filter(closed_at__isnull=True)
    return follow_ups.select_related(
        "rating__case", "rating__implementation", "rating__applicant", "department", "callback_by"
    ).order_by("due", "id")


def follow_up_for(user: Any, number: str) -> RatingFollowUp | None:
    """The follow-up of the rating of the case with this number, if the person may see it."""
    return follow_ups_for(user, open_only=False).filter(rating__case__number=number).first()


def _score_counts() -> dict[str, Any]:
    return {
        "count": Count("pk"),
        "average": Avg("score"),
        # 满意率: 基本满意 and better, the share the 好差评 reports publish.
        "satisfied": Count("pk", filter=Q(score__gte=3)),
        **{f"score_{n}": Count("pk", filter=Q(score=n)) for n in range(1, 6)},
    }


def _public(row: dict[str, Any], name: str) -> dict[str, Any]:
    shown = row["count"] >= PUBLIC_MIN_RATINGS
    return {
        "name": name,
        "ratings": row["count"],
        "shown": shown,
        "average": round(row["average"], 2) if shown else None,
        "satisfaction": round(100 * row["satisfied"] / row["count"], 1) if shown else None,
        # From 非常满意 down to 非常不满意, as the reports list them.
        "levels": [row[f"score_{n}"] for n in range(5, 0, -1)] if shown else [],
    }


def public_satisfaction_by_department() -> list[dict[str, Any]]:
    """Aggregate ratings per department, for everyone to see (no rating on its own)."""
    rows = (
        Rating.objects.values("department_id", "department__name")
        .annotate(**_score_counts())
        .order_by("department__name")
    )
    return [_public(row, row["department__name"]) for row in rows]


def public_satisfaction_by_service() -> list[dict[str, Any]]:
    """Aggregate ratings per service: the matter as one department implements it."""
    rows = (
        Rating.objects.values(
            "implementation_id",
            "implementation__code",
            "implementation__matter__name",
            "implementation__department__name",
        )
        .annotate(**_score_counts())
        .order_by("implementation__matter__name", "implementation__code")
    )
    return [
        {
            **_public(row, row["implementation__matter__name"]),
            "code": row["implementation__code"],
            "department": row["implementation__department__name"],
        }
        for row in rows
    ]


def rating_distribution(ratings: QuerySet[Rating]) -> dict[int, int]:
    counts = dict(ratings.values_list("score").annotate(n=Count("pk")).order_by())
    return {score: counts.get(score, 0) for score in range(1, 6)}


def follow_up_rates(follow_ups: QuerySet[RatingFollowUp], *, today: date) -> dict[str, Any]:
    """差评整改率: of the bad-rating follow-ups that are closed or due, the share closed, and
    the share closed on time."""
    due_or_closed = follow_ups.filter(Q(closed_at__isnull=False) | Q(due__lt=today))
    figures = due_or_closed.aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(closed_at__isnull=False)),
        on_time=Count("pk", filter=Q(closed_at__date__lte=F("due"))),
    )
    total = figures["total"]
    return {
        **figures,
        "open": follow_ups.filter(closed_at__isnull=True).count(),
        "rectification_rate": round(100 * figures["closed"] / total, 1) if total else None,
        "on_time_rate": round(100 * figures["on_time"] / total, 1) if total else None,
    }


# --- Complaints --------------------------------------------------------------------------


def complaints_for(user: Any) -> QuerySet[Complaint]:
    return (
        policies.complaints_visible_to(user)
        .select_related("department", "case", "implementation", "about_department")
        .order_by("-created_at", "-id")
    )


def complaints_of(user: Any) -> QuerySet[Complaint]:
    """The person's own complaints (as complainant)."""
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    return complaints_for(user).filter(complainant=user)


def complaint_inbox(user: Any, *, state: str = "") -> QuerySet[Complaint]:
    """Complaints for department staff to handle: their departments' (a supervisor: every
    complaint, those waiting for assignment first)."""
    if policies.is_supervisor(user):
        complaints = Complaint.objects.all()
    else:
        complaints = Complaint.objects.filter(
            department_id__in=policies.answering_departments(user)
        )
    if state:
        complaints = complaints.filter(state=state)
    return complaints.select_related("department").order_by(
        F("department").asc(nulls_first=True), "due", "id"
    )


def complaint_detail(user: Any, number: str) -> Complaint | None:
    """One complaint the person may see, with its timeline (None: answer 404)."""
    return (
        complaints_for(user)
        .select_related("complainant", "entered_by", "answered_by")
        .prefetch_related(
            Prefetch(
                "events", queryset=ComplaintEvent.objects.select_related("actor", "department")
            )
        )
        .filter(number=number)
        .first()
    )


def complaint_rates(complaints: QuerySet[Complaint], *, today: date) -> dict[str, Any]:
    """投诉及时转办率 and 按期回复率 (seeds: both 100 %): of the complaints whose assignment
    (reply) is done or due, the share done on time. Dates compare in the portal's time zone."""
    assignment = complaints.filter(Q(assigned_at__isnull=False) | Q(assign_due__lt=today))
    replies = complaints.filter(Q(answered_at__isnull=False) | Q(due__lt=today))
    assigned = assignment.aggregate(
        total=Count("pk"), on_time=Count("pk", filter=Q(assigned_at__date__lte=F("assign_due")))
    )
    replied = replies.aggregate(
        total=Count("pk"), on_time=Count("pk", filter=Q(answered_at__date__lte=F("due")))
    )
    totals = complaints.aggregate(
        total=Count("pk"), forwarded=Count("pk", filter=Q(forward_count__gt=0))
    )

    def rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    return {
        "total": totals["total"],
        "forwarded": totals["forwarded"],
        "assignment_due_or_done": assigned["total"],
        "assigned_on_time": assigned["on_time"],
        "timely_forwarding_rate": rate(assigned["on_time"], assigned["total"]),
        "reply_due_or_done": replied["total"],
        "replied_on_time": replied["on_time"],
        "on_time_reply_rate": rate(replied["on_time"], replied["total"]),
    }
