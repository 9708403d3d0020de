"""Applying for a 一件事 bundle in the browser: one merged form, one set of materials, one
submission that reaches every department."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import bundles
from cases.constants import CaseState, Channel
from cases.models import Case, CaseEvent, CaseMaterial
from matters.constants import FieldType
from matters.models import ImplementationVersion
from tests.cases.conftest import PDF
from tests.factories import UserFactory
from tests.factories.matters import (
    BundleFactory,
    BundleItemFactory,
    FormFieldFactory,
    MaterialFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
START = "/cases/apply-bundle/birth/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Birth:
    """出生一件事: two services of two departments; both ask the applicant's name and the
    ID card, the second also the child's name and the birth certificate."""

    bundle: object
    registration: ImplementationVersion
    insurance: ImplementationVersion


@pytest.fixture
def birth() -> Birth:
    registration = VersionFactory(name="出生医学证明登记")
    FormFieldFactory(version=registration, key="applicant_name", label="申请人姓名", order=1)
    FormFieldFactory(
        version=registration,
        key="contact_phone",
        label="联系电话",
        field_type=FieldType.PHONE,
        required=False,
        order=2,
    )
    MaterialFactory(version=registration, key="id_card", name="身份证")
    insurance = VersionFactory(name="城乡居民医保参保登记")
    FormFieldFactory(version=insurance, key="applicant_name", label="监护人姓名", order=1)
    FormFieldFactory(version=insurance, key="child_name", label="新生儿姓名", order=2)
    MaterialFactory(version=insurance, key="id_card", name="监护人身份证")
    MaterialFactory(version=insurance, key="birth_certificate", name="出生医学证明")
    bundle = BundleFactory(code="birth", name="出生一件事")
    for order, version in enumerate((registration, insurance)):
        BundleItemFactory(bundle=bundle, implementation=version.implementation, order=order)
    return Birth(bundle, registration, insurance)


def _token(client) -> str:
    return client.get(START).context["form"]["token"].value()


def _start(client) -> Case:
    response = client.post(START, {"applying_as": "self", "token": _token(client)})
    assert response.status_code == 302
    return Case.objects.get(number=response.url.split("/")[-4])


def _draft(applicant, **form_data) -> Case:
    return bundles.bundle_case_create(bundle_code="birth", actor=applicant, form_data=form_data)


def _edit_url(case) -> str:
    return f"/cases/{case.number}/bundle/edit/"


def _upload(client, case, material="id_card", data=PDF, name="身份证.pdf"):
    return client.post(
        f"/cases/{case.number}/bundle/materials/upload/",
        {"material": material, "file": SimpleUploadedFile(name, data)},
    )


# --- The journey -----------------------------------------------------------------------------


def test_a_citizen_applies_for_a_bundle_from_the_event_page_to_every_department(
    client, english, birth, citizen
):
    # Given a signed-in citizen on the page of a published event
    client.force_login(citizen)
    event = client.get("/services/bundles/birth/")
    assert f'<a class="button primary" href="{START}">Apply for this event</a>' in (
        event.content.decode()
    )

    # When they start, save the shared answer, upload each material once and submit
    parent = _start(client)
    saved = client.post(_edit_url(parent), {"action": "save", "applicant_name": "张三"})
    uploads = [
        _upload(client, parent, "id_card"),
        _upload(client, parent, "birth_certificate", name="出生证明.pdf"),
    ]
    submitted = client.post(
        _edit_url(parent),
        {"action": "submit", "applicant_name": "张三", "child_name": "张小宝"},
    )
    page = client.get(f"/cases/{parent.number}/")

    # Then the shared answer went to both services, the shared file was uploaded once
    assert saved.status_code == 302
    assert saved.url == _edit_url(parent)
    assert [response.status_code for response in uploads] == [302, 302]
    assert uploads[0].url == f"{_edit_url(parent)}#material-id_card"
    assert submitted.status_code == 302
    assert submitted.url == f"/cases/{parent.number}/"
    parent.refresh_from_db()
    children = list(parent.children.order_by("pk"))
    assert (parent.state, parent.channel, parent.bundle_id) == (
        CaseState.SUBMITTED,
        Channel.ONLINE,
        birth.bundle.pk,
    )
    assert [(c.version_id, c.state) for c in children] == [
        (birth.registration.pk, CaseState.SUBMITTED),
        (birth.insurance.pk, CaseState.SUBMITTED),
    ]
    assert [c.form_data for c in children] == [
        {"applicant_name": "张三"},
        {"applicant_name": "张三", "child_name": "张小宝"},
    ]
    assert sorted(
        CaseMaterial.objects.filter(case__in=children).values_list("case__number", "material_key")
    ) == sorted(
        [
            (children[0].number, "id_card"),
            (children[1].number, "id_card"),
            (children[1].number, "birth_certificate"),
        ]
    )
    # and the case page lists both services with their numbers, state and link
    html = page.content.decode()
    assert page.status_code == 200
    assert [row["case"].number for row in page.context["children"]] == [c.number for c in children]
    for child in children:
        assert f'<a href="/cases/{child.number}/">{child.number}</a>' in html
    assert "<td>出生医学证明登记</td>" in html
    assert "<td>城乡居民医保参保登记</td>" in html
    # and each child's page links back to the application
    child_page = client.get(f"/cases/{children[0].number}/").content.decode()
    assert (
        "This case is part of the combined application "
        f'<a href="/cases/{parent.number}/">{parent.number}</a>.'
    ) in child_page


def test_the_edit_page_asks_each_shared_question_and_material_once(client, birth, citizen):
    parent = _draft(citizen)
    client.force_login(citizen)

    response = client.get(_edit_url(parent))

    assert response.status_code == 200
    assert list(response.context["form"].fields) == [
        "applicant_name",
        "contact_phone",
        "child_name",
    ]
    assert [row["material"].key for row in response.context["materials"]] == [
        "id_card",
        "birth_certificate",
    ]


def test_everything_missing_is_listed_at_once(client, english, birth, citizen):
    parent = _draft(citizen)
    client.force_login(citizen)

    response = client.post(_edit_url(parent), {"action": "submit", "applicant_name": ""})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"applicant_name", "child_name"}
    assert [m.key for m in response.context["missing_materials"]] == [
        "id_card",
        "birth_certificate",
    ]
    html = response.content.decode()
    assert "The application is not complete yet. Everything still missing is listed below." in html
    assert "Please provide this material: 身份证." in html
    assert "Please provide this material: 出生医学证明." in html
    parent.refresh_from_db()
    assert parent.state == CaseState.DRAFT
    assert set(parent.children.values_list("state", flat=True)) == {CaseState.DRAFT}
    assert not CaseEvent.objects.exists()


def test_a_wrong_answer_is_explained_and_the_valid_ones_kept(client, english, birth, citizen):
    parent = _draft(citizen)
    client.force_login(citizen)

    response = client.post(
        _edit_url(parent),
        {"action": "save", "applicant_name": "张三", "contact_phone": "12345"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["contact_phone"]
    parent.refresh_from_db()
    assert parent.form_data == {"applicant_name": "张三"}


def test_a_double_clicked_start_button_creates_one_application(client, birth, citizen):
    client.force_login(citizen)
    token = _token(client)

    first = client.post(START, {"applying_as": "self", "token": token})
    second = client.post(START, {"applying_as": "self", "token": token})

    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Case.objects.filter(parent=None).count() == 1
    assert Case.objects.count() == 3


def test_a_start_without_a_valid_token_creates_nothing(client, english, birth, citizen):
    client.force_login(citizen)

    response = client.post(START, {"applying_as": "self", "token": "bad"})

    assert response.status_code == 200
    assert "This page has expired. Open the service guide and start again." in (
        response.content.decode()
    )
    assert not Case.objects.exists()


def test_an_unknown_or_unpublished_bundle_is_not_found(client, birth, citizen):
    client.force_login(citizen)
    birth.bundle.is_published = False
    birth.bundle.save()

    assert client.get(START).status_code == 404
    assert client.get("/cases/apply-bundle/nothing/").status_code == 404
    assert client.post(START, {"applying_as": "self", "token": "a" * 24}).status_code == 404
    assert not Case.objects.exists()


def test_a_stranger_finds_nothing(client, birth, citizen):
    parent = _draft(citizen, applicant_name="张三")
    client.force_login(UserFactory())

    page = client.get(_edit_url(parent))
    saved = client.post(_edit_url(parent), {"action": "save", "applicant_name": "李四"})
    uploaded = _upload(client, parent)

    assert (page.status_code, saved.status_code, uploaded.status_code) == (404, 404, 404)
    parent.refresh_from_db()
    assert parent.form_data == {"applicant_name": "张三"}
    assert not CaseMaterial.objects.exists()


def test_an_exe_renamed_pdf_is_refused_with_415_and_the_draft_is_intact(
    client, english, birth, citizen
):
    parent = _draft(citizen, applicant_name="张三")
    client.force_login(citizen)

    response = _upload(client, parent, data=EXE, name="身份证.pdf")

    assert response.status_code == 415
    assert response.context["materials"][0]["errors"] != []
    assert "身份证: " in response.content.decode()
    assert not CaseMaterial.objects.exists()
    parent.refresh_from_db()
    assert parent.form_data == {"applicant_name": "张三"}


def test_a_material_the_bundle_does_not_ask_for_is_refused(client, birth, citizen):
    parent = _draft(citizen)
    client.force_login(citizen)

    response = _upload(client, parent, material="passport")

    assert response.status_code == 400
    assert len(response.context["other_upload_errors"]) == 1
    assert not CaseMaterial.objects.exists()


def test_an_upload_without_a_file_is_a_400(client, birth, citizen):
    parent = _draft(citizen)
    client.force_login(citizen)

    response = client.post(
        f"/cases/{parent.number}/bundle/materials/upload/", {"material": "id_card"}
    )

    assert response.status_code == 400
    assert response.context["materials"][0]["errors"] != []
    assert not CaseMaterial.objects.exists()


def test_html_in_an_answer_is_shown_escaped(client, birth, citizen):
    parent = _draft(citizen, applicant_name="<script>alert(1)</script>")
    client.force_login(citizen)

    html = client.get(_edit_url(parent)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_single_service_edit_page_of_a_bundle_sends_to_the_bundle_page(client, birth, citizen):
    parent = _draft(citizen)
    client.force_login(citizen)

    response = client.get(f"/cases/{parent.number}/edit/")

    assert response.status_code == 302
    assert response.url == _edit_url(parent)


def test_a_submitted_bundle_opens_on_its_case_page(client, birth, citizen):
    parent = _draft(citizen)
    Case.objects.filter(pk=parent.pk).update(state=CaseState.SUBMITTED)
    client.force_login(citizen)

    page = client.get(_edit_url(parent))
    saved = client.post(_edit_url(parent), {"action": "save", "applicant_name": "李四"})

    assert (page.status_code, page.url) == (302, f"/cases/{parent.number}/")
    assert (saved.status_code, saved.url) == (302, f"/cases/{parent.number}/")
    parent.refresh_from_db()
    assert parent.form_data == {}


def test_a_single_service_case_is_not_a_bundle(client, version, citizen):
    case = Case.objects.create(
        number="420500-20250101-000001",
        version=version,
        department=version.implementation.department,
        region=version.implementation.region,
        applicant=citizen,
        created_by=citizen,
    )
    client.force_login(citizen)

    assert client.get(_edit_url(case)).status_code == 404


def test_the_event_page_offers_no_apply_button_when_a_service_is_missing(client, birth):
    BundleItemFactory(bundle=birth.bundle, order=5)

    html = client.get("/services/bundles/birth/").content.decode()

    assert START not in html


def test_the_bundle_application_page_needs_a_fixed_number_of_queries(
    client, birth, citizen, django_assert_num_queries
):
    parent = _draft(citizen, applicant_name="张三")
    bundles.bundle_material_attach(
        case=parent,
        actor=citizen,
        material_key="id_card",
        file=SimpleUploadedFile("a.pdf", PDF),
        name="a.pdf",
    )
    client.force_login(citizen)

    # Session, user, memberships (for roles), case with bundle, its files, the bundle,
    # its items, their versions, materials, questions, unread notices, session saved (3);
    # its services' cases with their questions and materials (pre-filled answers, shared
    # and certificate materials: none here, so no more).
    with django_assert_num_queries(17):
        response = client.get(_edit_url(parent))

    assert response.status_code == 200


def test_a_case_of_a_draft_bundle_is_edited_on_the_bundle_page(client, birth, citizen):
    parent = _draft(citizen)
    child = parent.children.first()
    client.force_login(citizen)

    response = client.get(f"/cases/{child.number}/edit/")

    assert response.status_code == 302
    assert response["Location"] == _edit_url(parent)
