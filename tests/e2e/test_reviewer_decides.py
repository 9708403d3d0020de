"""A reviewer works the department's queue: claims a case, hands one that is not the
department's off to another (转办), and approves another; the decision is shown."""

import pytest
from playwright.sync_api import expect

from cases import services
from cases.constants import Action, CaseState
from cases.models import Case
from identity.constants import Role, Sector
from tests.cases.conftest import pdf_file
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.factories.identity import PASSWORD
from tests.factories.matters import FormFieldFactory, MaterialFactory, VersionFactory

pytestmark = pytest.mark.django_db(transaction=True)

SERVICE = "城市建筑垃圾处置核准"


def _accepted(version, applicant, clerk) -> Case:
    """An application submitted online with its ID card and accepted by the hall."""
    case = services.case_create(
        version=version, actor=applicant, form_data={"applicant_name": applicant.name}
    )
    services.case_material_attach(
        case=case, actor=applicant, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    services.case_transition(case=case, action=Action.SUBMIT, actor=applicant)
    return services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)


@pytest.fixture
def queue():
    """Two accepted cases in the queue of 宜昌市住房和城乡建设局, and the department the
    misrouted one belongs to."""
    version = VersionFactory(
        name=SERVICE,
        implementation__matter__name=SERVICE,
        implementation__department__name="宜昌市住房和城乡建设局",
        implementation__matter__sector=Sector.HOUSING_CONSTRUCTION,
    )
    FormFieldFactory(version=version, key="applicant_name", label="申请人姓名", order=1)
    MaterialFactory(version=version, key="id_card", name="申请人身份证明")
    region = version.implementation.region
    clerk = MembershipFactory(role=Role.CLERK, organisation=DepartmentFactory(region=region)).user
    other = DepartmentFactory(region=region, name="宜昌市生态环境局")
    MembershipFactory(role=Role.REVIEWER, organisation=other)
    misrouted = _accepted(version, UserFactory(name="张三"), clerk)
    mine = _accepted(version, UserFactory(name="李四"), clerk)
    reviewer = MembershipFactory(
        role=Role.REVIEWER,
        organisation=version.implementation.department,
        user=UserFactory(name="赵敏"),
    ).user
    return reviewer, misrouted, mine, other


def test_a_reviewer_claims_hands_off_and_approves(journey, queue):
    page = journey.page
    reviewer, misrouted, mine, other = queue

    journey.sign_in(reviewer.id_number, PASSWORD)
    journey.open("/cases/queue/")
    expect(page.get_by_role("heading", name="待审批队列", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=misrouted.number)).to_be_visible()
    expect(page.get_by_role("link", name=mine.number)).to_be_visible()
    journey.step("queue")

    # Claims the first case, finds it is not the department's and hands it off
    page.get_by_role("link", name=misrouted.number).click()
    journey.step("case to claim")
    page.get_by_role("button", name="认领").click()
    expect(page.get_by_text("赵敏 (")).to_be_visible()
    hand_off = page.locator("form", has=page.get_by_role("heading", name="转办", exact=True))
    hand_off.get_by_label("部门").select_option(label=other.name)
    hand_off.get_by_label("转办理由").fill("申请事项涉及建筑垃圾运输污染防治，属贵局职责。")
    # The form in the middle of the window: the picture for the docs shows it.
    hand_off.evaluate("form => form.scrollIntoView({block: 'center'})")
    journey.step("hand off", docs="reviewer-hand-off")
    hand_off.get_by_role("button", name="转办").click()
    expect(page.get_by_role("heading", name="待审批队列", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=misrouted.number)).to_have_count(0)
    journey.step("queue after the hand-off")
    misrouted.refresh_from_db()
    assert (misrouted.department, misrouted.state) == (other, CaseState.ACCEPTED)

    # Claims the other and approves it: the decision and its number are shown
    page.get_by_role("link", name=mine.number).click()
    page.get_by_role("button", name="认领").click()
    approve = page.locator("form", has=page.get_by_role("heading", name="准予许可", exact=True))
    approve.get_by_label("备注（选填）").fill("材料齐全，符合条件。")
    approve.get_by_role("button", name="准予许可").click()
    mine.refresh_from_db()
    assert mine.state == CaseState.APPROVED
    assert mine.claimed_by == reviewer
    assert mine.decision_number
    expect(page.locator(".page-header .badge").first).to_have_text("准予许可")
    expect(page.get_by_text(mine.decision_number).first).to_be_visible()
    expect(page.get_by_role("link", name="决定书（PDF）")).to_be_visible()
    journey.step("approved with its decision", docs="reviewer-approved")
