"""The department pages: catalogue, publishing, request → review → decision, grants, usage;
citizens and other departments refused."""

import re

import pytest

from identity.constants import Role
from sharing.constants import RequestState, SharingClass
from sharing.models import AccessRequest, Grant, Resource
from tests.factories import MembershipFactory
from tests.sharing.conftest import ResourceFactory

pytestmark = pytest.mark.django_db

DEPARTMENT_PAGES = [
    "/sharing/",
    "/sharing/catalogue/",
    "/sharing/grants/",
    "/sharing/usage/",
    "/sharing/resources/new/",
    "/sharing/resources/hjxx/",
    "/sharing/resources/hjxx/request/",
]


@pytest.mark.parametrize("url", DEPARTMENT_PAGES)
def test_citizens_cannot_reach_department_pages(exchange, citizen, client, url):
    client.force_login(citizen)

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", DEPARTMENT_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(exchange, client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/sign-in/")


def test_staff_see_the_exchange_in_the_menu_and_citizens_do_not(exchange, citizen, client):
    client.force_login(exchange.consumer_staff)
    assert 'href="/sharing/"' in client.get("/").content.decode()
    client.force_login(citizen)
    page = client.get("/").content.decode()
    assert 'href="/sharing/"' not in page
    assert 'href="/sharing/my-data-use/"' in page


def _form_post(client, url, data):
    return client.post(url, data)


def test_request_review_and_decision_in_the_browser(exchange, client, english):
    client.force_login(exchange.outsider_staff)
    page = client.get("/sharing/resources/hjxx/request/")
    assert page.status_code == 200
    sent = _form_post(
        client,
        "/sharing/resources/hjxx/request/",
        {
            "purpose": "收养登记核验户籍",
            "legal_basis": "《中国公民收养子女登记办法》",
            "fields": ["name", "address"],
        },
    )
    request = AccessRequest.objects.get()
    assert sent.status_code == 302
    assert sent.url == f"/sharing/requests/{request.public_id}/"

    # The requester may only withdraw; the platform reviewer reviews.
    detail = client.get(sent.url).content.decode()
    assert "request-review" not in detail
    assert "/withdraw/" in detail
    refused = _form_post(client, f"{sent.url}review/", {"decision": "accept"})
    assert refused.status_code == 403

    client.force_login(exchange.platform_reviewer)
    queue = client.get("/sharing/").content.decode()
    assert "收养" not in queue  # the queue shows resource and department, not the purpose
    assert "宜昌市民政局" in queue
    assert "working days left" in queue
    missing_reason = _form_post(client, f"{sent.url}review/", {"decision": "reject"})
    assert missing_reason.status_code == 400
    assert "Give the reason for not accepting it." in missing_reason.content.decode()
    assert _form_post(client, f"{sent.url}review/", {"decision": "accept"}).status_code == 302

    client.force_login(exchange.provider_staff)
    decided = _form_post(
        client,
        f"{sent.url}decide/",
        {"decision": "grant", "fields": ["name"], "valid_until": "2099-12-31"},
    )
    assert decided.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.GRANTED
    assert Grant.objects.get(consumer=exchange.outsider).fields == ["name"]


def test_another_department_does_not_see_a_request(exchange, client):
    client.force_login(exchange.outsider_staff)
    _form_post(
        client,
        "/sharing/resources/hjxx/request/",
        {"purpose": "核验", "legal_basis": "依据", "fields": ["name"]},
    )
    url = f"/sharing/requests/{AccessRequest.objects.get().public_id}/"

    client.force_login(exchange.consumer_staff)
    assert client.get(url).status_code == 404
    assert _form_post(client, f"{url}withdraw/", {"confirm": "on"}).status_code == 404
    assert AccessRequest.objects.get().state == RequestState.PLATFORM_REVIEW


def test_a_not_shared_resource_offers_no_request(exchange, client):
    ResourceFactory(code="wfzjl", provider=exchange.provider, sharing_class=SharingClass.NOT_SHARED)
    client.force_login(exchange.consumer_staff)

    assert "request/" not in client.get("/sharing/resources/wfzjl/").content.decode()
    assert client.get("/sharing/resources/wfzjl/request/").status_code == 403


def test_a_provider_publishes_and_changes_a_resource(exchange, client, english):
    client.force_login(exchange.provider_staff)

    bad = _form_post(
        client,
        "/sharing/resources/new/",
        {
            "code": "jzz",
            "name": "居住证信息",
            "subject_kind": "person",
            "field_lines": "name 姓名\n",
            "update_frequency": "daily",
            "sharing_class": "conditional",
        },
    )
    assert bad.status_code == 200
    assert "has no colon" in bad.content.decode()
    good = _form_post(
        client,
        "/sharing/resources/new/",
        {
            "code": "jzz",
            "name": "居住证信息",
            "subject_kind": "person",
            "field_lines": "name: 姓名\nid_number：公民身份号码\n\n",
            "update_frequency": "daily",
            "sharing_class": "conditional",
            "is_published": "on",
        },
    )
    assert good.status_code == 302
    resource = Resource.objects.get(code="jzz")
    assert (resource.provider, resource.field_keys, resource.is_published) == (
        exchange.provider,
        ["name", "id_number"],
        True,
    )
    duplicate = _form_post(
        client,
        "/sharing/resources/new/",
        {
            "code": "jzz",
            "name": "重复",
            "subject_kind": "person",
            "field_lines": "name: 姓名\nname: 姓名",
            "update_frequency": "daily",
            "sharing_class": "conditional",
        },
    )
    content = duplicate.content.decode()
    assert duplicate.status_code == 200
    assert "name" in content
    assert Resource.objects.filter(code="jzz").count() == 1


def test_only_the_provider_changes_its_resource(exchange, client):
    client.force_login(exchange.consumer_staff)

    assert client.get("/sharing/resources/hjxx/edit/").status_code == 404
    response = _form_post(
        client,
        "/sharing/resources/hjxx/edit/",
        {
            "name": "改名",
            "subject_kind": "person",
            "field_lines": "name: 姓名",
            "update_frequency": "daily",
            "sharing_class": "unconditional",
        },
    )
    assert response.status_code == 404
    exchange.resource.refresh_from_db()
    assert (exchange.resource.name, exchange.resource.sharing_class) == ("户籍信息", "conditional")


def test_grants_page_and_revocation_by_the_provider(exchange, client):
    client.force_login(exchange.consumer_staff)
    page = client.get("/sharing/grants/").content.decode()
    revoke_url = f"/sharing/grants/{exchange.grant.public_id}/revoke/"
    assert "宜昌市市场监督管理局" in page
    assert revoke_url not in page
    assert client.post(revoke_url, {"reason": "不需要了"}).status_code == 403

    client.force_login(exchange.provider_staff)
    assert revoke_url in client.get("/sharing/grants/").content.decode()
    assert client.post(revoke_url, {"reason": "超出用途"}).status_code == 302
    exchange.grant.refresh_from_db()
    assert exchange.grant.revocation_reason == "超出用途"


def test_usage_counts_reads_per_resource_and_consumer(exchange, consumer_api, client):
    for purpose in ("核验", "核验", ""):
        consumer_api.get(
            "/api/v1/sharing/data/hjxx/",
            {"subject": "420502199003071234", "purpose": purpose},
        )
    client.force_login(exchange.provider_staff)

    page = client.get("/sharing/usage/")

    rows = page.context["provided"]
    assert [
        (r["resource__code"], r["consumer__name"], r["served"], r["refused"]) for r in rows
    ] == [("hjxx", "宜昌市市场监督管理局", 2, 1)]
    assert page.context["consumed"] == []
    assert page.context["all_reads"] is None
    html = page.content.decode()
    assert re.search(r"<td>2</td>\s*<td>1</td>", html)


def test_a_supervisor_reads_every_grant_and_request_but_acts_on_none(exchange, client):
    """SPEC.md §1: supervisors read everything, read-only."""
    client.force_login(exchange.outsider_staff)
    client.post(
        "/sharing/resources/hjxx/request/",
        {"purpose": "核验", "legal_basis": "依据", "fields": ["name"]},
    )
    url = f"/sharing/requests/{AccessRequest.objects.get().public_id}/"
    supervisor = MembershipFactory(role=Role.SUPERVISOR, organisation=exchange.platform).user
    client.force_login(supervisor)

    grants = client.get("/sharing/grants/")
    detail = client.get(url)
    assert (grants.status_code, detail.status_code, client.get("/sharing/usage/").status_code) == (
        200,
        200,
        200,
    )
    assert exchange.consumer.name in grants.content.decode()
    assert "/withdraw/" not in detail.content.decode()
    assert client.post(f"{url}review/", {"decision": "accept"}).status_code == 403
    assert client.post(f"{url}withdraw/", {"confirm": "on"}).status_code == 403
    revoke = f"/sharing/grants/{exchange.grant.public_id}/revoke/"
    assert client.post(revoke, {"reason": "监察"}).status_code == 403
    assert AccessRequest.objects.get().state == RequestState.PLATFORM_REVIEW
    exchange.grant.refresh_from_db()
    assert exchange.grant.revoked_at is None
