"""Issuing certificates: by the service and by approving a case; the PDF rendered on commit
with its Chinese text embedded (SPEC.md §7)."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from cases import services as case_services
from cases.constants import Action, CaseState
from certificates import identifiers, selectors, services
from certificates.constants import AuditAction, CertificateState, EventKind, Standing
from certificates.models import Certificate, CertificateEvent
from core.errors import ValidationFailed
from identity.constants import Role
from identity.models import AuditEvent
from tests.certificates.conftest import issue
from tests.factories import DepartmentFactory, EnterpriseFactory, MembershipFactory
from tests.factories.matters import FormFieldFactory, VersionFactory

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _embedded_fonts(content: bytes) -> set[str]:
    """The families of the page's fonts that are embedded (a subset named ABCDEF+Family)."""
    families = set()
    for ref in PdfReader(io.BytesIO(content)).pages[0]["/Resources"]["/Font"].values():
        font = ref.get_object()
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        if any(key.startswith("/FontFile") for key in descriptor):
            families.add(str(font["/BaseFont"]).split("+")[-1])
    return families


# --- The service ----------------------------------------------------------------------------


def test_a_certificate_gets_a_national_identifier_a_signature_and_its_validity(
    residence_type, citizen, department, manager
):
    certificate = issue(
        residence_type,
        issuer=department,
        holder_user=citizen,
        data={"applicant_name": "张三", "residence_address": "宜昌市", "unknown": "dropped"},
        issued_on=date(2024, 2, 29),
        actor=manager,
    )

    assert certificate.identifier == identifiers.build_identifier(
        type_code=residence_type.type_code,
        issuer_code=department.credit_code,
        serial="20240000001",
        version=1,
    )
    assert (certificate.holder_name, certificate.holder_code) == ("张三", citizen.id_number)
    assert certificate.issuer_name == department.name
    assert certificate.data == {"applicant_name": "张三", "residence_address": "宜昌市"}
    # One year from a 29 February is the 28th.
    assert certificate.valid_until == date(2025, 2, 28)
    assert selectors.signature_intact(certificate)
    assert [e.kind for e in certificate.events.all()] == [EventKind.ISSUED]
    audit = AuditEvent.objects.get(action=AuditAction.ISSUE)
    assert audit.detail["identifier"] == certificate.identifier
    assert audit.actor == manager


def test_serials_count_per_type_issuer_and_year(licence_type, residence_type, department):
    holders = [MembershipFactory(role=Role.HANDLER).organisation for _ in range(3)]
    other_issuer = DepartmentFactory()
    first = issue(licence_type, issuer=department, holder_organisation=holders[0])
    second = issue(licence_type, issuer=department, holder_organisation=holders[1])
    elsewhere = issue(licence_type, issuer=other_issuer, holder_organisation=holders[0])
    next_year = issue(
        licence_type, issuer=department, holder_organisation=holders[2], issued_on=date(2099, 1, 2)
    )

    year = date.today().year
    assert [first.serial, second.serial, elsewhere.serial] == [
        f"{year}0000001",
        f"{year}0000002",
        f"{year}0000001",
    ]
    assert next_year.serial == "20990000001"


def test_a_type_held_once_replaces_the_current_certificate_with_its_next_version(
    licence_type, enterprise, department, django_capture_on_commit_callbacks
):
    first = issue(licence_type, issuer=department, holder_organisation=enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        second = issue(
            licence_type,
            issuer=department,
            holder_organisation=enterprise,
            data={"company_name": "宜昌示例科技有限公司", "registered_address": "新住所"},
        )

    first.refresh_from_db()
    assert (second.serial, second.version, second.predecessor) == (first.serial, 2, first)
    assert second.identifier.split(".")[-2] == "002"
    assert first.state == CertificateState.REPLACED
    assert selectors.standing(first) == Standing.REPLACED
    assert [e.kind for e in first.events.all()] == [EventKind.ISSUED, EventKind.REPLACED]


def test_a_replacement_by_another_department_starts_its_own_serial(
    licence_type, enterprise, department
):
    # The enterprise moved: the district's regulator issues the licence that replaces the
    # city's. Its serial is the district's, so it never meets one the district issued itself.
    district = DepartmentFactory(name="宜昌市西陵区市场监督管理局")
    first = issue(licence_type, issuer=department, holder_organisation=enterprise)
    own = issue(licence_type, issuer=district, holder_organisation=EnterpriseFactory())

    moved = issue(licence_type, issuer=district, holder_organisation=enterprise)

    first.refresh_from_db()
    assert (moved.predecessor, first.state) == (first, CertificateState.REPLACED)
    assert (moved.issuer_code, moved.version) == (district.credit_code, 1)
    assert moved.serial != own.serial
    assert identifiers.identifier_is_valid(moved.identifier)
    assert selectors.signature_intact(moved)


def test_a_type_held_several_times_keeps_each_certificate(licence_type, enterprise, department):
    licence_type.one_per_holder = False
    licence_type.save()
    first = issue(licence_type, issuer=department, holder_organisation=enterprise)
    second = issue(licence_type, issuer=department, holder_organisation=enterprise)

    first.refresh_from_db()
    assert (first.state, second.version, second.serial != first.serial) == (
        CertificateState.ISSUED,
        1,
        True,
    )


def test_a_certificate_has_exactly_one_holder(licence_type, enterprise, citizen, department):
    with pytest.raises(ValidationFailed) as both:
        issue(licence_type, issuer=department, holder_user=citizen, holder_organisation=enterprise)
    with pytest.raises(ValidationFailed) as neither:
        issue(licence_type, issuer=department)

    assert both.value.field == neither.value.field == "holder"
    assert not Certificate.objects.exists()


def test_an_unknown_or_retired_type_is_refused(licence_type, enterprise, department):
    licence_type.is_active = False
    licence_type.save()

    with pytest.raises(ValidationFailed) as error:
        issue(licence_type, issuer=department, holder_organisation=enterprise)

    assert error.value.field == "type"
    assert not Certificate.objects.exists()


# --- The PDF --------------------------------------------------------------------------------


def test_the_pdf_is_rendered_on_commit_stored_hashed_and_signed(
    licence_type, enterprise, department, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(
            licence_type,
            issuer=department,
            holder_organisation=enterprise,
            data={"company_name": "宜昌示例科技有限公司", "business_scope": "软件开发；数据处理"},
        )
        # Nothing is rendered inside the transaction.
        assert not Certificate.objects.get(pk=certificate.pk).pdf_sha256

    certificate.refresh_from_db()
    content = certificate.pdf.read()
    assert content.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    assert selectors.pdf_intact(certificate) is True
    # The Chinese text can be extracted: the fonts are embedded with their Unicode maps.
    text = _pdf_text(content)
    for expected in ("营 业 执 照", "宜昌示例科技有限公司", "软件开发；数据处理", department.name):
        assert expected.replace(" ", "") in text.replace(" ", "")
    assert identifiers.format_short_code(certificate.short_code) in text
    # One CJK face, embedded: the PDF reads the same on a machine without the font.
    assert _embedded_fonts(content) == {"Noto-Sans-CJK-SC"}
    assert certificate.identifier in text.replace(" ", "").replace("\n", "")


def test_rendering_again_changes_nothing(licence):
    before = (licence.pdf.name, licence.pdf_sha256, licence.pdf_signature)

    again = services.certificate_render_pdf(certificate_id=licence.pk)

    assert (again.pdf.name, again.pdf_sha256, again.pdf_signature) == before
    assert AuditEvent.objects.filter(action=AuditAction.RENDER).count() == 1


# --- Approving a case -------------------------------------------------------------------------


@pytest.fixture
def licensing(department, licence_type):
    """A licensing service of the department whose approval issues 营业执照."""
    version = VersionFactory(
        implementation__department=department,
        implementation__region=department.region,
        result_certificate_type="yyzz",
    )
    FormFieldFactory(version=version, key="company_name", label="企业名称", order=1)
    return version


def _approved(version, applicant, reviewer, *, organisation=None, approve=True):
    asked = set(version.form_fields.values_list("key", flat=True))
    case = case_services.case_create(
        version=version,
        actor=applicant,
        form_data={"company_name": "宜昌新开科技有限公司"} if "company_name" in asked else {},
        organisation=organisation,
    )
    clerk = MembershipFactory(
        role=Role.CLERK, organisation=DepartmentFactory(region=version.implementation.region)
    ).user
    case_services.case_transition(case=case, action=Action.SUBMIT, actor=applicant)
    case_services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
    case_services.case_transition(case=case, action=Action.CLAIM, actor=reviewer)
    if approve:
        case_services.case_transition(case=case, action=Action.APPROVE, actor=reviewer)
    case.refresh_from_db()
    return case


def test_approving_a_case_issues_its_certificate_to_the_applicant(
    licensing, citizen, manager, department
):
    case = _approved(licensing, citizen, manager)

    certificate = Certificate.objects.get()
    assert case.state == CaseState.APPROVED
    assert certificate.source_reference == case.number
    assert (certificate.holder_user, certificate.holder_organisation) == (citizen, None)
    assert certificate.issuer == department
    assert certificate.data == {"company_name": "宜昌新开科技有限公司"}
    assert selectors.signature_intact(certificate)


def test_a_case_of_an_organisation_issues_the_certificate_to_the_organisation(
    licensing, enterprise, representative, manager
):
    case = _approved(licensing, representative, manager, organisation=enterprise)

    certificate = Certificate.objects.get()
    assert (certificate.holder_organisation, certificate.holder_user) == (enterprise, None)
    assert certificate.holder_code == enterprise.credit_code
    assert certificate.source_reference == case.number


def test_the_certificate_names_the_legal_representative_the_form_did_not_ask(
    licensing, licence_type, enterprise, representative, manager
):
    licence_type.fields = [
        *licence_type.fields,
        {"key": "legal_rep_name", "label": "法定代表人", "public": True},
    ]
    licence_type.save()

    case = _approved(licensing, representative, manager, organisation=enterprise)

    certificate = Certificate.objects.get(source_reference=case.number)
    assert certificate.data == {
        "company_name": "宜昌新开科技有限公司",  # the answer wins over the registered name
        "legal_rep_name": representative.name,
    }


def test_a_change_registration_issues_the_next_version_keeping_what_did_not_change(
    licensing, licence, enterprise, representative, manager
):
    # 企业变更登记 asks only for what changes (here the name): the new 营业执照 keeps the
    # address and business scope of the one it replaces.
    case = _approved(licensing, representative, manager, organisation=enterprise)

    new = Certificate.objects.get(source_reference=case.number)
    licence.refresh_from_db()
    assert (new.predecessor, new.version, licence.state) == (licence, 2, CertificateState.REPLACED)
    assert new.data == {
        "company_name": "宜昌新开科技有限公司",
        "registered_address": "宜昌市西陵区发展大道66号",
        "business_scope": "软件开发",
    }
    assert selectors.signature_intact(new)


def test_no_certificate_before_approval_nor_for_a_service_that_issues_none(
    licensing, citizen, manager, department
):
    _approved(licensing, citizen, manager, approve=False)
    plain = VersionFactory(
        implementation__department=department, implementation__region=department.region
    )
    _approved(plain, citizen, manager)

    assert not Certificate.objects.exists()


def test_a_refused_approval_issues_nothing(licensing, citizen, manager):
    case = _approved(licensing, citizen, manager, approve=False)

    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal: the applicant may not decide
        case_services.case_transition(case=case, action=Action.APPROVE, actor=citizen)

    assert not Certificate.objects.exists()
    assert not CertificateEvent.objects.exists()


def test_a_service_naming_an_unknown_type_is_approved_without_a_certificate_and_audited(
    department, citizen, manager
):
    version = VersionFactory(
        implementation__department=department,
        implementation__region=department.region,
        result_certificate_type="nosuchtype",
    )

    case = _approved(version, citizen, manager)

    assert case.state == CaseState.APPROVED
    assert not Certificate.objects.exists()
    skipped = AuditEvent.objects.get(action=AuditAction.ISSUE_SKIPPED)
    assert skipped.detail == {"number": case.number, "type": "nosuchtype"}
