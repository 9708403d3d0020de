"""The deadline sweep (电子监察): raises a yellow card when something nears its time limit and
a red card once it has passed it, and closes the cards of what has been done.

Each card is raised once: the database's unique (kind, subject, colour) constraint decides,
so two sweeps running at the same time, or the same sweep twice, raise nothing twice. The
thresholds are turned into date cut-offs on the working-day calendar first, so each query
compares indexed dates among the open subjects only (supervision migration 0002), and the
cards are written by the database itself (INSERT … SELECT … ON CONFLICT DO NOTHING), one
primary-key range at a time: no row passes through Python, memory stays flat however many
cases are open.
"""

import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.constants import OnConflict
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils import timezone

from cases.constants import Action, CaseState
from cases.models import Case, CaseEvent
from cases.services import SUPPLY_STATES
from identity.services import audit_record
from matters import selectors as matter_selectors
from matters.calendar import WorkingCalendar
from matters.models import ImplementationVersion
from sharing.constants import RequestState
from sharing.models import AccessRequest
from supervision.constants import COMPLAINT_WAITING_STATES, CardColour, CardKind
from supervision.models import Card, Complaint, RatingFollowUp

# Rows (primary-key range) per INSERT … SELECT of cards.
CHUNK_SIZE = 100_000
# So many cards raised at once make the planner's statistics of the cards table stale.
ANALYZE_AFTER = 10_000
CARD_COLUMNS = (
    "kind",
    "subject_id",
    "colour",
    "case_id",
    "complaint_id",
    "follow_up_id",
    "department_id",
    "handler_id",
    "due",
    "raised_at",
)
CLOCK_STATES = (CaseState.ACCEPTED, CaseState.IN_REVIEW)
# A case deadline card stays open while the case can still be decided late.
DEADLINE_OPEN_STATES = (*CLOCK_STATES, CaseState.SUSPENDED)
# Sharing request stages and the date each must be done by (国办发〔2018〕45号).
SHARING_STAGES = {
    RequestState.PLATFORM_REVIEW: ("platform", "platform_due"),
    RequestState.PROVIDER_REVIEW: ("provider", "provider_due"),
}


@dataclass
class SweepReport:
    raised: Counter[tuple[str, str]] = field(default_factory=Counter)
    closed: int = 0
    seconds: float = 0.0

    @property
    def raised_total(self) -> int:
        return sum(self.raised.values())


@dataclass(frozen=True)
class Cutoffs:
    """The dates the sweep compares with, computed once per run."""

    today: date
    # Anything due on or before this date gets a yellow card (1 working day left by default).
    yellow: date
    # Promised case limit (days) → latest deadline that gets a yellow card.
    case_yellow: dict[int, date]


def yellow_days_left(promised_days: int) -> int | None:
    """Working days left at which a case with this promised limit gets its yellow card:
    `PORTAL_YELLOW_CARD_WORKING_DAYS` or `PORTAL_YELLOW_CARD_SHARE` of its limit, whichever is
    more, but always short of the whole limit (None: no yellow card, e.g. an immediate matter
    decided the day it is accepted — it can only be late)."""
    share = math.floor(promised_days * settings.PORTAL_YELLOW_CARD_SHARE)
    days = min(max(settings.PORTAL_YELLOW_CARD_WORKING_DAYS, share), promised_days - 1)
    return days if days >= 0 else None


def cutoffs(calendar: WorkingCalendar, today: date) -> Cutoffs:
    limits = ImplementationVersion.objects.values_list("promised_limit_days", flat=True).distinct()
    case_yellow = {}
    for limit in limits:
        days = yellow_days_left(limit)
        if days is not None:
            case_yellow[limit] = calendar.add_working_days(today, days)
    yellow = calendar.add_working_days(today, settings.PORTAL_YELLOW_CARD_WORKING_DAYS)
    return Cutoffs(today=today, yellow=yellow, case_yellow=case_yellow)


def _latest_start(calendar: WorkingCalendar, days: int, cutoff: date) -> date:
    """The last day from which `days` working days end on or before `cutoff`: a date cut-off
    on the start, so the query compares a column instead of computing per row."""
    low, high = cutoff - timedelta(days=3 * days + 40), cutoff
    while high - low > timedelta(days=1):
        middle = low + (high - low) // 2
        if calendar.add_working_days(middle, days) <= cutoff:
            low = middle
        else:
            high = middle
    return high if calendar.add_working_days(high, days) <= cutoff else low


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _subject(*parts: str) -> Any:
    """A subject id as the cards store it: parts joined by ":", each a field name of the row
    or a literal starting with ":"."""
    pieces: list[Any] = []
    for part in parts:
        if pieces:
            pieces.append(Value(":"))
        if part.startswith(":"):
            pieces.append(Value(part[1:]))
        else:
            pieces.append(Cast(F(part), CharField()))
    return pieces[0] if len(pieces) == 1 else Concat(*pieces, output_field=CharField())


@dataclass
class _Run:
    now: datetime
    chunk: int
    report: SweepReport


def _insert_cards(
    run: _Run, rows: QuerySet[Any], *, kind: str, colour: str, **columns: Any
) -> None:
    """Raise the cards of these rows in the database itself: INSERT … SELECT, one
    primary-key range of `run.chunk` rows at a time, in key order (so concurrent sweeps wait
    on each other, never deadlock). The unique index skips the cards raised already, here or
    by a concurrent sweep (ON CONFLICT DO NOTHING): one index probe per row, whatever the
    planner's statistics say of the cards table."""
    values = {
        "kind": Value(kind),
        "colour": Value(colour),
        "raised_at": Value(run.now, output_field=DateTimeField()),
        **columns,
    }
    names = [name for name in CARD_COLUMNS if name in values]
    select = rows.annotate(**{f"card_{name}": values[name] for name in names}).values_list(
        *[f"card_{name}" for name in names]
    )
    bounds = rows.model.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    insert = connection.ops.insert_statement(on_conflict=OnConflict.IGNORE)
    suffix = connection.ops.on_conflict_suffix_sql(None, OnConflict.IGNORE, None, None)
    table = connection.ops.quote_name(Card._meta.db_table)
    column_list = ", ".join(
        connection.ops.quote_name(Card._meta.get_field(name).column) for name in names
    )
    inserted = 0
    for start in range(bounds["low"], bounds["high"] + 1, run.chunk):
        chunk = select.filter(pk__gte=start, pk__lt=start + run.chunk).order_by("pk")
        try:
            sql, params = chunk.query.sql_with_params()
        except EmptyResultSet:  # nothing can match (e.g. no yellow threshold applies)
            return
        with connection.cursor() as cursor:
            cursor.execute(f"{insert} {table} ({column_list}) {sql} {suffix}", params)
            if cursor.rowcount > 0:
                run.report.raised[(kind, colour)] += cursor.rowcount
                inserted += cursor.rowcount
    if inserted >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # The next queries look cards up by subject: with statistics of an almost empty
        # table the planner would rescan every card per row instead of using the index.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")


# --- Raising -----------------------------------------------------------------------------


def _case_deadline_cards(cut: Cutoffs, colour: str) -> QuerySet[Case]:
    cases = Case.objects.filter(state__in=CLOCK_STATES)
    if colour == CardColour.RED:
        cases = cases.filter(deadline__lt=cut.today)
    else:
        if not cut.case_yellow:
            return Case.objects.none()
        by_cutoff: dict[date, list[int]] = defaultdict(list)
        for limit, cutoff in cut.case_yellow.items():
            by_cutoff[cutoff].append(limit)
        near = Q(pk__in=[])
        for cutoff, limits in by_cutoff.items():
            near |= Q(deadline__lte=cutoff, version__promised_limit_days__in=limits)
        cases = cases.filter(near, deadline__lte=max(by_cutoff))
    return cases


def _raise_case_deadlines(run: _Run, cut: Cutoffs) -> None:
    for colour in (CardColour.YELLOW, CardColour.RED):
        _insert_cards(
            run,
            _case_deadline_cards(cut, colour),
            kind=CardKind.CASE_DEADLINE,
            colour=colour,
            subject_id=_subject("pk"),
            case_id=F("pk"),
            department_id=F("department_id"),
            handler_id=F("claimed_by_id"),
            due=F("deadline"),
        )


def _raise_corrections(run: _Run, calendar: WorkingCalendar, cut: Cutoffs) -> None:
    """补正: the applicant has `PORTAL_CORRECTION_ANSWER_DAYS` working days from the request;
    each request is a subject of its own (`<case>:<event>`), so a second round is carded
    again."""
    days = settings.PORTAL_CORRECTION_ANSWER_DAYS
    requests = CaseEvent.objects.filter(
        case=OuterRef("pk"), action=Action.REQUEST_CORRECTION
    ).order_by("-at", "-pk")
    waiting = Case.objects.filter(state=CaseState.CORRECTION_REQUESTED).annotate(
        request_id=Subquery(requests.values("pk")[:1]),
        requested_at=Subquery(requests.values("at")[:1]),
    )
    for colour, cutoff in ((CardColour.YELLOW, cut.yellow), (CardColour.RED, cut.today)):
        # Due on or before the yellow cut-off; for red, due before today.
        limit = cutoff if colour == CardColour.YELLOW else cutoff - timedelta(days=1)
        started_before = _day_start(_latest_start(calendar, days, limit) + timedelta(days=1))
        rows = waiting.filter(requested_at__lt=started_before).annotate(
            requested_on=TruncDate("requested_at")
        )
        # The due date per request day, from the calendar: few distinct days, one CASE.
        request_days = set(rows.values_list("requested_on", flat=True).order_by())
        if not request_days:
            continue
        due = SqlCase(
            *[
                When(requested_on=day, then=Value(calendar.add_working_days(day, days)))
                for day in sorted(request_days)
            ],
            output_field=DateField(),
        )
        _insert_cards(
            run,
            rows,
            kind=CardKind.CORRECTION,
            colour=colour,
            subject_id=_subject("pk", "request_id"),
            case_id=F("pk"),
            department_id=F("department_id"),
            handler_id=F("claimed_by_id"),
            due=due,
        )


def _raise_deferred_supplies(run: _Run, cut: Cutoffs) -> None:
    """容缺受理: the materials accepted as "to follow" are due by `deferred_until`."""
    pending = Case.objects.filter(
        deferred_until__isnull=False, deferred_supplied_at__isnull=True, state__in=SUPPLY_STATES
    )
    for colour, q in (
        (CardColour.YELLOW, Q(deferred_until__lte=cut.yellow)),
        (CardColour.RED, Q(deferred_until__lt=cut.today)),
    ):
        _insert_cards(
            run,
            pending.filter(q),
            kind=CardKind.DEFERRED_SUPPLY,
            colour=colour,
            subject_id=_subject("pk"),
            case_id=F("pk"),
            department_id=F("department_id"),
            handler_id=F("claimed_by_id"),
            due=F("deferred_until"),
        )


def _raise_sharing_reviews(run: _Run, cut: Cutoffs) -> None:
    """Data sharing requests: the platform's review and the provider's decision each have a
    time limit in working days (set by the sharing app when the stage starts)."""
    for state, (stage, due_field) in SHARING_STAGES.items():
        # The platform's review is answered by no department: supervision sees it.
        department = (
            F("resource__provider_id")
            if stage == "provider"
            else Value(None, output_field=IntegerField())
        )
        for colour, q in (
            (CardColour.YELLOW, Q(**{f"{due_field}__lte": cut.yellow})),
            (CardColour.RED, Q(**{f"{due_field}__lt": cut.today})),
        ):
            rows = AccessRequest.objects.filter(q, state=state)
            _insert_cards(
                run,
                rows,
                kind=CardKind.SHARING_REVIEW,
                colour=colour,
                subject_id=_subject("pk", f":{stage}"),
                department_id=department,
                due=F(due_field),
            )


def _raise_complaints(run: _Run, cut: Cutoffs) -> None:
    """有诉即办: the reply is due `PORTAL_COMPLAINT_REPLY_DAYS` working days after receipt
    (or after reopening: each round is a subject of its own, `<complaint>:<round>`)."""
    waiting = Complaint.objects.filter(state__in=COMPLAINT_WAITING_STATES)
    for colour, q in (
        (CardColour.YELLOW, Q(due__lte=cut.yellow)),
        (CardColour.RED, Q(due__lt=cut.today)),
    ):
        _insert_cards(
            run,
            waiting.filter(q),
            kind=CardKind.COMPLAINT_REPLY,
            colour=colour,
            subject_id=_subject("pk", "reopen_count"),
            complaint_id=F("pk"),
            department_id=F("department_id"),
            due=F("due"),
        )


def _raise_follow_ups(run: _Run, cut: Cutoffs) -> None:
    """差评整改: the rated department closes the follow-up by its due date."""
    open_ = RatingFollowUp.objects.filter(closed_at__isnull=True)
    for colour, q in (
        (CardColour.YELLOW, Q(due__lte=cut.yellow)),
        (CardColour.RED, Q(due__lt=cut.today)),
    ):
        _insert_cards(
            run,
            open_.filter(q),
            kind=CardKind.RATING_FOLLOW_UP,
            colour=colour,
            subject_id=_subject("pk"),
            follow_up_id=F("pk"),
            case_id=F("rating__case_id"),
            department_id=F("department_id"),
            handler_id=F("rating__handler_id"),
            due=F("due"),
        )


# --- Closing -----------------------------------------------------------------------------


def _close_done(now: datetime, *, case_id: int | None = None) -> int:
    """Close the open cards whose subject has been done (or can no longer be late); only
    those of one case when `case_id` is given."""
    open_cards = Card.objects.filter(closed_at__isnull=True)
    if case_id is not None:
        open_cards = open_cards.filter(case_id=case_id)
    closed = 0
    closed += (
        open_cards.filter(kind=CardKind.CASE_DEADLINE)
        .exclude(case__state__in=DEADLINE_OPEN_STATES)
        .update(closed_at=now)
    )
    closed += (
        open_cards.filter(kind=CardKind.DEFERRED_SUPPLY)
        .filter(Q(case__deferred_supplied_at__isnull=False) | ~Q(case__state__in=SUPPLY_STATES))
        .update(closed_at=now)
    )
    closed += open_cards.filter(
        kind=CardKind.RATING_FOLLOW_UP, follow_up__closed_at__isnull=False
    ).update(closed_at=now)
    # A correction card is done when the case left the state or was asked again (a new
    # round); a complaint card when the complaint was answered or reopened (a new round).
    latest_request = (
        CaseEvent.objects.filter(case=OuterRef("case_id"), action=Action.REQUEST_CORRECTION)
        .order_by("-at", "-pk")
        .values("pk")[:1]
    )
    closed += (
        open_cards.filter(kind=CardKind.CORRECTION)
        .annotate(latest=Subquery(latest_request))
        .annotate(current=_subject("case_id", "latest"))
        .filter(~Q(case__state=CaseState.CORRECTION_REQUESTED) | ~Q(subject_id=F("current")))
        .update(closed_at=now)
    )
    closed += (
        open_cards.filter(kind=CardKind.COMPLAINT_REPLY)
        .annotate(current=_subject("complaint_id", "complaint__reopen_count"))
        .filter(~Q(complaint__state__in=COMPLAINT_WAITING_STATES) | ~Q(subject_id=F("current")))
        .update(closed_at=now)
    )
    # Sharing cards are few: their requests' states are read at once.
    done: list[int] = []
    sharing_cards = list(
        open_cards.filter(kind=CardKind.SHARING_REVIEW).values_list("pk", "subject_id")
    )
    stages = {stage: state for state, (stage, _due) in SHARING_STAGES.items()}
    states = dict(
        AccessRequest.objects.filter(
            pk__in={int(subject.split(":")[0]) for _pk, subject in sharing_cards}
        ).values_list("pk", "state")
    )
    for pk, subject_id in sharing_cards:
        request_id, stage = subject_id.split(":")
        if states.get(int(request_id)) != stages.get(stage):
            done.append(pk)
    for batch in _batched(done, CHUNK_SIZE):
        closed += Card.objects.filter(pk__in=batch, closed_at__isnull=True).update(closed_at=now)
    return closed


def cards_close_for_complaint(*, complaint: Complaint, now: datetime | None = None) -> int:
    """Close a complaint's open cards at once (its reply was given or it was closed)."""
    return Card.objects.filter(complaint=complaint, closed_at__isnull=True).update(
        closed_at=now or timezone.now()
    )


def cards_close_for_follow_up(*, follow_up: RatingFollowUp, now: datetime | None = None) -> int:
    return Card.objects.filter(follow_up=follow_up, closed_at__isnull=True).update(
        closed_at=now or timezone.now()
    )


def close_cards_of_case(sender: type, case: Case, **kwargs: object) -> None:
    """A case's cards close in the transaction that ends them (cases.signals); the sweep
    closes anything else done since its last run. Most transitions find no open card."""
    if Card.objects.filter(case_id=case.pk, closed_at__isnull=True).exists():
        _close_done(timezone.now(), case_id=case.pk)


# --- The sweep ---------------------------------------------------------------------------


def sweep_deadlines(
    *, today: date | None = None, chunk_size: int = CHUNK_SIZE, audit: bool = True
) -> SweepReport:
    """Close the cards of what was done, then raise the cards now due. Safe to run twice
    and concurrently; returns what this run changed."""
    started = time.monotonic()
    now = timezone.now()
    today = today or timezone.localdate()
    calendar = matter_selectors.working_calendar()
    cut = cutoffs(calendar, today)
    report = SweepReport()
    report.closed = _close_done(now)
    run = _Run(now=now, chunk=chunk_size, report=report)
    _raise_case_deadlines(run, cut)
    _raise_corrections(run, calendar, cut)
    _raise_deferred_supplies(run, cut)
    _raise_sharing_reviews(run, cut)
    _raise_complaints(run, cut)
    _raise_follow_ups(run, cut)
    report.seconds = time.monotonic() - started
    if audit and (report.raised_total or report.closed):
        audit_record(
            action="supervision.sweep",
            actor_label="sweep_deadlines",
            detail={
                "raised": {f"{k}:{c}": n for (k, c), n in report.raised.items()},
                "closed": report.closed,
            },
        )
    return report
