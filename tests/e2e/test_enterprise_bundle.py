"""An enterprise's legal representative applies for 开办企业一件事: one merged form and one set of
materials for the services of several departments, submitted at once."""

import pytest
from playwright.sync_api import expect

from cases.constants import CaseState
from cases.models import Case
from identity.constants import Role, Sector
from matters.constants import Audience
from tests.factories import EnterpriseFactory, MembershipFactory, RegionFactory, UserFactory
from tests.factories.identity import PASSWORD
from tests.factories.matters import (
    BundleFactory,
    BundleItemFactory,
    FormFieldFactory,
    MaterialFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Each service of the event, its department (and line of government) and its own material.
SERVICES = (
    ("企业设立登记", "宜昌市市场监督管理局", Sector.MARKET_REGULATION, "articles", "公司章程"),
    ("公章刻制备案", "宜昌市公安局", Sector.PUBLIC_SECURITY, "seal_form", "印章刻制申请表"),
    (
        "单位参保登记",
        "宜昌市人力资源和社会保障局",
        Sector.HUMAN_RESOURCES,
        "staff_list",
        "参保职工名册",
    ),
)


@pytest.fixture
def event():
    """开办企业一件事 of one city: every service asks the company's name; each has a material
    of its own and all ask the legal representative's ID card."""
    region = RegionFactory()
    bundle = BundleFactory(
        code="kaiban-qiye", name="开办企业一件事", audience=Audience.LEGAL_PERSON
    )
    for order, (name, department, sector, key, material) in enumerate(SERVICES):
        version = VersionFactory(
            name=name,
            implementation__department__name=department,
            implementation__matter__name=name,
            implementation__matter__sector=sector,
            implementation__matter__audience=Audience.LEGAL_PERSON,
            implementation__region=region,
        )
        FormFieldFactory(version=version, key="company_name", label="企业名称", order=1)
        MaterialFactory(version=version, key="legal_rep_id", name="法定代表人身份证")
        MaterialFactory(version=version, key=key, name=material)
        BundleItemFactory(bundle=bundle, implementation=version.implementation, order=order)
    return bundle


@pytest.fixture
def representative():
    """李明, legal representative of a newly named company."""
    user = UserFactory(name="李明")
    company = EnterpriseFactory(name="宜昌示例科技有限公司")
    MembershipFactory(user=user, organisation=company, role=Role.LEGAL_REPRESENTATIVE)
    return user


def test_a_legal_representative_applies_for_the_business_start_bundle(
    journey, event, representative, tmp_path
):
    page = journey.page

    # Signs in
    journey.sign_in(representative.id_number, PASSWORD)

    # Opens the event and starts an application for the company
    journey.open(f"/services/bundles/{event.code}/")
    expect(page.get_by_role("heading", name="开办企业一件事", level=1)).to_be_visible()
    journey.step("bundle page")
    page.get_by_role("link", name="申请办理本件事").first.click()
    page.get_by_label("为我所代表的单位办理").check()
    company = representative.memberships.get().organisation
    page.locator("#id_organisation").select_option(label=f"{company.name} ({company.credit_code})")
    journey.step("bundle start for the company")
    page.get_by_role("button", name="开始申请").click()

    # One merged form: the company's name is asked once for the three services
    expect(page.locator("#id_company_name")).to_have_count(1)
    journey.step("merged form")
    page.locator("#id_company_name").fill("宜昌示例科技有限公司")
    page.get_by_role("button", name="暂存").click()
    # Each material is uploaded once, the shared ID card included
    for key in ["legal_rep_id", *[service[3] for service in SERVICES]]:
        upload = tmp_path / f"{key}.pdf"
        upload.write_bytes(PDF)
        row = page.locator(f"#material-{key}")
        row.locator("input[type=file]").set_input_files(upload)
        row.get_by_role("button", name="上传").click()
        expect(page.locator(f"#material-{key}").get_by_text("已上传")).to_be_visible()
    journey.step("materials uploaded")
    page.get_by_role("button", name="检查并提交").click()

    # The parent case lists its three child cases, one per department
    parent = Case.objects.get(bundle=event)
    children_heading = page.get_by_role("heading", name="本申请包含的事项")
    expect(children_heading).to_be_visible()
    # The services in the middle of the window: the picture for the docs shows them.
    children_heading.evaluate("heading => heading.scrollIntoView({block: 'center'})")
    for child in parent.children.all():
        expect(page.get_by_role("link", name=child.number)).to_be_visible()
    journey.step(
        "parent case with its children",
        docs="enterprise-bundle-case",
    )
    assert parent.state == CaseState.SUBMITTED
    assert parent.organisation.name == "宜昌示例科技有限公司"
    children = list(parent.children.order_by("pk"))
    assert [c.version.name for c in children] == [s[0] for s in SERVICES]
    assert {c.state for c in children} == {CaseState.SUBMITTED}
    assert all(c.form_data == {"company_name": "宜昌示例科技有限公司"} for c in children)
    assert sorted(children[0].materials.values_list("material_key", flat=True)) == [
        "articles",
        "legal_rep_id",
    ]
