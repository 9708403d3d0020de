"""免提交 in the API and in 一件事 bundles: the case detail says for each certificate material
whether an e-certificate stands in for it, or why not; a bundle's services reuse the
applicant's certificates as single applications do."""

import pytest
from django.utils import timezone

from cases import bundles
from cases.models import Case
from certificates import services
from certificates.models import CertificateUse
from tests.cases.conftest import pdf_file
from tests.factories.matters import (
    BundleFactory,
    BundleItemFactory,
    FormFieldFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def _apply(api_client, **body):
    response = api_client.post(CASES, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_api_says_which_certificate_will_stand_in_for_a_material(
    api_client, residence_service, residence, citizen
):
    api_client.force_authenticate(citizen)

    body = _apply(api_client, matter=residence_service.implementation.code)

    [row] = body["certificate_materials"]
    assert row == {
        "material": "residence_permit",
        "name": "居住证",
        "reused": True,
        "recorded": False,
        "verified": True,
        "certificate": residence.identifier,
        "standing": "valid",
        "reason": "",
    }


def test_the_api_says_why_a_revoked_certificate_was_not_reused(
    api_client, residence_service, residence, manager, citizen
):
    services.certificate_revoke(certificate=residence, actor=manager, reason="居住地已变更")
    api_client.force_authenticate(citizen)

    body = _apply(api_client, matter=residence_service.implementation.code, submit=True)

    [row] = body["certificate_materials"]
    assert (row["reused"], row["recorded"], row["certificate"]) == (
        False,
        False,
        residence.identifier,
    )
    residence.refresh_from_db()
    revoked_on = timezone.localtime(residence.revoked_at).strftime("%Y-%m-%d")
    assert row["reason"] == f"您的电子证照居住证已于{revoked_on}注销，不能用于本次申请。"
    assert not CertificateUse.objects.exists()


def test_the_api_says_when_the_applicant_holds_no_such_certificate(
    api_client, residence_service, citizen
):
    api_client.force_authenticate(citizen)

    body = _apply(api_client, matter=residence_service.implementation.code)

    [row] = body["certificate_materials"]
    assert (row["reused"], row["certificate"]) == (False, None)
    assert row["reason"]


@pytest.fixture
def moving(residence_service):
    """A bundle whose second service asks for the 居住证 from the certificate library."""
    first = VersionFactory(name="迁入登记")
    FormFieldFactory(version=first, key="new_address", label="新地址", order=1)
    bundle = BundleFactory(code="moving", name="迁居一件事")
    for order, version in enumerate((first, residence_service)):
        BundleItemFactory(bundle=bundle, implementation=version.implementation, order=order)
    return bundle


def test_a_bundle_reuses_the_certificate_for_the_service_that_asks_for_it(
    api_client, moving, residence_service, residence, citizen
):
    api_client.force_authenticate(citizen)

    draft = _apply(api_client, bundle="moving", form={"new_address": "西陵区1号"})
    assert [row["material"] for row in draft["certificate_materials"]] == ["residence_permit"]
    assert draft["certificate_materials"][0]["reused"] is True

    submitted = api_client.post(
        f"{CASES}{draft['number']}/transitions/", {"action": "submit"}, format="json"
    )

    assert submitted.status_code == 200, submitted.json()
    child = Case.objects.get(parent__number=draft["number"], version=residence_service)
    use = CertificateUse.objects.get()
    assert (use.case_reference, use.material_key, use.certificate) == (
        child.number,
        "residence_permit",
        residence,
    )
    child_body = api_client.get(f"{CASES}{child.number}/").json()
    assert child_body["certificate_materials"][0]["recorded"] is True


def test_the_bundle_page_shows_the_certificate_that_will_be_reused(
    client, moving, residence, citizen, english
):
    parent = bundles.bundle_case_create(bundle_code="moving", actor=citizen, form_data={})
    client.force_login(citizen)

    page = client.get(f"/cases/{parent.number}/bundle/edit/").content.decode()

    assert residence.identifier in page
    assert "will be used when the application is submitted" in page


def test_a_bundle_without_a_valid_certificate_asks_for_a_copy(
    client, moving, residence, manager, citizen, english
):
    services.certificate_revoke(certificate=residence, actor=manager, reason="居住地已变更")
    parent = bundles.bundle_case_create(bundle_code="moving", actor=citizen, form_data={})
    bundles.bundle_material_attach(
        case=parent,
        actor=citizen,
        material_key="residence_permit",
        file=pdf_file(),
        name="居住证.pdf",
    )
    client.force_login(citizen)

    page = client.get(f"/cases/{parent.number}/bundle/edit/").content.decode()

    assert "Not reused" in page
    assert "was revoked on" in page
