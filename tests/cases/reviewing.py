"""Helpers of the back-office tests (routing, queue, review, API keys, access): cases brought
to the department's queue through the real services."""

from datetime import date

from cases import services
from cases.constants import Action
from cases.models import Case
from identity.constants import Role
from tests.cases.conftest import pdf_file
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

ANSWERS = {"applicant_name": "张三"}


def submitted_case(version, applicant, **create) -> Case:
    case = services.case_create(version=version, actor=applicant, form_data=ANSWERS, **create)
    services.case_material_attach(
        case=case, actor=applicant, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    return services.case_transition(case=case, action=Action.SUBMIT, actor=applicant)


def accepted_case(version, applicant, clerk, *, today: date | None = None, **create) -> Case:
    case = submitted_case(version, applicant, **create)
    return services.case_transition(case=case, action=Action.ACCEPT, actor=clerk, today=today)


def claimed_case(version, applicant, clerk, reviewer, **create) -> Case:
    case = accepted_case(version, applicant, clerk, **create)
    return services.case_transition(case=case, action=Action.CLAIM, actor=reviewer)


def fresh(user):
    """The same person as a new object: role caches live on the user object of a request."""
    return type(user).objects.get(pk=user.pk)


def reviewer_of(department, role: str = Role.REVIEWER):
    return MembershipFactory(role=role, organisation=department).user


def other_department(version):
    """Another department of the service's region, with one reviewer."""
    department = DepartmentFactory(region=version.implementation.region)
    return department, reviewer_of(department)


def applicant() -> object:
    return UserFactory(name="李四")
