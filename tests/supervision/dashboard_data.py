"""Cases, ratings and complaints written straight to the tables, in the states and at the
times a dashboard test needs (the services that make them are tested in their own apps)."""

from datetime import date, datetime, time, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from cases.constants import CaseState, Channel
from cases.models import Case, CaseEvent
from identity.models import User
from matters.models import ImplementationVersion
from supervision.models import Complaint, Rating, RatingFollowUp
from tests.factories import UserFactory

_numbers = count(1)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_case(
    version: ImplementationVersion,
    *,
    state: str = CaseState.SUBMITTED,
    accepted: date | None = None,
    accepted_by: User | None = None,
    decided: date | None = None,
    deadline: date | None = None,
    applicant: User | None = None,
    **fields: Any,
) -> Case:
    implementation = version.implementation
    applicant = applicant or UserFactory()
    case = Case.objects.create(
        number=f"420500-20260101-{next(_numbers):06d}",
        version=version,
        department=fields.pop("department", implementation.department),
        region=fields.pop("region", implementation.region),
        channel=fields.pop("channel", Channel.ONLINE),
        applicant=applicant,
        created_by=applicant,
        state=state,
        accepted_at=at(accepted) if accepted else None,
        decided_at=at(decided, 15) if decided else None,
        deadline=deadline,
        **fields,
    )
    if accepted:
        CaseEvent.objects.create(
            case=case,
            actor=accepted_by,
            action="accept",
            from_state=CaseState.SUBMITTED,
            to_state=CaseState.ACCEPTED,
            at=at(accepted),
        )
    return case


def rate(
    case: Case, score: int, day: date, *, closed: date | None = None, due: date | None = None
) -> Rating:
    rating = Rating.objects.create(
        case=case,
        score=score,
        channel="web",
        applicant=case.applicant,
        implementation=case.version.implementation,
        department=case.department,
        created_at=at(day),
    )
    if score <= 2:
        RatingFollowUp.objects.create(
            rating=rating,
            department=case.department,
            due=due or day + timedelta(days=21),
            callback_at=at(closed) if closed else None,
            rectification="改进了流程" if closed else "",
            answer="已整改" if closed else "",
            closed_at=at(closed) if closed else None,
        )
    return rating


def complain(
    *,
    department: Any,
    received: date,
    due: date,
    assign_due: date | None = None,
    assigned: date | None = None,
    answered: date | None = None,
    state: str = "assigned",
    case: Case | None = None,
) -> Complaint:
    complaint = Complaint.objects.create(
        number=f"TS{next(_numbers):08d}",
        channel="hotline",
        complainant_name="李四",
        complainant_phone="13800000000",
        subject="case" if case else "department",
        case=case,
        about_department=None if case else department,
        text="办理太慢",
        department=department,
        state=state,
        assign_due=assign_due or received + timedelta(days=1),
        assigned_at=at(assigned) if assigned else None,
        answered_at=at(answered) if answered else None,
        due=due,
    )
    # created_at is set on insert: move it to the day the complaint came in.
    Complaint.objects.filter(pk=complaint.pk).update(created_at=at(received, 9))
    complaint.refresh_from_db()
    return complaint
