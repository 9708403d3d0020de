"""Builders for the counter tests (test_counter*.py): services of the hall's region and
cases in the states the counter meets them in."""

from cases import services
from cases.constants import Action
from cases.models import Case
from identity.constants import Role
from matters.constants import HandlingKind, WindowCategory
from matters.models import ImplementationVersion
from tests.cases.conftest import pdf_file
from tests.factories import MembershipFactory
from tests.factories.matters import FormFieldFactory, MaterialFactory, VersionFactory
from windows.models import Hall


def service(
    hall: Hall, *, category: str = WindowCategory.LIVELIHOOD, **kwargs
) -> ImplementationVersion:
    """A published service of the hall's region: one question, an ID card to upload and a
    tax certificate that may follow later (容缺)."""
    version = VersionFactory(implementation__region=hall.region, window_category=category, **kwargs)
    FormFieldFactory(version=version, key="applicant_name", label="申请人姓名", order=1)
    MaterialFactory(version=version, key="id_card", name="身份证", order=1)
    MaterialFactory(version=version, key="tax_proof", name="完税证明", tolerable=True, order=2)
    return version


def immediate_service(hall: Hall) -> ImplementationVersion:
    return service(hall, handling_kind=HandlingKind.IMMEDIATE, promised_limit_days=0)


def submitted(version: ImplementationVersion, person, **kwargs) -> Case:
    """An application submitted online by the person, with its ID card."""
    case = services.case_create(
        version=version, actor=person, form_data={"applicant_name": person.name}, **kwargs
    )
    services.case_material_attach(
        case=case, actor=person, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    return services.case_transition(case=case, action=Action.SUBMIT, actor=person)


def reviewer_of(version: ImplementationVersion):
    return MembershipFactory(
        role=Role.REVIEWER, organisation=version.implementation.department
    ).user


def result_issued(version: ImplementationVersion, person, clerk) -> Case:
    """A case whose result waits at the hall (issued by the department's reviewer)."""
    case = submitted(version, person)
    services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
    reviewer = reviewer_of(version)
    for action in (Action.CLAIM, Action.APPROVE, Action.ISSUE_RESULT):
        case = services.case_transition(case=case, action=action, actor=reviewer)
    return case
