"""免提交: an application's certificate material comes from the applicant's valid
e-certificate, recorded at submission, shown verified; an expired or revoked one is not used
and the applicant is told why (SPEC.md §7)."""

from datetime import date, timedelta

import pytest

from cases import reuse
from cases import services as case_services
from cases.constants import Action
from certificates import selectors, services
from certificates.constants import AuditAction
from certificates.models import CertificateUse
from identity.constants import Role
from identity.models import AuditEvent
from matters.constants import MaterialSource
from tests.cases.conftest import pdf_file
from tests.certificates.conftest import issue
from tests.factories import MembershipFactory, UserFactory
from tests.factories.matters import FormFieldFactory, MaterialFactory, VersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def food_licensing():
    """食品经营许可: asks for the 营业执照 (from the certificate library) and nothing else."""
    version = VersionFactory(implementation__matter__name="食品经营许可")
    FormFieldFactory(version=version, key="food_business_item", label="经营项目", order=1)
    MaterialFactory(
        version=version,
        key="business_license",
        name="营业执照",
        source=MaterialSource.CERTIFICATE,
        certificate_type="yyzz",
    )
    return version


def _draft(version, actor, organisation=None):
    return case_services.case_create(
        version=version,
        actor=actor,
        form_data={"food_business_item": "预包装食品销售"}
        if version.form_fields.filter(key="food_business_item").exists()
        else {},
        organisation=organisation,
    )


def test_submitting_records_the_organisations_valid_licence_for_the_material(
    food_licensing, licence, enterprise, representative
):
    case = _draft(food_licensing, representative, organisation=enterprise)

    case_services.case_transition(case=case, action=Action.SUBMIT, actor=representative)

    use = CertificateUse.objects.get()
    assert (use.case_reference, use.material_key, use.certificate) == (
        case.number,
        "business_license",
        licence,
    )
    assert (use.used_by, use.purpose) == (representative, "食品经营许可")
    assert reuse.reused_material_count(case) == 1
    assert selectors.reused_material_counts([case.number, "other"]) == {case.number: 1}
    assert AuditEvent.objects.get(action=AuditAction.REUSE).detail == {
        "case": case.number,
        "material": "business_license",
    }


def test_the_draft_page_says_the_certificate_will_be_used_and_needs_no_upload(
    client, food_licensing, licence, enterprise, representative
):
    case = _draft(food_licensing, representative, organisation=enterprise)
    client.force_login(representative)

    html = client.get(f"/cases/{case.number}/edit/").content.decode()

    assert licence.identifier in html
    assert "badge success" in html
    assert 'name="file"' not in html
    assert not CertificateUse.objects.exists()  # a page view records nothing


def test_the_reviewer_sees_the_reused_material_verified_on_the_case_page(
    client, food_licensing, licence, enterprise, representative
):
    reviewer = MembershipFactory(
        role=Role.REVIEWER, organisation=food_licensing.implementation.department
    ).user
    case = _draft(food_licensing, representative, organisation=enterprise)
    case_services.case_transition(case=case, action=Action.SUBMIT, actor=representative)
    client.force_login(reviewer)

    response = client.get(f"/cases/{case.number}/")
    html = response.content.decode()

    assert response.status_code == 200
    assert licence.identifier in html
    assert '<span class="badge success">' in html.split('id="materials-title"')[1]


def test_a_revoked_licence_is_not_reused_and_the_applicant_is_told_why(
    client, food_licensing, licence, enterprise, representative, manager
):
    services.certificate_revoke(certificate=licence, actor=manager, reason="吊销")
    licence.refresh_from_db()
    case = _draft(food_licensing, representative, organisation=enterprise)
    client.force_login(representative)

    html = client.get(f"/cases/{case.number}/edit/").content.decode()
    case_services.case_transition(case=case, action=Action.SUBMIT, actor=representative)

    assert "badge warning" in html
    status = selectors.reuse_preview(
        materials=[("business_license", "yyzz")],
        applicant=representative,
        organisation=enterprise,
    )["business_license"]
    assert not status.reused
    assert licence.revoked_at.astimezone().strftime("%Y-%m-%d") in str(status.reason)
    assert str(status.reason) in html
    assert not CertificateUse.objects.exists()
    assert reuse.reused_material_count(case) == 0


def test_with_no_certificate_to_reuse_the_applicant_may_upload_a_copy_instead(
    client, food_licensing, licence, enterprise, representative, manager
):
    services.certificate_revoke(certificate=licence, actor=manager, reason="吊销")
    case = _draft(food_licensing, representative, organisation=enterprise)
    client.force_login(representative)

    page = client.get(f"/cases/{case.number}/edit/").content.decode()
    sent = client.post(
        f"/cases/{case.number}/materials/upload/",
        {"material": "business_license", "file": pdf_file()},
    )
    again = client.get(f"/cases/{case.number}/edit/").content.decode()

    assert 'name="material" value="business_license"' in page
    assert 'id="copy-business_license"' in page
    assert sent.status_code == 302
    assert case.materials.get().material_key == "business_license"
    assert f"/cases/{case.number}/materials/business_license/" in again
    assert not CertificateUse.objects.exists()


def test_a_reused_certificate_offers_no_upload(
    client, food_licensing, licence, enterprise, representative
):
    case = _draft(food_licensing, representative, organisation=enterprise)
    client.force_login(representative)

    page = client.get(f"/cases/{case.number}/edit/").content.decode()

    assert 'name="material" value="business_license"' not in page
    assert 'id="copy-business_license"' not in page


def test_an_expired_certificate_is_not_reused(
    residence_service, residence_type, citizen, department
):
    issue(
        residence_type,
        issuer=department,
        holder_user=citizen,
        issued_on=date.today() - timedelta(days=400),
    )
    case = _draft(residence_service, citizen)

    case_services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)

    status = selectors.reuse_for_case(
        case_reference=case.number,
        submitted=True,
        materials=reuse.certificate_materials(case),
        applicant=citizen,
        organisation=None,
    )["residence_permit"]
    assert (status.reused, status.recorded) == (False, False)
    assert "expired" in str(status.reason) or "过期" in str(status.reason)
    assert not CertificateUse.objects.exists()


def test_a_person_with_no_certificate_is_told_so(residence_service, citizen):
    case = _draft(residence_service, citizen)

    status = selectors.reuse_for_case(
        case_reference=case.number,
        submitted=False,
        materials=reuse.certificate_materials(case),
        applicant=citizen,
        organisation=None,
    )["residence_permit"]

    assert (status.reused, status.certificate) == (False, None)
    assert status.reason


def test_another_persons_certificate_is_never_used(residence_service, residence):
    someone_else = UserFactory()
    case = _draft(residence_service, someone_else)

    case_services.case_transition(case=case, action=Action.SUBMIT, actor=someone_else)

    assert not CertificateUse.objects.exists()


def test_a_resubmission_drops_a_use_whose_certificate_was_revoked_meanwhile(
    residence_service, residence, citizen, manager
):
    case = _draft(residence_service, citizen)
    case_services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)
    assert CertificateUse.objects.count() == 1
    services.certificate_revoke(certificate=residence, actor=manager, reason="注销")

    uses = services.certificate_reuse_record(
        case_reference=case.number,
        materials=reuse.certificate_materials(case),
        applicant=citizen,
        organisation=None,
        used_by=citizen,
        purpose="居住登记",
    )

    assert uses == {}
    assert not CertificateUse.objects.exists()


def test_a_use_recorded_at_submission_shows_a_later_revocation_to_the_reviewer(
    residence_service, residence, citizen, manager
):
    case = _draft(residence_service, citizen)
    case_services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)
    services.certificate_revoke(certificate=residence, actor=manager, reason="注销")

    row = selectors.reuse_for_case(
        case_reference=case.number,
        submitted=True,
        materials=reuse.certificate_materials(case),
        applicant=citizen,
        organisation=None,
    )["residence_permit"]

    assert (row.reused, row.recorded, row.verified, row.standing) == (
        True,
        True,
        False,
        "revoked",
    )
