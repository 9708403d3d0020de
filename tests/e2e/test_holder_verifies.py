"""A holder finds a certificate in 我的证照, downloads its PDF, and anyone can verify it on
the public /verify/{code} page."""

import pytest
from playwright.sync_api import expect

from certificates import identifiers, services
from tests.certificates.conftest import issue, make_type
from tests.factories import DepartmentFactory, UserFactory
from tests.factories.identity import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# What a 居住证 certifies; a verifier sees only the public fields.
RESIDENCE_FIELDS = [
    {"key": "applicant_name", "label": "姓名", "public": False},
    {"key": "residence_address", "label": "居住地址", "public": False},
    {"key": "residence_region", "label": "居住地", "public": True},
]


@pytest.fixture
def residence_permit():
    """张三's 居住证, issued and rendered to PDF (WeasyPrint) by the public security bureau."""
    holder = UserFactory(id_number="420502199003071234", name="张三")
    bureau = DepartmentFactory(name="宜昌市公安局")
    certificate = issue(
        make_type(
            "jzz",
            validity_years=1,
            one_per_holder=True,
            issuing_department=bureau,
            fields=RESIDENCE_FIELDS,
        ),
        issuer=bureau,
        holder_user=holder,
        data={
            "applicant_name": "张三",
            "residence_address": "宜昌市西陵区夷陵大道58号",
            "residence_region": "湖北省宜昌市西陵区",
        },
    )
    return services.certificate_render_pdf(certificate_id=certificate.pk)


def test_a_holder_downloads_a_certificate_and_a_visitor_verifies_it(journey, residence_permit):
    page = journey.page
    holder = residence_permit.holder_user

    # The holder opens 我的证照 and the certificate
    journey.sign_in(holder.id_number, PASSWORD)
    journey.open("/certificates/")
    expect(page.get_by_role("heading", name="我的证照", level=1)).to_be_visible()
    journey.step("wallet")
    page.get_by_role("link", name="居住证").click()
    expect(page.get_by_role("heading", name="居住证", level=1)).to_be_visible()
    short_code = identifiers.format_short_code(residence_permit.short_code)
    expect(page.get_by_text(short_code)).to_be_visible()
    journey.step("certificate", docs="holder-certificate")

    # Downloads the PDF: a real PDF file, named after the certificate
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF-")
    with residence_permit.pdf.open("rb") as stored:
        assert content == stored.read()

    # Signs out; anyone who scans the QR code printed on it sees that it is valid
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("link", name="登录").first).to_be_visible()
    journey.open(f"/verify/{residence_permit.verify_code}")
    expect(page.get_by_role("heading", name="电子证照核验", level=1)).to_be_visible()
    expect(page.locator(".lead .badge")).to_have_text("有效")
    expect(page.get_by_text("该电子证照有效，其数据与平台颁发时签名的数据一致。")).to_be_visible()
    # What the visitor may see, and not the holder's address
    expect(page.get_by_text("湖北省宜昌市西陵区")).to_be_visible()
    expect(page.get_by_text("宜昌市西陵区夷陵大道58号")).to_have_count(0)
    journey.step("public verification", docs="verify-valid", docs_widths=("desktop", "phone"))
