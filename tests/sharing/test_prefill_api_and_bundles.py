"""Shared data in applications made through the API and in 一件事 bundles: answers are
pre-filled and shared materials attached there too, and the case detail says which."""

import pytest

from cases.constants import CaseState
from cases.models import Case
from sharing.models import ApplicationUse, DataRead
from tests.factories import AuthorisationFactory, UserFactory
from tests.factories.matters import (
    BundleFactory,
    BundleItemFactory,
    FormFieldFactory,
    MaterialFactory,
    VersionFactory,
)
from tests.sharing.conftest import ZHANG_SAN

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
ADDRESS = "湖北省宜昌市西陵区夷陵大道58号"


def test_an_application_made_through_the_api_is_filled_in_from_shared_data(
    api_client, exchange, version, citizen
):
    api_client.force_authenticate(citizen)

    response = api_client.post(
        CASES,
        {"matter": version.implementation.code, "form": {"contact_phone": "13800000001"}},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["form"] == {
        "applicant_name": "张三",
        "applicant_id_number": ZHANG_SAN,
        "residence_address": ADDRESS,
        "contact_phone": "13800000001",
    }
    assert body["prefilled"] == [
        {"field": key, "provider": "宜昌市公安局"}
        for key in ("applicant_id_number", "applicant_name", "residence_address")
    ]
    [shared] = body["shared_materials"]
    assert (shared["material"], shared["provider"], shared["resource"]) == (
        "household_register",
        "宜昌市公安局",
        "户籍信息",
    )
    read = DataRead.objects.get()
    assert (read.reference, read.consumer, read.subject) == (
        body["number"],
        exchange.consumer,
        ZHANG_SAN,
    )


def test_an_answer_given_in_the_request_wins_over_the_shared_one(api_client, version, citizen):
    api_client.force_authenticate(citizen)

    body = api_client.post(
        CASES,
        {"matter": version.implementation.code, "form": {"residence_address": "西陵区1号"}},
        format="json",
    ).json()

    assert body["form"]["residence_address"] == "西陵区1号"
    assert {"field": "residence_address", "provider": "宜昌市公安局"} not in body["prefilled"]


def test_an_application_submitted_at_once_needs_only_what_sharing_cannot_give(
    api_client, version, citizen
):
    api_client.force_authenticate(citizen)

    response = api_client.post(
        CASES, {"matter": version.implementation.code, "form": {}, "submit": True}, format="json"
    )

    # Name, ID number, address and the household register came from 公安局.
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["form.contact_phone", "materials.id_card"]
    assert Case.objects.get().form_data["applicant_name"] == "张三"  # the draft is kept


def test_nothing_is_read_for_an_agent_through_the_api(api_client, version, citizen):
    """An agent's application reads nothing: the data is the principal's (prefill docs)."""
    agent = UserFactory()
    AuthorisationFactory(principal=citizen, agent=agent)
    api_client.force_authenticate(agent)

    response = api_client.post(
        CASES,
        {"matter": version.implementation.code, "form": {}, "on_behalf_of": citizen.id_number},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["form"] == {}
    assert body["prefilled"] == []
    assert body["shared_materials"] == []
    assert not DataRead.objects.exists()


@pytest.fixture
def opening(exchange, version):
    """A bundle of the consumer's service (pre-filled from 户籍信息) and a service of a
    department without a grant, asking the same address."""
    other = VersionFactory(implementation__department=exchange.outsider, name="民政登记")
    FormFieldFactory(version=other, key="residence_address", prefill="hjxx.address", order=1)
    MaterialFactory(version=other, key="id_card", name="身份证")
    bundle = BundleFactory(code="opening", name="测试一件事")
    for order, item in enumerate((version, other)):
        BundleItemFactory(bundle=bundle, implementation=item.implementation, order=order)
    return bundle


def test_a_bundle_application_is_filled_in_by_each_service_with_its_own_grant(
    api_client, exchange, opening, citizen
):
    api_client.force_authenticate(citizen)

    response = api_client.post(CASES, {"bundle": "opening", "form": {}}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["form"]["applicant_name"] == "张三"
    assert body["form"]["residence_address"] == ADDRESS
    assert {row["material"] for row in body["shared_materials"]} == {"household_register"}
    # Read once, by the department holding the grant, for its own case of the bundle.
    parent = Case.objects.get(number=body["number"])
    consumer_case = parent.children.get(department=exchange.consumer)
    read = DataRead.objects.get()
    assert (read.consumer, read.reference) == (exchange.consumer, consumer_case.number)
    assert not DataRead.objects.filter(consumer=exchange.outsider).exists()
    assert list(ApplicationUse.objects.values_list("reference", flat=True)) == [
        consumer_case.number
    ]


def test_the_bundle_page_marks_the_answers_from_shared_data(client, opening, citizen, english):
    client.force_login(citizen)
    url = "/cases/apply-bundle/opening/"
    token = client.get(url).context["form"]["token"].value()
    response = client.post(url, {"applying_as": "self", "token": token})
    parent = Case.objects.get(created_by=citizen, bundle__code="opening")

    page = client.get(response.url)

    assert parent.form_data["residence_address"] == ADDRESS
    mark = "From 宜昌市公安局 (shared government data); correct it if it is wrong."
    assert page.context["form"].fields["residence_address"].help_text == mark
    assert "Obtained from 宜昌市公安局 by data sharing" in page.content.decode()


def test_a_submitted_bundles_parent_shows_no_other_departments_reads(
    api_client, exchange, opening, citizen
):
    """The lead department sees the parent; what another department read for its own case
    stays on that case."""
    api_client.force_authenticate(citizen)
    number = api_client.post(CASES, {"bundle": "opening", "form": {}}, format="json").json()[
        "number"
    ]
    parent = Case.objects.get(number=number)
    Case.objects.filter(pk=parent.pk).update(state=CaseState.SUBMITTED)

    body = api_client.get(f"{CASES}{number}/").json()

    assert body["prefilled"] == []
    assert body["shared_materials"] == []
    child = parent.children.get(department=exchange.consumer)
    assert api_client.get(f"{CASES}{child.number}/").json()["shared_materials"] != []
