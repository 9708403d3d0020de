"""A clerk at the 帮办代办 window calls the next ticket, takes in an application for 王奶奶 on
her paper authorisation and accepts it with a material to follow (容缺受理)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.constants import CaseState, Channel
from cases.models import Case
from identity.constants import AuthorisationBasis, Sector
from identity.models import User
from tests.factories import id_number
from tests.factories.identity import PASSWORD
from tests.windows.conftest import clerk_of, make_hall
from tests.windows.counter_setup import service
from windows import services as window_services
from windows.constants import Queue, TicketChannel, TicketState
from windows.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
GRANDMA_ID = id_number(7, region="420502", born="19450312")
GRANDMA_NAME = "王秀兰"  # 王奶奶


@pytest.fixture
def hall():
    """宜昌市民之家 with its 帮办代办 window (number 9), a service of its region with a
    tolerable material, and 王奶奶's ticket for assisted applications from the kiosk."""
    hall = make_hall()
    service(
        hall,
        name="城乡居民养老保险待遇申领",
        implementation__matter__name="城乡居民养老保险待遇申领",
        implementation__department__name="宜昌市人力资源和社会保障局",
        implementation__matter__sector=Sector.HUMAN_RESOURCES,
    )
    window_services.ticket_issue(
        hall=hall, category=Queue.ASSISTED, channel=TicketChannel.KIOSK, priority=True
    )
    return hall


def test_a_clerk_calls_a_ticket_and_accepts_an_assisted_application_with_a_tolerance(
    journey, hall, tmp_path
):
    page = journey.page
    clerk = clerk_of(hall)
    User.objects.filter(pk=clerk.pk).update(name="刘芳")
    scan = tmp_path / "授权委托书.pdf"
    scan.write_bytes(PDF)
    id_card = tmp_path / "身份证.pdf"
    id_card.write_bytes(PDF)

    # Signs in, then to the 帮办代办 window
    journey.sign_in(clerk.id_number, PASSWORD)
    journey.open("/hall/window/")
    window = hall.windows.get(number="9")
    page.locator("#id_window").select_option(value=str(window.pk))
    page.get_by_role("button", name="登录此窗口").click()
    page.get_by_role("link", name="打开工作台").click()
    expect(page.get_by_role("heading", name="窗口工作台", level=1)).to_be_visible()
    journey.step("workbench")

    # Calls the next ticket: 王奶奶's, and starts serving her
    page.get_by_role("button", name="叫下一号").click()
    ticket = Ticket.objects.get(hall=hall)
    expect(page.locator(".ticket-now")).to_contain_text(ticket.code)
    journey.step("ticket called")
    page.get_by_role("button", name="开始办理").click()
    expect(page.locator(".ticket-now")).to_contain_text(ticket.code)

    # Finds her by her ID card: she has no account yet, so the name on the card registers her
    page.locator("#id_id_number").fill(GRANDMA_ID)
    page.locator("#id_name").fill(GRANDMA_NAME)
    page.get_by_role("button", name="查找办事人").click()
    person = page.locator("#person")
    expect(person.get_by_text(GRANDMA_NAME, exact=True)).to_be_visible()
    journey.step("person at the window")

    # Opens an application for her on her signed paper authorisation (帮办代办)
    page.locator("#id_service").select_option(index=1)
    page.get_by_label("书面授权：已签字的授权委托书（帮办代办）").check()
    page.locator("#id_evidence").set_input_files(scan)
    journey.step("assisted intake")
    page.get_by_role("button", name="开始申请").click()

    # Writes it with her: the answer, the ID card scanned; the tax certificate may follow
    page.locator("#id_applicant_name").fill(GRANDMA_NAME)
    row = page.locator("#material-id_card")
    row.locator("input[type=file]").set_input_files(id_card)
    row.get_by_role("button", name="上传").click()
    expect(page.locator("#material-id_card").get_by_text("已上传")).to_be_visible()
    page.locator("#id_applicant_name").fill(GRANDMA_NAME)
    journey.step("counter application")
    page.get_by_role("button", name="检查并提交").click()

    # Accepts it with 容缺: the tax certificate to be supplied within a week
    supply_by = timezone.localdate() + timedelta(days=7)
    accept = page.locator("#accept")
    accept.get_by_label("完税证明").check()
    accept.locator("#id_deferred_until").fill(supply_by.isoformat())
    journey.step("acceptance with tolerance", docs="clerk-accept-tolerance")
    accept.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator(".lead .badge")).to_have_text("已受理")
    journey.step("accepted")

    grandma = User.objects.get(id_number=GRANDMA_ID)
    case = Case.objects.get(applicant=grandma)
    assert grandma.name == GRANDMA_NAME
    assert (case.state, case.channel, case.agent) == (CaseState.ACCEPTED, Channel.COUNTER, clerk)
    authorisation = case.authorisation
    assert (authorisation.basis, authorisation.principal, authorisation.agent) == (
        AuthorisationBasis.PAPER,
        grandma,
        clerk,
    )
    with authorisation.evidence.open("rb") as evidence:
        assert evidence.read() == PDF
    assert case.deferred_materials == ["tax_proof"]
    assert case.deferred_until == supply_by
    assert list(case.materials.values_list("material_key", flat=True)) == ["id_card"]

    # and finishes with the ticket
    journey.open("/hall/workbench/")
    page.get_by_role("button", name="完成").click()
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DONE
