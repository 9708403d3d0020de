"""Applying in the browser: from the service guide to the receipt, and what bad input gets."""

import io
import re
from pathlib import PurePosixPath

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cases import services
from cases.constants import Action, CaseState, Channel
from cases.models import Case, CaseEvent, CaseMaterial
from cases.receipt import receipt_html
from identity.constants import Role
from matters.constants import OnlineDepth
from tests.cases.conftest import PDF, pdf_file
from tests.factories import (
    AuthorisationFactory,
    EnterpriseFactory,
    MembershipFactory,
    UserFactory,
)
from tests.factories.matters import MaterialFactory, VersionFactory

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _start_url(version) -> str:
    return f"/cases/apply/{version.implementation.code}/"


def _token(client, version) -> str:
    page = client.get(_start_url(version))
    return page.context["form"]["token"].value()


def _start(client, version, **data) -> Case:
    """Open the start page and press "Start the application"; the new draft."""
    response = client.post(
        _start_url(version), {"applying_as": "self", "token": _token(client, version), **data}
    )
    number = response.url.split("/")[-3]
    return Case.objects.get(number=number)


def _draft(version, applicant, **form_data) -> Case:
    return services.case_create(version=version, actor=applicant, form_data=form_data)


def _upload(client, case, data=PDF, name="身份证.pdf", material="id_card"):
    return client.post(
        f"/cases/{case.number}/materials/upload/",
        {"material": material, "file": SimpleUploadedFile(name, data)},
    )


def _submitted(version, applicant) -> Case:
    case = _draft(version, applicant, applicant_name="张三")
    services.case_material_attach(
        case=case, actor=applicant, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    return services.case_transition(case=case, action=Action.SUBMIT, actor=applicant)


# --- The journey -----------------------------------------------------------------------------


def test_a_citizen_applies_from_the_guide_to_the_receipt(client, english, version, citizen):
    # Given a signed-in citizen on the service guide of a fully online service
    client.force_login(citizen)
    guide = client.get(f"/services/{version.implementation.code}/")
    assert f'href="{_start_url(version)}"' in guide.content.decode()

    # When they start, save a draft with one wrong and one right answer, upload, submit
    case = _start(client, version)
    saved = client.post(
        f"/cases/{case.number}/edit/",
        {"action": "save", "applicant_name": "张三", "contact_phone": "12345"},
    )
    case.refresh_from_db()
    draft_form_data = case.form_data
    uploaded = _upload(client, case)
    submitted = client.post(
        f"/cases/{case.number}/edit/",
        {"action": "submit", "applicant_name": "张三", "contact_phone": "13812345678"},
    )
    receipt = client.get(f"/cases/{case.number}/receipt.pdf")

    # Then the wrong answer was explained in place and the right one kept
    assert saved.status_code == 200
    assert saved.context["form"].errors == {
        "contact_phone": [
            "Enter a mobile number such as 13812345678 or a landline number with its area "
            "code such as 0717-1234567."
        ]
    }
    assert draft_form_data == {"applicant_name": "张三"}
    assert uploaded.status_code == 302
    assert uploaded.url == f"/cases/{case.number}/edit/#material-id_card"
    # and the case was submitted, online, with both answers
    assert submitted.status_code == 302
    assert submitted.url == f"/cases/{case.number}/"
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.channel == Channel.ONLINE
    assert case.applicant == citizen
    assert case.form_data == {"applicant_name": "张三", "contact_phone": "13812345678"}
    assert list(case.events.values_list("action", flat=True)) == ["submit"]
    # and the receipt is a PDF made from a document naming the case
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt["Content-Disposition"] == f'inline; filename="receipt-{case.number}.pdf"'
    assert receipt["Cache-Control"] == "private, no-store"
    assert receipt.content.startswith(b"%PDF")


def test_the_receipt_shows_the_case_the_applicant_and_the_materials_received(version, citizen):
    case = _submitted(version, citizen)
    case = Case.objects.get(pk=case.pk)

    with translation.override("en"):
        html = receipt_html(case=case)

    assert "<h1>Submission receipt</h1>" in html
    assert f"<dd>{case.number}</dd>" in html
    assert f"<dd>{version.name}</dd>" in html
    assert f"<dd>{version.implementation.department.name}</dd>" in html
    assert "<dd>张三 (4205**********1234)</dd>" in html
    assert "420502199003071234" not in html
    assert "<td>身份证</td>" in html
    assert "<td>身份证.pdf</td>" in html
    assert "<dd>5 working days\n</dd>" in html
    assert "<dd>Counted from the day the application is accepted.</dd>" in html
    assert "http" not in html.split("</head>")[1]  # nothing to fetch, no QR code


def test_an_accepted_case_has_an_acceptance_receipt_with_its_deadline(version, citizen, clerk):
    case = _submitted(version, citizen)
    services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
    case = Case.objects.get(pk=case.pk)

    with translation.override("en"):
        html = receipt_html(case=case)

    assert "<h1>Acceptance receipt</h1>" in html
    assert f"<dt>Due by</dt><dd>{case.deadline:%Y-%m-%d}</dd>" in html


def test_a_draft_has_no_receipt(client, version, citizen):
    case = _draft(version, citizen)
    client.force_login(citizen)

    response = client.get(f"/cases/{case.number}/receipt.pdf")

    assert response.status_code == 404


def test_the_department_reviewer_may_download_the_receipt_of_a_submitted_case(
    client, version, citizen, reviewer
):
    case = _submitted(version, citizen)
    client.force_login(reviewer)

    response = client.get(f"/cases/{case.number}/receipt.pdf")

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


# --- The guide and the start page ------------------------------------------------------------


@pytest.mark.parametrize(
    ("depth", "offered"),
    [
        (OnlineDepth.DOWNLOAD, False),
        (OnlineDepth.PRE_CHECK, True),
        (OnlineDepth.FULLY_ONLINE, True),
    ],
)
def test_the_guide_offers_to_apply_online_from_level_three(client, depth, offered):
    version = VersionFactory(online_depth=depth)

    page = client.get(f"/services/{version.implementation.code}/")

    assert (f'href="{_start_url(version)}"' in page.content.decode()) is offered


def test_a_service_below_level_three_cannot_be_applied_for_online(client, english, citizen):
    version = VersionFactory(online_depth=OnlineDepth.DOWNLOAD)
    client.force_login(citizen)

    page = client.get(_start_url(version))
    posted = client.post(_start_url(version), {"applying_as": "self", "token": "t" * 32})

    assert page.status_code == 404
    assert "This service cannot be applied for online" in page.content.decode()
    assert posted.status_code == 404
    assert Case.objects.count() == 0


def test_an_unknown_service_is_not_found(client, citizen):
    client.force_login(citizen)

    assert client.get("/cases/apply/NO-SUCH-CODE/").status_code == 404


def test_a_double_clicked_start_button_creates_one_case(client, version, citizen):
    client.force_login(citizen)
    token = _token(client, version)

    first = client.post(_start_url(version), {"applying_as": "self", "token": token})
    second = client.post(_start_url(version), {"applying_as": "self", "token": token})

    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert first.url == second.url == f"/cases/{case.number}/edit/"
    assert case.created_by == citizen


def test_a_double_clicked_submit_button_submits_once(client, english, version, citizen):
    case = _draft(version, citizen)
    services.case_material_attach(
        case=case, actor=citizen, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    client.force_login(citizen)
    answers = {"action": "submit", "applicant_name": "张三", "contact_phone": ""}

    first = client.post(f"/cases/{case.number}/edit/", answers)
    second = client.post(f"/cases/{case.number}/edit/", answers)

    assert first.url == second.url == f"/cases/{case.number}/"
    assert list(case.events.values_list("action", flat=True)) == ["submit"]
    # The page after the second click says only what the first one did.
    assert [str(m) for m in get_messages(second.wsgi_request)] == [
        f"Your application {case.number} has been submitted. You can download the receipt "
        "from the case page."
    ]


def test_each_rendering_of_the_start_page_has_its_own_token(client, version, citizen):
    client.force_login(citizen)

    assert _token(client, version) != _token(client, version)


@pytest.mark.parametrize("token", ["", "short", "x" * 65, "<script>alert(1)</script>" * 2])
def test_a_missing_or_malformed_token_creates_nothing(client, english, version, citizen, token):
    client.force_login(citizen)

    response = client.post(_start_url(version), {"applying_as": "self", "token": token})

    assert response.status_code == 200
    assert "token" in response.context["form"].errors
    assert Case.objects.count() == 0


def test_the_start_page_offers_to_continue_a_draft(client, version, citizen):
    case = _draft(version, citizen)
    client.force_login(citizen)

    page = client.get(_start_url(version))

    assert page.context["drafts"] == [case]
    assert f'href="/cases/{case.number}/edit/"' in page.content.decode()


def test_an_agent_applies_on_behalf_of_the_person_who_authorised_them(
    client, english, version, citizen
):
    # Given a citizen who authorised an agent for all matters
    agent = UserFactory(name="李四")
    authorisation = AuthorisationFactory(principal=citizen, agent=agent)
    client.force_login(agent)

    # When the agent chooses to apply on the citizen's behalf
    page = client.get(_start_url(version))
    case = _start(
        client, version, applying_as="on_behalf", on_behalf_of=str(authorisation.public_id)
    )

    # Then the case is the citizen's, made by the agent with that authorisation
    assert "张三 (4205**********1234)" in page.content.decode()
    assert case.applicant == citizen
    assert case.agent == agent
    assert case.authorisation == authorisation
    assert case.created_by == agent
    # and both may open it
    assert client.get(f"/cases/{case.number}/edit/").status_code == 200
    client.force_login(citizen)
    assert client.get(f"/cases/{case.number}/edit/").status_code == 200


def test_an_authorisation_for_another_matter_is_not_offered_nor_accepted(
    client, english, version, citizen
):
    agent = UserFactory()
    authorisation = AuthorisationFactory(principal=citizen, agent=agent, matter_code="999999999999")
    client.force_login(agent)

    page = client.get(_start_url(version))
    response = client.post(
        _start_url(version),
        {
            "applying_as": "on_behalf",
            "on_behalf_of": str(authorisation.public_id),
            "token": _token(client, version),
        },
    )

    assert "张三" not in page.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "on_behalf_of": ["You have no valid authorisation from this person for this service."]
    }
    assert Case.objects.count() == 0


def test_a_member_applies_for_the_organisation_they_act_for(client, version, citizen):
    enterprise = EnterpriseFactory()
    MembershipFactory(user=citizen, organisation=enterprise, role=Role.HANDLER)
    client.force_login(citizen)

    case = _start(client, version, applying_as="organisation", organisation=enterprise.credit_code)

    assert case.organisation == enterprise
    assert case.applicant == citizen
    assert case.agent is None


def test_applying_for_an_organisation_one_does_not_act_for_is_refused_on_the_field(
    client, english, version, citizen
):
    mine = EnterpriseFactory()
    MembershipFactory(user=citizen, organisation=mine, role=Role.LEGAL_REPRESENTATIVE)
    other = EnterpriseFactory()
    client.force_login(citizen)

    response = client.post(
        _start_url(version),
        {
            "applying_as": "organisation",
            "organisation": other.credit_code,
            "token": _token(client, version),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "organisation": ["You do not act for this organisation."]
    }
    assert Case.objects.count() == 0


def test_a_person_acting_for_no_organisation_cannot_apply_for_one(
    client, english, version, citizen
):
    other = EnterpriseFactory()
    client.force_login(citizen)

    page = client.get(_start_url(version))
    response = client.post(
        _start_url(version),
        {
            "applying_as": "organisation",
            "organisation": other.credit_code,
            "token": _token(client, version),
        },
    )

    assert "You apply for yourself: 张三 (4205**********1234)." in page.content.decode()
    assert response.context["form"].errors == {
        "organisation": ["You do not act for this organisation."]
    }
    assert Case.objects.count() == 0


# --- The application page --------------------------------------------------------------------


def test_everything_missing_is_listed_at_once(client, english, version, citizen):
    # Given a draft with no answers and no files, and a second required material
    MaterialFactory(version=version, key="household_register", name="户口簿", order=2)
    case = _draft(version, citizen)
    client.force_login(citizen)

    # When the applicant checks and submits
    response = client.post(
        f"/cases/{case.number}/edit/",
        {"action": "submit", "applicant_name": "", "contact_phone": ""},
    )

    # Then the missing answer is on its question and both missing materials are listed on top
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "applicant_name": ["This question must be answered."]
    }
    assert [m.key for m in response.context["missing_materials"]] == [
        "id_card",
        "household_register",
    ]
    body = response.content.decode()
    assert "The application is not complete yet. Everything still missing is listed below." in (
        body
    )
    assert "Please provide this material: 身份证." in body
    assert "Please provide this material: 户口簿." in body
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT
    assert CaseEvent.objects.count() == 0


def test_a_wrong_answer_at_submission_is_listed_with_everything_else_and_not_sent(
    client, english, version, citizen
):
    case = _draft(version, citizen, contact_phone="13812345678")
    client.force_login(citizen)

    response = client.post(
        f"/cases/{case.number}/edit/",
        {"action": "submit", "applicant_name": "", "contact_phone": "12345"},
    )

    assert set(response.context["form"].errors) == {"applicant_name", "contact_phone"}
    assert [m.key for m in response.context["missing_materials"]] == ["id_card"]
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT
    assert case.form_data == {"contact_phone": "13812345678"}


def test_a_tolerable_material_has_its_badge(client, english, version, citizen):
    MaterialFactory(version=version, key="photo", name="照片", tolerable=True, order=3)
    case = _draft(version, citizen)
    client.force_login(citizen)

    page = client.get(f"/cases/{case.number}/edit/")

    row = re.search(r'<tr id="material-photo">.*?</tr>', page.content.decode(), re.S).group(0)
    assert "May be supplied later" in row


def test_a_case_asked_for_a_correction_is_corrected_and_resubmitted(
    client, english, version, citizen, clerk
):
    case = _submitted(version, citizen)
    services.case_transition(
        case=case, action=Action.REQUEST_CORRECTION, actor=clerk, comment="请补充联系电话"
    )
    client.force_login(citizen)

    page = client.get(f"/cases/{case.number}/edit/")
    response = client.post(
        f"/cases/{case.number}/edit/",
        {"action": "submit", "applicant_name": "张三", "contact_phone": "0717-1234567"},
    )

    assert "请补充联系电话" in page.content.decode()
    assert "Check and resubmit" in page.content.decode()
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.form_data["contact_phone"] == "0717-1234567"
    assert list(case.events.values_list("action", flat=True)) == [
        "submit",
        "request_correction",
        "resubmit",
    ]


def test_a_submitted_case_opens_on_its_case_page_and_cannot_be_changed(client, version, citizen):
    case = _submitted(version, citizen)
    client.force_login(citizen)

    page = client.get(f"/cases/{case.number}/edit/")
    posted = client.post(
        f"/cases/{case.number}/edit/", {"action": "save", "applicant_name": "王五"}
    )
    uploaded = _upload(client, case)

    assert page.status_code == 302
    assert page.url == f"/cases/{case.number}/"
    assert posted.url == f"/cases/{case.number}/"
    assert uploaded.url == f"/cases/{case.number}/"
    case.refresh_from_db()
    assert case.form_data == {"applicant_name": "张三"}
    assert CaseMaterial.objects.get().original_name == "身份证.pdf"


def test_questions_that_do_not_exist_are_ignored(client, version, citizen):
    case = _draft(version, citizen)
    client.force_login(citizen)

    response = client.post(
        f"/cases/{case.number}/edit/",
        {"action": "save", "applicant_name": "张三", "is_admin": "yes", "form.state": "accepted"},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.form_data == {"applicant_name": "张三"}
    assert case.state == CaseState.DRAFT


def test_html_in_an_answer_is_shown_escaped(client, version, citizen):
    case = _draft(version, citizen, applicant_name="<script>alert('x')</script>")
    client.force_login(citizen)

    page = client.get(f"/cases/{case.number}/edit/")
    receipt_source = receipt_html(case=Case.objects.get(pk=case.pk))

    body = page.content.decode()
    assert "<script>alert(" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "<script>alert(" not in receipt_source


def test_a_saved_draft_is_there_when_the_applicant_comes_back(client, version, citizen):
    case = _draft(version, citizen)
    client.force_login(citizen)
    client.post(f"/cases/{case.number}/edit/", {"action": "save", "applicant_name": "张三"})

    client.logout()
    client.force_login(citizen)
    page = client.get(f"/cases/{case.number}/edit/")

    assert page.context["form"]["applicant_name"].value() == "张三"
    assert 'value="张三"' in page.content.decode()


def test_the_application_page_needs_a_fixed_number_of_queries(
    client, version, citizen, django_assert_num_queries
):
    for n in range(5):
        MaterialFactory(version=version, key=f"extra_{n}", order=10 + n)
    case = _draft(version, citizen, applicant_name="张三")
    services.case_material_attach(
        case=case, actor=citizen, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    client.force_login(citizen)

    # session, user, memberships (for roles), the case, its files, questions, materials,
    # unread notices (header), and the session's new expiry (savepoint, update, release)
    with django_assert_num_queries(11):
        response = client.get(f"/cases/{case.number}/edit/")

    assert response.status_code == 200


# --- Materials -------------------------------------------------------------------------------


def test_an_uploaded_file_is_stored_under_a_generated_name_and_downloaded_as_attachment(
    client, version, citizen
):
    case = _draft(version, citizen)
    client.force_login(citizen)

    _upload(client, case, name="身份证.pdf")
    download = client.get(f"/cases/{case.number}/materials/id_card/")

    material = CaseMaterial.objects.get()
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", PurePosixPath(material.file.name).name)
    assert material.original_name == "身份证.pdf"
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E8%BA%AB%E4%BB%BD%E8%AF%81.pdf"
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_an_exe_renamed_pdf_is_refused_with_415_and_the_draft_is_intact(
    client, english, version, citizen
):
    case = _draft(version, citizen, applicant_name="张三", contact_phone="13812345678")
    client.force_login(citizen)

    response = _upload(client, case, data=EXE, name="身份证.pdf")

    assert response.status_code == 415
    assert [row["errors"] for row in response.context["materials"]] == [
        ["Upload a PDF, JPEG, PNG or OFD file."]
    ]
    assert "身份证: Upload a PDF, JPEG, PNG or OFD file." in response.content.decode()
    assert response.context["form"]["applicant_name"].value() == "张三"
    assert CaseMaterial.objects.count() == 0
    case.refresh_from_db()
    assert case.form_data == {"applicant_name": "张三", "contact_phone": "13812345678"}


def test_a_file_over_the_limit_is_refused_with_413(client, english, settings, version, citizen):
    settings.PORTAL_MAX_UPLOAD_BYTES = 1024
    case = _draft(version, citizen, applicant_name="张三")
    client.force_login(citizen)

    response = _upload(client, case, data=PDF + b"0" * 1024)

    assert response.status_code == 413
    assert [row["errors"] for row in response.context["materials"]] == [
        ["This file is too large. Upload a file of at most 0 MB."]
    ]
    assert CaseMaterial.objects.count() == 0
    case.refresh_from_db()
    assert case.form_data == {"applicant_name": "张三"}


def test_a_file_of_megabytes_over_the_limit_is_refused_with_413(client, settings, version, citizen):
    settings.PORTAL_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    case = _draft(version, citizen)
    client.force_login(citizen)

    response = _upload(client, case, data=PDF + b"0" * (3 * 1024 * 1024))

    assert response.status_code == 413
    assert CaseMaterial.objects.count() == 0


def test_a_path_in_the_file_name_is_not_used_for_storage(client, settings, version, citizen):
    case = _draft(version, citizen)
    client.force_login(citizen)

    response = _upload(client, case, name="../../etc/passwd")

    assert response.status_code == 302
    material = CaseMaterial.objects.get()
    assert material.original_name == "passwd"
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", PurePosixPath(material.file.name).name)
    stored = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored] == [material.file.name]
    assert not (settings.MEDIA_ROOT.parent / "etc").exists()


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"material": "id_card"}, 400, "This field is required."),
        (
            {"material": "no_such_material", "file": "pdf"},
            400,
            "This service does not ask for this material.",
        ),
        ({"material": "id_card", "file": "empty"}, 400, "The file is empty."),
    ],
)
def test_a_bad_upload_is_a_400_explained_on_the_page(
    client, english, version, citizen, data, status, message
):
    case = _draft(version, citizen, applicant_name="张三")
    client.force_login(citizen)
    files = {"pdf": SimpleUploadedFile("a.pdf", PDF), "empty": SimpleUploadedFile("a.pdf", b"")}
    if "file" in data:
        data = {**data, "file": files[data["file"]]}

    response = client.post(f"/cases/{case.number}/materials/upload/", data)

    assert response.status_code == status
    assert message in response.content.decode()
    assert CaseMaterial.objects.count() == 0


# --- Who may do what -------------------------------------------------------------------------


def test_a_stranger_finds_nothing(client, version, citizen):
    draft = _draft(version, citizen, applicant_name="张三")
    submitted = _submitted(version, citizen)
    stranger = UserFactory()
    client.force_login(stranger)

    responses = [
        client.get(f"/cases/{draft.number}/edit/"),
        client.post(f"/cases/{draft.number}/edit/", {"action": "save", "applicant_name": "x"}),
        client.post(f"/cases/{draft.number}/edit/", {"action": "submit"}),
        _upload(client, draft),
        client.get(f"/cases/{submitted.number}/materials/id_card/"),
        client.get(f"/cases/{submitted.number}/receipt.pdf"),
    ]

    assert [r.status_code for r in responses] == [404] * 6
    draft.refresh_from_db()
    assert draft.form_data == {"applicant_name": "张三"}
    assert CaseMaterial.objects.filter(case=draft).count() == 0


def test_a_reviewer_of_another_department_finds_nothing(client, version, citizen, other_reviewer):
    case = _submitted(version, citizen)
    client.force_login(other_reviewer)

    assert client.get(f"/cases/{case.number}/materials/id_card/").status_code == 404
    assert client.get(f"/cases/{case.number}/receipt.pdf").status_code == 404


def test_the_department_may_download_the_materials_but_not_replace_them(
    client, version, citizen, reviewer
):
    case = _submitted(version, citizen)
    client.force_login(reviewer)

    download = client.get(f"/cases/{case.number}/materials/id_card/")
    upload = _upload(client, case, data=PDF + b"changed")

    assert download.status_code == 200
    assert upload.status_code == 404
    assert CaseMaterial.objects.get().size == len(PDF)


def test_a_material_not_given_is_not_found(client, version, citizen):
    case = _draft(version, citizen)
    client.force_login(citizen)

    assert client.get(f"/cases/{case.number}/materials/id_card/").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/cases/apply/{code}/"),
        ("get", "/cases/{number}/edit/"),
        ("post", "/cases/{number}/materials/upload/"),
        ("get", "/cases/{number}/materials/id_card/"),
        ("get", "/cases/{number}/receipt.pdf"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, version, citizen, method, path):
    case = _submitted(version, citizen)
    url = path.format(code=version.implementation.code, number=case.number)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url == f"/accounts/sign-in/?next={url}"


def test_uploading_from_a_bytes_stream_keeps_the_pdf(client, version, citizen):
    case = _draft(version, citizen)
    client.force_login(citizen)

    response = client.post(
        f"/cases/{case.number}/materials/upload/",
        {"material": "id_card", "file": io.BytesIO(PDF)},
    )

    assert response.status_code == 302
    assert CaseMaterial.objects.get().content_type == "application/pdf"


def test_a_material_that_may_follow_later_is_not_shown_as_missing(
    english, client, version, citizen
):
    version.materials.update(tolerable=True)
    case = services.case_create(version=version, actor=citizen, form_data={})
    client.force_login(citizen)

    html = client.get(f"/cases/{case.number}/edit/").content.decode()

    assert "May be supplied later" in html
    assert "Not uploaded yet" not in html
