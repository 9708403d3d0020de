"""Applying for a bundle (一件事一次办): one merged form and one material set, a parent case
and one child case per service."""

from dataclasses import dataclass

import pytest

from cases import bundles
from cases.constants import CaseState
from cases.errors import CaseIncomplete, TransitionImpossible
from cases.models import Case, CaseEvent, CaseMaterial
from core.errors import NotFound, ValidationFailed
from identity.constants import Role
from matters.constants import FieldType, MaterialRequirement, VersionStatus
from matters.models import ImplementationVersion
from tests.cases.conftest import PDF, pdf_file
from tests.factories import AuthorisationFactory, MembershipFactory, UserFactory
from tests.factories.matters import (
    BundleFactory,
    BundleItemFactory,
    FormFieldFactory,
    MaterialFactory,
    MatterFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
COMPLETE_FORM = {"applicant_name": "张三", "child_name": "张小宝", "household_address": "西陵区1号"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@dataclass
class Birth:
    """出生一件事: three services of three departments; the first two both ask the
    applicant's name and the ID card."""

    bundle: object
    registration: ImplementationVersion
    insurance: ImplementationVersion
    household: ImplementationVersion


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

    household = VersionFactory(name="户口登记")
    FormFieldFactory(
        version=household,
        key="household_address",
        label="户籍地址",
        field_type=FieldType.ADDRESS,
        order=1,
    )
    MaterialFactory(version=household, key="hukou_book", name="户口簿")

    bundle = BundleFactory(code="birth", name="出生一件事")
    for order, version in enumerate((registration, insurance, household)):
        BundleItemFactory(bundle=bundle, implementation=version.implementation, order=order)
    return Birth(bundle, registration, insurance, household)


def _apply(api_client, code="birth", headers=None, **extra):
    body = {"bundle": code, "form": COMPLETE_FORM, **extra}
    return api_client.post(CASES, body, format="json", **(headers or {}))


def _children(parent: Case) -> list[Case]:
    return list(parent.children.order_by("pk"))


def _attach_all(parent: Case, actor) -> None:
    for key in ("id_card", "birth_certificate", "hukou_book"):
        bundles.bundle_material_attach(
            case=parent,
            actor=actor,
            material_key=key,
            file=pdf_file(f"{key}.pdf"),
            name=f"{key}.pdf",
        )


def test_applying_for_a_bundle_makes_a_parent_and_one_child_per_service(api_client, birth, citizen):
    api_client.force_authenticate(citizen)

    response = _apply(api_client)

    assert response.status_code == 201
    body = response.json()
    parent = Case.objects.get(parent=None)
    children = _children(parent)
    assert body["number"] == parent.number
    assert (body["bundle"], body["parent"], body["state"]) == ("birth", None, "draft")
    assert body["form"] == COMPLETE_FORM
    assert body["children"] == [
        {"number": child.number, "state": "draft", "service": name}
        for child, name in zip(
            children, ["出生医学证明登记", "城乡居民医保参保登记", "户口登记"], strict=True
        )
    ]
    assert [child.version for child in children] == [
        birth.registration,
        birth.insurance,
        birth.household,
    ]
    assert [child.department for child in children] == [
        birth.registration.implementation.department,
        birth.insurance.implementation.department,
        birth.household.implementation.department,
    ]
    # The shared question is asked once and copied to both services that ask it.
    assert [child.form_data for child in children] == [
        {"applicant_name": "张三"},
        {"applicant_name": "张三", "child_name": "张小宝"},
        {"household_address": "西陵区1号"},
    ]
    # The parent is filed under the first service, with its department as lead department.
    assert (parent.version, parent.department) == (
        birth.registration,
        birth.registration.implementation.department,
    )
    assert parent.bundle == birth.bundle
    assert {c.applicant for c in [parent, *children]} == {citizen}
    assert len({c.number for c in [parent, *children]}) == 4
    assert CaseEvent.objects.count() == 0


def test_a_complete_bundle_is_submitted_child_by_child(
    api_client, birth, citizen, django_capture_on_commit_callbacks, mailoutbox
):
    api_client.force_authenticate(citizen)
    number = _apply(api_client).json()["number"]
    parent = Case.objects.get(number=number)
    _attach_all(parent, citizen)

    with django_capture_on_commit_callbacks(execute=True):
        bundles.bundle_case_submit(case=parent, actor=citizen)

    parent.refresh_from_db()
    children = _children(parent)
    assert parent.state == CaseState.SUBMITTED
    assert [child.state for child in children] == [CaseState.SUBMITTED] * 3
    assert all(child.submitted_at is not None for child in children)
    for case in [parent, *children]:
        assert list(case.events.values_list("action", "from_state", "to_state", "actor")) == [
            ("submit", "draft", "submitted", citizen.pk)
        ]
    assert children[0].events.get().payload == {"bundle": parent.number}
    assert parent.events.get().payload == {"children": [c.number for c in children]}
    # Each child has its own copy of each material its service asks for.
    assert [
        sorted(child.materials.values_list("material_key", flat=True)) for child in children
    ] == [
        ["id_card"],
        ["birth_certificate", "id_card"],
        ["hukou_book"],
    ]
    parent_files = {m.file.name for m in parent.materials.all()}
    child_files = [m for child in children for m in child.materials.all()]
    assert len({m.file.name for m in child_files} | parent_files) == 3 + 4
    assert all(m.file.read() == PDF for m in child_files)
    # One notice per child case (the children are what the departments handle).
    assert len(mailoutbox) == 3
    assert api_client.get(f"{CASES}{number}/").json()["children"] == [
        {"number": c.number, "state": "submitted", "service": c.version.name} for c in children
    ]


def test_a_bundle_asking_no_uploads_is_submitted_in_the_same_request(api_client, citizen):
    first, second = VersionFactory(), VersionFactory()
    FormFieldFactory(version=first, key="applicant_name")
    FormFieldFactory(version=second, key="applicant_name")
    MaterialFactory(version=second, key="proof", requirement=MaterialRequirement.CONDITIONAL)
    bundle = BundleFactory()
    BundleItemFactory(bundle=bundle, implementation=first.implementation, order=1)
    BundleItemFactory(bundle=bundle, implementation=second.implementation, order=2)
    api_client.force_authenticate(citizen)

    response = api_client.post(
        CASES,
        {"bundle": bundle.code, "form": {"applicant_name": "张三"}, "submit": True},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["state"] == "submitted"
    assert [c["state"] for c in response.json()["children"]] == ["submitted", "submitted"]
    assert CaseEvent.objects.filter(action="submit").count() == 3


def test_an_incomplete_bundle_lists_everything_missing_and_creates_nothing(
    api_client, birth, citizen, settings
):
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    api_client.force_authenticate(citizen)

    response = _apply(api_client, form={"applicant_name": "张三"}, submit=True)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [
        "form.child_name",
        "form.household_address",
        "materials.id_card",
        "materials.birth_certificate",
        "materials.hukou_book",
    ]
    assert response.json()["errors"]["materials.id_card"] == [
        "Please provide this material: 身份证."
    ]
    assert not Case.objects.exists()


def test_submitting_an_incomplete_bundle_draft_submits_nothing(birth, citizen):
    parent = bundles.bundle_case_create(
        bundle_code="birth", actor=citizen, form_data={"applicant_name": "张三"}
    )
    bundles.bundle_material_attach(
        case=parent, actor=citizen, material_key="id_card", file=pdf_file(), name="a.pdf"
    )

    with pytest.raises(CaseIncomplete) as refused:
        bundles.bundle_case_submit(case=parent, actor=citizen)

    assert sorted(refused.value.errors) == [
        "form.child_name",
        "form.household_address",
        "materials.birth_certificate",
        "materials.hukou_book",
    ]
    assert set(Case.objects.values_list("state", flat=True)) == {CaseState.DRAFT}
    assert not CaseEvent.objects.exists()
    assert list(CaseMaterial.objects.values_list("case", "material_key")) == [
        (parent.pk, "id_card")
    ]


def test_a_submitted_bundle_cannot_be_submitted_again(birth, citizen):
    parent = bundles.bundle_case_create(bundle_code="birth", actor=citizen, form_data=COMPLETE_FORM)
    _attach_all(parent, citizen)
    bundles.bundle_case_submit(case=parent, actor=citizen)

    with pytest.raises(TransitionImpossible):
        bundles.bundle_case_submit(case=parent, actor=citizen)

    assert CaseEvent.objects.count() == 4


@pytest.mark.parametrize("problem", ["unknown", "unpublished", "member_retired"])
def test_a_bundle_that_cannot_be_applied_for_is_a_400_on_bundle(
    api_client, birth, citizen, problem
):
    code = "birth"
    if problem == "unknown":
        code = "no-such-bundle"
    elif problem == "unpublished":
        birth.bundle.is_published = False
        birth.bundle.save(update_fields=["is_published"])
    else:
        birth.household.status = VersionStatus.RETIRED
        birth.household.save(update_fields=["status"])
    api_client.force_authenticate(citizen)

    response = _apply(api_client, code=code)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["bundle"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"bundle": "birth", "matter": "whatever", "form": {}},
        {"form": {}},
        {"bundle": "", "matter": "", "form": {}},
    ],
)
def test_a_case_is_for_a_service_or_for_a_bundle_not_both(
    api_client, birth, citizen, settings, body
):
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    api_client.force_authenticate(citizen)

    response = api_client.post(CASES, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "matter": ["Give the code of a service or the code of a bundle, not both."]
    }
    assert not Case.objects.exists()


def test_bad_answers_in_a_bundle_form_are_400s_on_their_questions(api_client, birth, citizen):
    api_client.force_authenticate(citizen)

    response = _apply(
        api_client, form={**COMPLETE_FORM, "contact_phone": "12345", "no_such_question": "x"}
    )

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["form.contact_phone", "form.no_such_question"]
    assert not Case.objects.exists()


def test_a_shared_question_must_satisfy_every_service_asking_it(birth, citizen):
    birth.insurance.form_fields.filter(key="applicant_name").update(max_length=2)

    with pytest.raises(ValidationFailed) as refused:
        bundles.bundle_case_create(
            bundle_code="birth", actor=citizen, form_data={"applicant_name": "欧阳娜娜"}
        )

    assert list(refused.value.errors) == ["form.applicant_name"]
    assert not Case.objects.exists()


def test_an_agent_authorised_for_one_service_only_is_refused_the_bundle(api_client, birth):
    grandmother = UserFactory(id_number="420502195008080078")
    grandson = UserFactory()
    AuthorisationFactory(
        principal=grandmother,
        agent=grandson,
        matter_code=birth.registration.implementation.matter.basic_code,
    )
    api_client.force_authenticate(grandson)

    response = _apply(api_client, on_behalf_of=grandmother.id_number)

    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["on_behalf_of"]
    assert not Case.objects.exists()


def test_an_agent_authorised_for_everything_applies_for_the_whole_bundle(api_client, birth):
    grandmother = UserFactory(id_number="420502195008080078")
    grandson = UserFactory()
    authorisation = AuthorisationFactory(principal=grandmother, agent=grandson)
    api_client.force_authenticate(grandson)

    response = _apply(api_client, on_behalf_of=grandmother.id_number)

    assert response.status_code == 201
    assert set(Case.objects.values_list("applicant", "agent", "authorisation")) == {
        (grandmother.pk, grandson.pk, authorisation.pk)
    }
    api_client.force_authenticate(grandmother)
    assert api_client.get(CASES).json()["count"] == 4


def test_the_applicant_sees_the_parent_and_each_child_in_my_cases(
    api_client, birth, citizen, django_assert_num_queries
):
    parent = bundles.bundle_case_create(bundle_code="birth", actor=citizen, form_data={})
    api_client.force_authenticate(type(citizen).objects.get(pk=citizen.pk))

    # memberships (roles and roles by organisation), count, page, the calendar's overrides
    with django_assert_num_queries(4):
        response = api_client.get(CASES)

    numbers = [parent.number, *(c.number for c in _children(parent))]
    assert sorted(row["number"] for row in response.json()["results"]) == sorted(numbers)
    child = api_client.get(f"{CASES}{numbers[1]}/").json()
    assert (child["parent"], child["bundle"], child["children"]) == (parent.number, None, [])


def test_a_department_sees_only_its_own_child_of_a_submitted_bundle(api_client, birth, citizen):
    parent = bundles.bundle_case_create(bundle_code="birth", actor=citizen, form_data=COMPLETE_FORM)
    _attach_all(parent, citizen)
    bundles.bundle_case_submit(case=parent, actor=citizen)
    insurance_child = parent.children.get(version=birth.insurance)
    reviewer = MembershipFactory(
        role=Role.REVIEWER, organisation=birth.insurance.implementation.department
    ).user
    api_client.force_authenticate(reviewer)

    listed = api_client.get(CASES).json()
    detail = api_client.get(f"{CASES}{insurance_child.number}/")
    hidden = api_client.get(f"{CASES}{parent.number}/")

    assert [row["number"] for row in listed["results"]] == [insurance_child.number]
    assert [m["material_key"] for m in detail.json()["materials"]] == [
        "birth_certificate",
        "id_card",
    ]
    assert hidden.status_code == 404


def test_the_same_idempotency_key_returns_the_same_parent(api_client, birth, citizen):
    api_client.force_authenticate(citizen)

    first = _apply(api_client, headers={"HTTP_IDEMPOTENCY_KEY": "click-1"})
    again = _apply(api_client, headers={"HTTP_IDEMPOTENCY_KEY": "click-1"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 4


def test_a_bundle_draft_keeps_every_valid_answer(birth, citizen):
    parent = bundles.bundle_case_create(bundle_code="birth", actor=citizen, form_data={})

    errors = bundles.bundle_case_update_form(
        case=parent,
        actor=citizen,
        form_data={"applicant_name": "张三", "child_name": "张小宝", "contact_phone": "123"},
    )

    parent.refresh_from_db()
    assert list(errors) == ["form.contact_phone"]
    assert parent.form_data == {"applicant_name": "张三", "child_name": "张小宝"}
    assert [c.form_data for c in _children(parent)] == [
        {"applicant_name": "张三"},
        {"applicant_name": "张三", "child_name": "张小宝"},
        {},
    ]


def test_a_material_no_service_of_the_bundle_asks_for_is_refused(birth, citizen):
    parent = bundles.bundle_case_create(bundle_code="birth", actor=citizen, form_data={})

    with pytest.raises(ValidationFailed) as refused:
        bundles.bundle_material_attach(
            case=parent, actor=citizen, material_key="passport", file=pdf_file(), name="a.pdf"
        )

    assert list(refused.value.errors) == ["material"]
    assert not CaseMaterial.objects.exists()


def test_only_the_applicant_changes_a_bundle_draft(birth, citizen):
    parent = bundles.bundle_case_create(bundle_code="birth", actor=citizen, form_data={})
    stranger = UserFactory()

    with pytest.raises(NotFound):
        bundles.bundle_case_submit(case=parent, actor=stranger)

    assert set(Case.objects.values_list("state", flat=True)) == {CaseState.DRAFT}


def test_a_bundle_draft_is_completed_through_the_api_upload_and_submit(api_client, citizen):
    """Uploads and the submit action on a bundle application go through the bundle."""
    bundle = BundleFactory(code="api-flow")
    for name in ("企业设立登记", "公章刻制备案"):
        version = VersionFactory(implementation__matter=MatterFactory(name=name))
        BundleItemFactory(bundle=bundle, implementation=version.implementation)
        MaterialFactory(version=version, key="id_card", name="身份证")
    api_client.force_authenticate(citizen)
    number = api_client.post(CASES, {"bundle": "api-flow", "form": {}}, format="json").json()[
        "number"
    ]
    parent = Case.objects.get(number=number)
    child = parent.children.first()

    own_submit = api_client.post(f"{CASES}{child.number}/transitions/", {"action": "submit"})
    upload = api_client.post(
        f"{CASES}{number}/materials/", {"material": "id_card", "file": pdf_file()}
    )
    submitted = api_client.post(f"{CASES}{number}/transitions/", {"action": "submit"})

    assert own_submit.status_code == 409
    assert upload.status_code == 201
    assert submitted.status_code == 200
    assert sorted(parent.children.values_list("state", flat=True)) == ["submitted", "submitted"]
