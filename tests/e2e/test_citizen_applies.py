"""A citizen registers, finds a service, applies online with an upload and follows the case."""

import pytest
from playwright.sync_api import expect

from cases.constants import CaseState
from cases.models import Case
from cases.services import case_transition
from identity.constants import Role
from matters.constants import FieldType
from tests.factories import DepartmentFactory, MembershipFactory
from tests.factories.matters import (
    FormFieldFactory,
    ImplementationFactory,
    MaterialFactory,
    MatterFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ID_NUMBER = "420502199003071234"
PASSWORD = "Apply-Online-2026"


@pytest.fixture
def service():
    """A fully online service asking two questions and one uploaded material."""
    implementation = ImplementationFactory(matter=MatterFactory(name="不动产登记资料查询"))
    version = VersionFactory(
        implementation=implementation, name="不动产登记资料查询", promised_limit_days=5
    )
    FormFieldFactory(version=version, key="applicant_name", label="申请人姓名", order=1)
    FormFieldFactory(
        version=version,
        key="contact_phone",
        label="联系电话",
        field_type=FieldType.PHONE,
        order=2,
    )
    MaterialFactory(version=version, key="id_card", name="申请人身份证明")
    return version


def test_a_citizen_registers_applies_with_an_upload_and_answers_a_correction(
    journey, service, tmp_path
):
    page = journey.page
    upload = tmp_path / "身份证.pdf"
    upload.write_bytes(PDF)

    # Registers
    journey.open("/accounts/register/")
    journey.step("register form")
    page.locator("#id_id_number").fill(ID_NUMBER)
    page.locator("#id_name").fill("张三")
    page.locator("#id_phone").fill("13800000001")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()
    journey.step("registered")

    # Searches the catalogue by pinyin initials and opens the guide
    journey.open("/services/search/?q=bdc")
    journey.step("search results")
    page.get_by_role("link", name="不动产登记资料查询").first.click()
    journey.step("service guide")

    # Applies: a wrong phone number is explained in place, the valid answer kept
    page.get_by_role("link", name="在线办理").first.click()
    journey.step("apply start")
    page.get_by_role("button", name="开始申请").click()
    page.locator("#id_applicant_name").fill("张三")
    page.locator("#id_contact_phone").fill("12345")
    page.get_by_role("button", name="暂存").click()
    expect(page.locator("#id_contact_phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_applicant_name")).to_have_value("张三")
    journey.step("draft with an error in place")
    page.locator("#id_contact_phone").fill("13812345678")
    page.locator("input[type=file]").first.set_input_files(upload)
    page.get_by_role("button", name="上传").first.click()
    journey.step("material uploaded")
    page.locator("#id_contact_phone").fill("13812345678")
    page.get_by_role("button", name="检查并提交").click()
    journey.step("submitted")
    case = Case.objects.get(applicant__id_number=ID_NUMBER)
    assert case.state == CaseState.SUBMITTED
    assert case.form_data == {"applicant_name": "张三", "contact_phone": "13812345678"}
    assert case.materials.get().material_key == "id_card"

    # Sees it in My cases
    journey.open("/cases/")
    expect(page.get_by_role("link", name=case.number)).to_be_visible()
    journey.step("my cases")

    # The window asks for a correction; the citizen answers it and resubmits
    clerk = MembershipFactory(
        role=Role.CLERK, organisation=DepartmentFactory(region=case.region)
    ).user
    case_transition(
        case=case, action="request_correction", actor=clerk, comment="请填写本人常用手机号码。"
    )
    page.get_by_role("link", name=case.number).click()
    expect(page.get_by_role("alert").get_by_text("请填写本人常用手机号码。")).to_be_visible()
    journey.step("correction requested")
    page.get_by_role("link", name="修改并重新提交").click()
    page.locator("#id_contact_phone").fill("13900000000")
    page.get_by_role("button", name="检查并重新提交").click()
    journey.step("resubmitted")
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.form_data["contact_phone"] == "13900000000"

    # and finally withdraws it, giving a reason
    page.locator("#id_reason").fill("已通过其他渠道办理")
    page.locator("#id_confirm").check()
    page.get_by_role("button", name="撤回", exact=True).click()
    journey.step("withdrawn")
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN
