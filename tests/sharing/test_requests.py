"""Requests for resources: registration for unconditional ones, the platform's review within
3 working days and the provider's decision within 10 for conditional ones, grants that
expire and are revoked; every step refused to those it does not belong to."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from matters import selectors as matter_selectors
from sharing import selectors, services
from sharing.constants import GrantBasis, RequestState, SharingClass
from sharing.models import AccessRequest, Grant
from tests.sharing.conftest import ResourceFactory, key_client, key_for

pytestmark = pytest.mark.django_db

# The eve of the National Day holiday: 3 working days later is Saturday 2025-10-11, a make-up
# working day (10-09, 10-10, 10-11), not 2025-10-03.
HOLIDAY_EVE = date(2025, 9, 30)


def _submit(exchange, **values):
    arguments = {
        "actor": exchange.outsider_staff,
        "consumer": exchange.outsider,
        "resource": exchange.resource,
        "purpose": "收养登记核验户籍",
        "legal_basis": "《中国公民收养子女登记办法》第五条",
        "fields": ["name", "address"],
        **values,
    }
    return services.access_request_submit(**arguments)


def test_a_conditional_request_waits_for_the_platform_for_3_working_days(exchange):
    request = _submit(exchange, today=HOLIDAY_EVE)

    assert request.state == RequestState.PLATFORM_REVIEW
    assert request.fields == ["name", "address"]
    assert request.platform_due == date(2025, 10, 11)
    assert (
        matter_selectors.working_calendar().working_days_between(HOLIDAY_EVE, request.platform_due)
        == 3
    )
    assert not Grant.objects.filter(consumer=exchange.outsider).exists()


def test_the_whole_way_to_a_grant_and_a_read(exchange):
    request = _submit(exchange, fields=["address", "name"], valid_until=date(2099, 12, 31))

    request = services.access_request_review(
        actor=exchange.platform_reviewer, request=request, accept=True, today=HOLIDAY_EVE
    )
    assert request.state == RequestState.PROVIDER_REVIEW
    assert request.provider_due == matter_selectors.working_calendar().add_working_days(
        HOLIDAY_EVE, 10
    )
    request = services.access_request_decide(
        actor=exchange.provider_staff, request=request, grant=True, fields=["name"]
    )

    assert request.state == RequestState.GRANTED
    grant = Grant.objects.get(consumer=exchange.outsider)
    assert (grant.basis, grant.fields, grant.valid_until, grant.request) == (
        GrantBasis.REQUEST,
        ["name"],
        date(2099, 12, 31),
        request,
    )
    result = services.data_read(
        consumer=exchange.outsider,
        resource_code="hjxx",
        subject="420502199003071234",
        purpose="收养登记核验户籍",
    )
    assert result.data == {"name": "张三"}


def test_refusals_carry_a_reason(exchange):
    request = _submit(exchange)
    with pytest.raises(ValidationFailed) as error:
        services.access_request_review(
            actor=exchange.platform_reviewer, request=request, accept=False, comment=" "
        )
    assert error.value.field == "comment"
    request.refresh_from_db()
    assert request.state == RequestState.PLATFORM_REVIEW

    request = services.access_request_review(
        actor=exchange.platform_reviewer, request=request, accept=True
    )
    with pytest.raises(ValidationFailed):
        services.access_request_decide(actor=exchange.provider_staff, request=request, grant=False)
    request = services.access_request_decide(
        actor=exchange.provider_staff, request=request, grant=False, comment="用途与户籍信息无关"
    )
    assert (request.state, request.decision_comment) == (RequestState.REFUSED, "用途与户籍信息无关")
    assert not Grant.objects.filter(consumer=exchange.outsider).exists()


def test_the_platform_may_not_accept_it_with_a_reason(exchange):
    request = services.access_request_review(
        actor=exchange.platform_reviewer,
        request=_submit(exchange),
        accept=False,
        comment="未说明法定依据的具体条款",
    )
    assert (request.state, request.platform_comment) == (
        RequestState.REJECTED,
        "未说明法定依据的具体条款",
    )
    assert request.provider_due is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"purpose": ""}, "purpose"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"fields": []}, "fields"),
        ({"fields": ["name", "password"]}, "fields"),
        ({"fields": "name"}, None),  # a comma-separated text is a list too
        ({"valid_until": date(2000, 1, 1)}, "valid_until"),
    ],
)
def test_bad_requests_name_the_field(exchange, values, field):
    if field is None:
        assert _submit(exchange, **values).fields == ["name"]
        return
    with pytest.raises(ValidationFailed) as error:
        _submit(exchange, **values)
    assert field in error.value.errors
    assert not AccessRequest.objects.exists()


def test_a_not_shared_resource_cannot_be_requested(exchange):
    exchange.resource.sharing_class = SharingClass.NOT_SHARED
    exchange.resource.save()

    with pytest.raises(ValidationFailed) as error:
        _submit(exchange)

    assert error.value.field == "resource"
    assert not AccessRequest.objects.exists()


def test_a_provider_does_not_request_its_own_resource(exchange):
    with pytest.raises(ValidationFailed):
        _submit(exchange, actor=exchange.provider_staff, consumer=exchange.provider)


def test_one_open_request_per_department_and_resource(exchange):
    _submit(exchange)
    with pytest.raises(Conflict):
        _submit(exchange)
    assert AccessRequest.objects.count() == 1


def test_only_staff_of_the_department_request_for_it(exchange, citizen):
    for actor in (citizen, exchange.consumer_staff, exchange.platform_reviewer):
        with pytest.raises(NotAllowed):
            _submit(exchange, actor=actor)
    assert not AccessRequest.objects.exists()


def test_only_the_platform_reviews(exchange):
    request = _submit(exchange)
    # The provider and the requester see the request but may not review it; others do not
    # see it at all.
    for actor in (exchange.provider_staff, exchange.outsider_staff):
        with pytest.raises(NotAllowed):
            services.access_request_review(actor=actor, request=request, accept=True)
    with pytest.raises(NotFound):
        services.access_request_review(actor=exchange.consumer_staff, request=request, accept=True)
    request.refresh_from_db()
    assert request.state == RequestState.PLATFORM_REVIEW


def test_only_the_provider_decides_and_only_after_the_review(exchange):
    request = _submit(exchange)
    with pytest.raises(Conflict):
        services.access_request_decide(actor=exchange.provider_staff, request=request, grant=True)
    request = services.access_request_review(
        actor=exchange.platform_reviewer, request=request, accept=True
    )
    for actor in (exchange.platform_reviewer, exchange.outsider_staff):
        with pytest.raises(NotAllowed):
            services.access_request_decide(actor=actor, request=request, grant=True)
    with pytest.raises(NotFound):
        services.access_request_decide(actor=exchange.consumer_staff, request=request, grant=True)
    with pytest.raises(ValidationFailed):  # more fields than were asked for
        services.access_request_decide(
            actor=exchange.provider_staff, request=request, grant=True, fields=["gender"]
        )
    request.refresh_from_db()
    assert request.state == RequestState.PROVIDER_REVIEW
    assert not Grant.objects.filter(consumer=exchange.outsider).exists()


def test_a_decided_request_is_not_decided_again_nor_withdrawn(exchange):
    request = services.access_request_review(
        actor=exchange.platform_reviewer, request=_submit(exchange), accept=True
    )
    services.access_request_decide(actor=exchange.provider_staff, request=request, grant=True)
    with pytest.raises(Conflict):
        services.access_request_decide(actor=exchange.provider_staff, request=request, grant=True)
    with pytest.raises(Conflict):
        services.access_request_withdraw(actor=exchange.outsider_staff, request=request)
    assert Grant.objects.filter(consumer=exchange.outsider).count() == 1


def test_the_requester_withdraws_an_open_request_and_may_ask_again(exchange):
    request = _submit(exchange)
    with pytest.raises(NotAllowed):
        services.access_request_withdraw(actor=exchange.provider_staff, request=request)
    request = services.access_request_withdraw(actor=exchange.outsider_staff, request=request)
    assert request.state == RequestState.WITHDRAWN
    assert _submit(exchange).state == RequestState.PLATFORM_REVIEW


def test_unconditional_resources_are_granted_whole_on_registration(exchange):
    resource = ResourceFactory(
        code="qydjxx", provider=exchange.provider, sharing_class=SharingClass.UNCONDITIONAL
    )

    request = services.access_request_submit(
        actor=exchange.outsider_staff,
        consumer=exchange.outsider,
        resource=resource,
        purpose="社会团体登记核验企业",
    )

    assert request.state == RequestState.GRANTED
    grant = request.grant
    assert (grant.basis, grant.all_fields, grant.granted_fields()) == (
        GrantBasis.REGISTRATION,
        True,
        resource.field_keys,
    )
    with pytest.raises(Conflict):
        services.access_request_submit(
            actor=exchange.outsider_staff,
            consumer=exchange.outsider,
            resource=resource,
            purpose="再次登记",
        )


def test_a_new_grant_replaces_the_old_one(exchange):
    exchange.grant.valid_until = timezone.localdate() - timedelta(days=3)
    exchange.grant.save()
    request = _submit(exchange, actor=exchange.consumer_staff, consumer=exchange.consumer)
    services.access_request_review(actor=exchange.platform_reviewer, request=request, accept=True)
    services.access_request_decide(actor=exchange.provider_staff, request=request, grant=True)

    grants = Grant.objects.filter(consumer=exchange.consumer).order_by("pk")
    assert [g.revoked_at is None for g in grants] == [False, True]
    assert grants[0].revocation_reason == "Replaced by a new grant."


def test_the_provider_or_the_platform_revokes_a_grant_with_a_reason(exchange):
    for actor in (exchange.consumer_staff,):
        with pytest.raises(NotAllowed):
            services.grant_revoke(actor=actor, grant=exchange.grant, reason="不需要了")
    with pytest.raises(NotFound):
        services.grant_revoke(actor=exchange.outsider_staff, grant=exchange.grant, reason="x")
    with pytest.raises(ValidationFailed):
        services.grant_revoke(actor=exchange.provider_staff, grant=exchange.grant, reason="")
    exchange.grant.refresh_from_db()
    assert exchange.grant.revoked_at is None

    services.grant_revoke(
        actor=exchange.platform_reviewer, grant=exchange.grant, reason="超出申请用途使用"
    )
    exchange.grant.refresh_from_db()
    assert exchange.grant.revocation_reason == "超出申请用途使用"
    with pytest.raises(Conflict):
        services.grant_revoke(actor=exchange.provider_staff, grant=exchange.grant, reason="再次")


def test_making_a_resource_not_shared_ends_every_grant(exchange):
    services.resource_save(
        actor=exchange.provider_staff,
        provider=exchange.provider,
        resource=exchange.resource,
        values={"sharing_class": SharingClass.NOT_SHARED},
    )
    exchange.grant.refresh_from_db()
    assert exchange.grant.revoked_at is not None


def test_deadlines_turn_yellow_then_red():
    calendar = matter_selectors.working_calendar()
    monday = date(2025, 6, 9)
    assert selectors.deadline_status(date(2025, 6, 12), calendar=calendar, today=monday).level == (
        "ok"
    )
    tomorrow = selectors.deadline_status(date(2025, 6, 10), calendar=calendar, today=monday)
    assert (tomorrow.days_left, tomorrow.level) == (1, "warning")
    late = selectors.deadline_status(date(2025, 6, 5), calendar=calendar, today=monday)
    assert (late.days_left, late.level) == (-2, "danger")


# --- through the API -----------------------------------------------------------------------


def test_a_key_requests_for_its_own_department(exchange):
    client = key_client(key_for(exchange.outsider, exchange.outsider_staff))

    response = client.post(
        "/api/v1/sharing/requests/",
        {
            "resource": "hjxx",
            "purpose": "收养登记核验户籍",
            "legal_basis": "《中国公民收养子女登记办法》",
            "fields": ["name"],
            "consumer": exchange.consumer.credit_code,  # ignored: the key decides
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["resource"], body["consumer"]["credit_code"]) == (
        "platform_review",
        "hjxx",
        exchange.outsider.credit_code,
    )
    assert client.get("/api/v1/sharing/requests/").json()["count"] == 1
    # The other department's key does not see it.
    other = key_client(key_for(exchange.consumer, exchange.consumer_staff))
    assert other.get("/api/v1/sharing/requests/").json()["count"] == 0


def test_the_api_refuses_bad_requests_with_the_field(exchange):
    client = key_client(key_for(exchange.outsider, exchange.outsider_staff))

    unknown = client.post(
        "/api/v1/sharing/requests/", {"resource": "nothing", "purpose": "x"}, format="json"
    )
    no_fields = client.post(
        "/api/v1/sharing/requests/",
        {"resource": "hjxx", "purpose": "x", "legal_basis": "y"},
        format="json",
    )

    assert (unknown.status_code, list(unknown.json()["errors"])) == (400, ["resource"])
    assert (no_fields.status_code, list(no_fields.json()["errors"])) == (400, ["fields"])


def test_citizens_request_nothing(citizen, exchange, api_client):
    api_client.force_authenticate(citizen)

    response = api_client.post(
        "/api/v1/sharing/requests/",
        {"resource": "hjxx", "purpose": "x", "legal_basis": "y", "fields": ["name"]},
        format="json",
    )

    assert response.status_code == 403
    assert not AccessRequest.objects.exists()
    assert api_client.get("/api/v1/sharing/requests/").json()["count"] == 0


def test_the_catalogue_lists_published_resources_with_filters(exchange, consumer_api):
    ResourceFactory(code="hidden", is_published=False)
    ResourceFactory(code="wfzjl", sharing_class=SharingClass.NOT_SHARED)

    listed = consumer_api.get("/api/v1/sharing/resources/").json()
    conditional = consumer_api.get("/api/v1/sharing/resources/?sharing_class=conditional").json()
    bad = consumer_api.get("/api/v1/sharing/resources/?sharing_class=secret")

    assert [r["code"] for r in listed["results"]] == ["hjxx", "wfzjl"]
    assert [r["code"] for r in conditional["results"]] == ["hjxx"]
    assert listed["results"][0]["fields"][0] == {"key": "name", "label": "姓名"}
    assert bad.status_code == 400


def test_a_key_lists_its_grants(exchange, consumer_api):
    body = consumer_api.get("/api/v1/sharing/grants/").json()

    assert [(g["resource"], g["fields"], g["active"]) for g in body["results"]] == [
        ("hjxx", ["name", "id_number", "address"], True)
    ]
