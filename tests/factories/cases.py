"""Cases written in bulk, for tests where what happens to them is the point."""

import uuid

from cases.constants import CaseState, Channel
from cases.models import Case
from tests.factories.identity import DepartmentFactory, UserFactory
from tests.factories.matters import VersionFactory


def cases_in_review(count: int) -> list[Case]:
    """Cases under review in one department, of one applicant."""
    reviewer_department = DepartmentFactory()
    applicant = UserFactory()
    version = VersionFactory(implementation__department=reviewer_department)
    prefix = uuid.uuid4().hex[:8]
    return Case.objects.bulk_create(
        Case(
            number=f"{prefix}-{index:06d}",
            version=version,
            department=reviewer_department,
            region=version.implementation.region,
            state=CaseState.IN_REVIEW,
            channel=Channel.ONLINE,
            applicant=applicant,
            created_by=applicant,
        )
        for index in range(count)
    )
