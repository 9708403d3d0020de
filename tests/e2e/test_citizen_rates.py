"""A citizen whose case has ended rates it (好差评) from the case page."""

import pytest
from playwright.sync_api import expect

from cases import services
from cases.constants import Action, CaseState, DeliveryMethod
from cases.delivery import case_set_delivery
from identity.constants import Role, Sector
from supervision.constants import RatingScore
from supervision.models import Rating
from tests.cases.conftest import pdf_file
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.factories.identity import PASSWORD
from tests.factories.matters import FormFieldFactory, MaterialFactory, VersionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def delivered():
    """张三's application, taken through the whole workflow by the services: submitted with
    its file, accepted by the hall, approved by the department and its result posted."""
    version = VersionFactory(
        name="不动产登记资料查询",
        implementation__matter__name="不动产登记资料查询",
        implementation__department__name="宜昌市自然资源和规划局",
        implementation__matter__sector=Sector.NATURAL_RESOURCES,
        delivery_post=True,
    )
    FormFieldFactory(version=version, key="applicant_name", label="申请人姓名")
    MaterialFactory(version=version, key="id_card", name="申请人身份证明")
    citizen = UserFactory(id_number="420502199003071234", name="张三")
    clerk = MembershipFactory(
        role=Role.CLERK, organisation=DepartmentFactory(region=version.implementation.region)
    ).user
    reviewer = MembershipFactory(
        role=Role.REVIEWER, organisation=version.implementation.department
    ).user
    case = services.case_create(
        version=version, actor=citizen, form_data={"applicant_name": "张三"}
    )
    services.case_material_attach(
        case=case, actor=citizen, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    case_set_delivery(case=case, actor=citizen, method=DeliveryMethod.POST, address="宜昌市西陵区")
    services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)
    services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
    for action in (Action.CLAIM, Action.APPROVE, Action.ISSUE_RESULT):
        services.case_transition(case=case, action=action, actor=reviewer)
    return services.case_transition(
        case=case,
        action=Action.DELIVER,
        actor=clerk,
        payload={"express_carrier": "中国邮政EMS", "express_tracking": "1234567890"},
    )


def test_a_citizen_rates_a_delivered_case(journey, delivered):
    page = journey.page
    assert delivered.state == CaseState.DELIVERED

    journey.sign_in(delivered.applicant.id_number, PASSWORD)
    journey.open("/cases/")
    page.get_by_role("link", name=delivered.number).click()
    journey.step("ended case")
    page.get_by_role("link", name="评价本办件").click()
    expect(page.get_by_role("heading", name=f"评价办件{delivered.number}")).to_be_visible()
    page.get_by_label("非常满意").check()
    page.get_by_label("意见（选填）").fill("网上办理方便，邮寄很快。")
    journey.step("rating form", docs="citizen-rating", docs_widths=("desktop", "phone"))
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("网上办理方便，邮寄很快。")).to_be_visible()
    journey.step("rated")

    rating = Rating.objects.get(case=delivered)
    assert (rating.score, rating.applicant) == (RatingScore.VERY_SATISFIED, delivered.applicant)
    assert rating.comment == "网上办理方便，邮寄很快。"
