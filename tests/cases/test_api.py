"""The cases API of API.md, from the side of each person involved."""

import threading

import pytest
from django.db import connection

from cases import services
from cases.constants import Action, CaseState
from cases.models import Case, CaseEvent
from identity.constants import Role
from tests.cases.conftest import PDF, pdf_file
from tests.factories import (
    AuthorisationFactory,
    EnterpriseFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def _apply(api_client, version, **extra):
    body = {"matter": version.implementation.code, "form": {"applicant_name": "张三"}, **extra}
    return api_client.post(CASES, body, format="json")


def test_a_citizen_applies_uploads_and_submits_through_the_api(api_client, version, citizen):
    api_client.force_authenticate(citizen)

    created = _apply(api_client, version)
    number = created.json()["number"]
    upload = api_client.post(
        f"{CASES}{number}/materials/", {"material": "id_card", "file": pdf_file()}
    )
    submitted = api_client.post(f"{CASES}{number}/transitions/", {"action": "submit"})

    assert created.status_code == 201
    assert created.json()["state"] == "draft"
    assert upload.status_code == 201
    assert upload.json()["content_type"] == "application/pdf"
    assert upload.json()["original_name"] == "身份证.pdf"
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["state"] == "submitted"
    assert [e["action"] for e in body["timeline"]] == ["submit"]
    assert body["next_actions"] == ["withdraw"]
    assert body["applicant"] == "4205**********1234"


def test_the_same_idempotency_key_returns_the_first_case(api_client, version, citizen):
    api_client.force_authenticate(citizen)

    first = api_client.post(
        CASES, {"matter": version.implementation.code, "form": {}}, format="json",
        HTTP_IDEMPOTENCY_KEY="click-1",
    )  # fmt: skip
    again = api_client.post(
        CASES, {"matter": version.implementation.code, "form": {}}, format="json",
        HTTP_IDEMPOTENCY_KEY="click-1",
    )  # fmt: skip

    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"form": {"applicant_name": ["张三"]}}, "form.applicant_name"),
        ({"form": {"no_such_question": "x"}}, "form.no_such_question"),
        ({"form": {"contact_phone": "12345"}}, "form.contact_phone"),
        ({"matter": "NOT-A-CODE"}, "matter"),
    ],
)
def test_bad_input_is_a_400_on_its_field_and_creates_nothing(
    api_client, version, citizen, body, field
):
    api_client.force_authenticate(citizen)

    response = _apply(api_client, version, **body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not Case.objects.exists()


def test_an_incomplete_submission_lists_what_is_missing(api_client, version, citizen):
    api_client.force_authenticate(citizen)

    response = _apply(api_client, version, form={}, submit=True)

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["form.applicant_name", "materials.id_card"]


def test_an_exe_renamed_pdf_is_refused_with_415(api_client, version, citizen):
    api_client.force_authenticate(citizen)
    number = _apply(api_client, version).json()["number"]
    exe = pdf_file("setup.pdf")
    exe.write(b"MZ\x90\x00" + b"\x00" * 100)
    exe.seek(0)
    exe.truncate(104)

    response = api_client.post(f"{CASES}{number}/materials/", {"material": "id_card", "file": exe})

    assert response.status_code == 415
    assert list(response.json()["errors"]) == ["file"]
    assert not Case.objects.get().materials.exists()


def test_a_file_over_the_limit_is_refused_with_413(api_client, version, citizen, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 1024
    api_client.force_authenticate(citizen)
    number = _apply(api_client, version).json()["number"]
    big = pdf_file()
    big.write(PDF + b"0" * 2048)
    big.seek(0)

    response = api_client.post(f"{CASES}{number}/materials/", {"material": "id_card", "file": big})

    assert response.status_code == 413
    assert not Case.objects.get().materials.exists()


def test_the_path_in_a_file_name_is_never_used(api_client, version, citizen):
    api_client.force_authenticate(citizen)
    number = _apply(api_client, version).json()["number"]

    api_client.post(
        f"{CASES}{number}/materials/", {"material": "id_card", "file": pdf_file("../../etc/passwd")}
    )

    material = Case.objects.get().materials.get()
    assert material.original_name == "passwd"
    assert material.file.name.startswith("cases/")
    assert ".." not in material.file.name


def test_an_agent_applies_for_the_person_who_authorised_them(api_client, version):
    grandmother = UserFactory(id_number="420502195008080078", name="王奶奶")
    grandson = UserFactory()
    AuthorisationFactory(principal=grandmother, agent=grandson)
    api_client.force_authenticate(grandson)

    response = _apply(api_client, version, on_behalf_of=grandmother.id_number)

    case = Case.objects.get()
    assert response.status_code == 201
    assert (case.applicant, case.agent) == (grandmother, grandson)
    api_client.force_authenticate(grandmother)
    assert api_client.get(CASES).json()["count"] == 1


def test_without_an_authorisation_nobody_applies_for_someone_else(api_client, version):
    stranger = UserFactory()
    api_client.force_authenticate(UserFactory())

    response = _apply(api_client, version, on_behalf_of=stranger.id_number)

    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["on_behalf_of"]
    assert not Case.objects.exists()


def test_a_legal_representative_applies_for_the_enterprise(api_client, version, citizen):
    enterprise = EnterpriseFactory()
    MembershipFactory(user=citizen, organisation=enterprise, role=Role.LEGAL_REPRESENTATIVE)
    api_client.force_authenticate(citizen)

    allowed = _apply(api_client, version, organisation=enterprise.credit_code)
    api_client.force_authenticate(UserFactory())
    refused = _apply(api_client, version, organisation=enterprise.credit_code)

    assert allowed.status_code == 201
    assert allowed.json()["organisation"] == enterprise.credit_code
    assert refused.status_code == 403
    assert Case.objects.count() == 1


def test_transitions_answer_409_403_and_404_from_each_side(
    api_client, version, citizen, clerk, other_reviewer
):
    api_client.force_authenticate(citizen)
    number = _apply(api_client, version).json()["number"]
    api_client.post(f"{CASES}{number}/materials/", {"material": "id_card", "file": pdf_file()})
    api_client.post(f"{CASES}{number}/transitions/", {"action": "submit"})

    impossible = api_client.post(f"{CASES}{number}/transitions/", {"action": "resubmit"})
    forbidden = api_client.post(f"{CASES}{number}/transitions/", {"action": "accept"})
    unknown = api_client.post(f"{CASES}{number}/transitions/", {"action": "explode"})
    api_client.force_authenticate(other_reviewer)
    hidden = api_client.post(f"{CASES}{number}/transitions/", {"action": "claim"})
    # A stranger learns nothing, not even that the action is unknown.
    hidden_unknown = api_client.post(f"{CASES}{number}/transitions/", {"action": "explode"})

    assert (impossible.status_code, forbidden.status_code, hidden.status_code) == (409, 403, 404)
    assert (unknown.status_code, list(unknown.json()["errors"])) == (400, ["action"])
    assert hidden_unknown.status_code == 404
    assert Case.objects.get().state == CaseState.SUBMITTED
    assert CaseEvent.objects.count() == 1


def test_anonymous_callers_are_asked_to_sign_in(api_client, version):
    assert api_client.get(CASES).status_code == 401
    assert _apply(api_client, version).status_code == 401


def test_my_cases_cost_the_same_queries_for_few_or_many(
    api_client, version, citizen, django_assert_num_queries
):
    def fresh_user():  # role caches live on the user object of one request
        return type(citizen).objects.get(pk=citizen.pk)

    services.case_create(version=version, actor=citizen, form_data={})
    api_client.force_authenticate(fresh_user())
    # memberships (roles and roles by organisation), count, page, the calendar's overrides
    with django_assert_num_queries(4):
        api_client.get(CASES)
    for _ in range(10):
        services.case_create(version=version, actor=citizen, form_data={})
    api_client.force_authenticate(fresh_user())
    with django_assert_num_queries(4):
        response = api_client.get(CASES)
    assert response.json()["count"] == 11


@pytest.mark.postgres(reason="real concurrency")
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_acceptances_succeed_exactly_once(version, citizen, clerk):
    case = services.case_create(
        version=version, actor=citizen, form_data={"applicant_name": "张三"}
    )
    services.case_material_attach(
        case=case, actor=citizen, material_key="id_card", file=pdf_file(), name="a.pdf"
    )
    services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def accept() -> None:
        try:
            barrier.wait()
            services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
            outcomes.append("ok")
        except Exception as error:  # each loser must fail with the 409 error
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["TransitionImpossible"] * 19 + ["ok"]
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1
