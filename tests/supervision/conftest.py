"""Fixtures of the supervision tests: a service, its department's staff, supervisors and
applicants, and cases written straight in the state a test needs (the workflow that gets
them there is tested in tests/cases)."""

from datetime import date, datetime, time
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from cases.constants import Action, CaseState, Channel
from cases.models import Case, CaseEvent
from identity.constants import Role
from identity.models import User
from matters import selectors as matter_selectors
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.factories.matters import VersionFactory

# A Monday without holidays around it, so the working days in the tests are plain weekdays.
MONDAY = date(2025, 3, 3)
_numbers = count(1)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def working_days(start: date, days: int) -> date:
    return matter_selectors.working_calendar().add_working_days(start, days)


def make_case(version: Any, *, state: str = CaseState.IN_REVIEW, **fields: Any) -> Case:
    implementation = version.implementation
    applicant = fields.pop("applicant", None) or UserFactory()
    return Case.objects.create(
        number=f"420500-20250303-{next(_numbers):06d}",
        version=version,
        department=fields.pop("department", implementation.department),
        region=implementation.region,
        state=state,
        channel=Channel.ONLINE,
        applicant=applicant,
        created_by=applicant,
        **fields,
    )


def request_correction(case: Case, *, on: date, actor: User | None = None) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=Action.REQUEST_CORRECTION,
        from_state=CaseState.SUBMITTED,
        to_state=CaseState.CORRECTION_REQUESTED,
        at=at(on),
    )


@pytest.fixture
def version():
    return VersionFactory(promised_limit_days=5, statutory_limit_days=20)


@pytest.fixture
def department(version):
    return version.implementation.department


@pytest.fixture
def reviewer(department):
    return MembershipFactory(role=Role.REVIEWER, organisation=department).user


@pytest.fixture
def head(department):
    return MembershipFactory(role=Role.DEPARTMENT_HEAD, organisation=department).user


@pytest.fixture
def supervisor():
    return MembershipFactory(role=Role.SUPERVISOR, organisation=DepartmentFactory()).user


@pytest.fixture
def clerk(version):
    """A window clerk of the hall of the service's region."""
    centre = DepartmentFactory(region=version.implementation.region)
    return MembershipFactory(role=Role.CLERK, organisation=centre).user


@pytest.fixture
def other_department():
    return DepartmentFactory()


@pytest.fixture
def other_reviewer(other_department):
    return MembershipFactory(role=Role.REVIEWER, organisation=other_department).user


@pytest.fixture
def citizen():
    return UserFactory(name="张三")


@pytest.fixture
def stranger():
    return UserFactory(name="李四")
