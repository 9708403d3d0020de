"""A supervisor sees the KPI dashboard, the deadline cards (督办红黄牌) and an overdue case
behind its red card."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from cases.constants import Action
from cases.models import Case
from identity.constants import Role
from supervision import sweep
from supervision.constants import CardColour
from supervision.models import Card
from tests.cases.conftest import pdf_file
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.factories.identity import PASSWORD
from tests.factories.matters import FormFieldFactory, MaterialFactory, VersionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _accepted(version, clerk, *, days_ago: int) -> Case:
    """An application submitted online and accepted by the hall `days_ago` days ago."""
    applicant = UserFactory()
    case = services.case_create(
        version=version, actor=applicant, form_data={"applicant_name": applicant.name}
    )
    services.case_material_attach(
        case=case, actor=applicant, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    services.case_transition(case=case, action=Action.SUBMIT, actor=applicant)
    today = timezone.localdate() - timedelta(days=days_ago)
    return services.case_transition(case=case, action=Action.ACCEPT, actor=clerk, today=today)


@pytest.fixture
def overdue():
    """Of two cases of 宜昌市市场监督管理局, one is weeks past its promised deadline, one is
    approved on time; the nightly sweep has raised the cards."""
    version = VersionFactory(
        name="食品经营许可",
        implementation__matter__name="食品经营许可",
        implementation__department__name="宜昌市市场监督管理局",
        promised_limit_days=5,
    )
    FormFieldFactory(version=version, key="applicant_name", label="申请人姓名")
    MaterialFactory(version=version, key="id_card", name="申请人身份证明")
    region = version.implementation.region
    clerk = MembershipFactory(role=Role.CLERK, organisation=DepartmentFactory(region=region)).user
    reviewer = MembershipFactory(
        role=Role.REVIEWER, organisation=version.implementation.department
    ).user
    late = _accepted(version, clerk, days_ago=21)
    services.case_transition(case=late, action=Action.CLAIM, actor=reviewer)
    on_time = _accepted(version, clerk, days_ago=0)
    for action in (Action.CLAIM, Action.APPROVE):
        services.case_transition(case=on_time, action=action, actor=reviewer)
    sweep.sweep_deadlines()
    return late


@pytest.fixture
def supervisor():
    office = DepartmentFactory(name="宜昌市人民政府督查室")
    return MembershipFactory(
        role=Role.SUPERVISOR, organisation=office, user=UserFactory(name="周督查")
    ).user


def test_a_supervisor_sees_the_dashboard_and_the_red_card_of_an_overdue_case(
    journey, overdue, supervisor
):
    page = journey.page
    assert Card.objects.filter(case=overdue, colour=CardColour.RED, closed_at=None).exists()

    # The KPI dashboard: the reform targets and the open cards, from the live data
    journey.sign_in(supervisor.id_number, PASSWORD)
    journey.open("/supervision/")
    expect(page.get_by_role("heading", name="电子监察", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="改革目标")).to_be_visible()
    cards = page.locator("section", has=page.get_by_role("heading", name="时限红黄牌"))
    # The yellow card raised before the deadline stays open beside the red one.
    expect(cards.get_by_text("当前未关闭：黄牌1张，红牌1张。")).to_be_visible()
    expect(cards.get_by_role("row", name="宜昌市市场监督管理局")).to_be_visible()
    journey.step("dashboard", docs="supervision-dashboard")

    # The card list, filtered to red cards, and the case behind the card
    cards.get_by_role("link", name="全部红黄牌").click()
    expect(page.get_by_role("heading", name="时限红黄牌", level=1)).to_be_visible()
    page.get_by_label("颜色").select_option(CardColour.RED)
    page.get_by_role("button", name="筛选").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=overdue.number))
    expect(row.get_by_text("红牌")).to_be_visible()
    expect(row.get_by_text("宜昌市市场监督管理局")).to_be_visible()
    journey.step("red cards")
    row.get_by_role("link", name=overdue.number).click()
    section = page.locator("section", has=page.get_by_role("heading", name="时限红黄牌"))
    expect(section.get_by_text("红牌")).to_be_visible()
    journey.step("overdue case with its card")
