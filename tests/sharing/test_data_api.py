"""GET /api/v1/sharing/data/{resource}/: a granted key reads granted fields, for a purpose;
everything else is refused, recorded, and tells why."""

from datetime import timedelta

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from identity.models import ApiKey
from identity.services import api_key_revoke
from sharing.api.views import ApiKeyReadThrottle
from sharing.constants import ReadChannel, ReadOutcome, SharingClass
from sharing.models import DataRead, DemoRecord
from tests.sharing.conftest import (
    ENTERPRISE,
    LI_SI,
    ZHANG_SAN,
    GrantFactory,
    ResourceFactory,
    key_client,
    key_for,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/sharing/data/hjxx/"


def read(client: APIClient, url: str = URL, **params):
    params = {"subject": ZHANG_SAN, "purpose": "企业设立登记核验股东身份", **params}
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def test_a_granted_key_reads_exactly_the_granted_fields_and_the_read_is_logged(
    exchange, consumer_api
):
    response = read(consumer_api)

    assert response.status_code == 200
    body = response.json()
    assert body["resource"] == "hjxx"
    assert body["provider"] == {
        "name": "宜昌市公安局",
        "credit_code": exchange.provider.credit_code,
    }
    assert body["subject"] == ZHANG_SAN
    assert body["data"] == {
        "name": "张三",
        "id_number": ZHANG_SAN,
        "address": "湖北省宜昌市西陵区夷陵大道58号",
    }
    assert response["Cache-Control"] == "private, no-store"
    entry = DataRead.objects.get()
    assert str(entry.public_id) == body["read"]
    assert (entry.consumer, entry.resource, entry.subject) == (
        exchange.consumer,
        exchange.resource,
        ZHANG_SAN,
    )
    assert entry.fields == ["name", "id_number", "address"]
    assert entry.purpose == "企业设立登记核验股东身份"
    assert (entry.outcome, entry.channel, entry.actor) == (
        ReadOutcome.SERVED,
        ReadChannel.API,
        exchange.consumer_staff,
    )
    assert entry.api_key == ApiKey.objects.get(department=exchange.consumer)
    assert entry.grant == exchange.grant


def test_fields_narrow_the_answer(consumer_api):
    response = read(consumer_api, fields="name, address")

    assert response.status_code == 200
    assert response.json()["data"] == {"name": "张三", "address": "湖北省宜昌市西陵区夷陵大道58号"}
    assert DataRead.objects.get().fields == ["name", "address"]


def test_a_field_not_granted_is_refused_by_name_not_silently_dropped(consumer_api):
    response = read(consumer_api, fields="name,ethnicity,gender")

    assert response.status_code == 403
    assert response.json()["errors"] == {
        "fields": ["Your department is not granted the field(s) ethnicity, gender."]
    }
    entry = DataRead.objects.get()
    assert entry.outcome == ReadOutcome.REFUSED
    assert entry.reason == "fields not granted: ethnicity,gender"


def test_a_field_the_resource_does_not_have_is_bad_input(consumer_api):
    response = read(consumer_api, fields="name,password")

    assert response.status_code == 400
    assert response.json()["errors"] == {"fields": ["This resource has no field password."]}
    assert DataRead.objects.get().outcome == ReadOutcome.INVALID


@pytest.mark.parametrize("purpose", ["", "   "])
def test_a_read_without_purpose_is_refused_and_recorded(consumer_api, purpose):
    response = read(consumer_api, purpose=purpose)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["purpose"]
    entry = DataRead.objects.get()
    assert (entry.outcome, entry.reason, entry.subject) == (ReadOutcome.INVALID, "no purpose", "")


def test_a_purpose_missing_from_the_query_is_refused(consumer_api):
    response = consumer_api.get(URL, {"subject": ZHANG_SAN})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["purpose"]


@pytest.mark.parametrize(
    "subject",
    [
        "420502199003071235",  # check digit tampered
        "42050219900307123",  # one digit short
        ENTERPRISE,  # a credit code for a resource about persons
        "420502199003071234' OR '1'='1",
        "",
    ],
)
def test_a_tampered_subject_is_bad_input_and_reads_nothing(consumer_api, subject):
    response = read(consumer_api, subject=subject)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["subject"]
    entry = DataRead.objects.get()
    assert (entry.outcome, entry.subject, entry.fields) == (ReadOutcome.INVALID, "", [])


def test_two_subjects_in_one_read_are_refused(consumer_api):
    response = consumer_api.get(
        f"{URL}?subject={ZHANG_SAN}&subject={LI_SI}&purpose=核验", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["subject"]
    assert not DataRead.objects.filter(outcome=ReadOutcome.SERVED).exists()


def test_a_lower_case_x_is_the_same_person(exchange, consumer_api):
    DemoRecord.objects.create(resource=exchange.resource, subject=LI_SI, data={"name": "李四"})

    response = read(consumer_api, subject=LI_SI.lower())

    assert response.status_code == 200
    assert response.json()["data"] == {"name": "李四", "id_number": None, "address": None}
    assert DataRead.objects.get().subject == LI_SI


def test_no_record_about_the_subject_is_404_and_recorded(consumer_api):
    response = read(consumer_api, subject=LI_SI)

    assert response.status_code == 404
    entry = DataRead.objects.get()
    assert (entry.outcome, entry.subject) == (ReadOutcome.NO_DATA, LI_SI)


def test_an_unknown_or_unpublished_resource_is_404(exchange, consumer_api):
    assert read(consumer_api, url="/api/v1/sharing/data/nothing/").status_code == 404
    exchange.resource.is_published = False
    exchange.resource.save()
    assert read(consumer_api).status_code == 404
    assert set(DataRead.objects.values_list("outcome", flat=True)) == {ReadOutcome.INVALID}


def test_another_departments_key_reads_nothing(exchange):
    outsider = key_client(key_for(exchange.outsider, exchange.outsider_staff))

    response = read(outsider)

    assert response.status_code == 403
    assert response.json()["detail"] == "Your department has no valid grant for this resource."
    entry = DataRead.objects.get()
    assert (entry.consumer, entry.outcome, entry.reason) == (
        exchange.outsider,
        ReadOutcome.REFUSED,
        "no grant",
    )


def test_a_grant_for_another_resource_does_not_open_this_one(exchange, consumer_api):
    other = ResourceFactory(code="sbcbxx", provider=exchange.outsider)
    DemoRecord.objects.create(resource=other, subject=ZHANG_SAN, data={"name": "张三"})

    assert read(consumer_api, url="/api/v1/sharing/data/sbcbxx/").status_code == 403


def test_an_expired_grant_reads_nothing(exchange, consumer_api):
    exchange.grant.valid_until = timezone.localdate() - timedelta(days=1)
    exchange.grant.save()

    response = read(consumer_api)

    assert response.status_code == 403
    assert DataRead.objects.get().reason == "grant expired"


def test_a_grant_valid_until_today_still_reads(exchange, consumer_api):
    exchange.grant.valid_until = timezone.localdate()
    exchange.grant.save()

    assert read(consumer_api).status_code == 200


def test_a_revoked_grant_reads_nothing(exchange, consumer_api):
    exchange.grant.revoked_at = timezone.now()
    exchange.grant.revocation_reason = "用途已结束"
    exchange.grant.save()

    assert read(consumer_api).status_code == 403


def test_a_revoked_key_is_not_signed_in(exchange, consumer_key, consumer_api):
    api_key_revoke(api_key=ApiKey.objects.get(department=exchange.consumer), revoked_by=None)

    assert read(consumer_api).status_code == 401
    assert not DataRead.objects.exists()


def test_a_made_up_key_is_not_signed_in(exchange):
    assert read(key_client("deadbeef.not-a-key")).status_code == 401


def test_a_not_shared_resource_is_never_served_to_others(exchange, consumer_api):
    exchange.resource.sharing_class = SharingClass.NOT_SHARED
    exchange.resource.save()

    response = read(consumer_api)

    assert response.status_code == 403
    assert response.json()["detail"] == "This resource is not shared."


def test_the_provider_reads_its_own_resource_without_a_grant(exchange):
    provider = key_client(key_for(exchange.provider, exchange.provider_staff))

    response = read(provider, fields="ethnicity")

    assert response.status_code == 200
    assert response.json()["data"] == {"ethnicity": "汉族"}


def test_an_unconditional_registration_covers_fields_added_later(exchange):
    resource = ResourceFactory(
        code="qydjxx",
        provider=exchange.provider,
        sharing_class=SharingClass.UNCONDITIONAL,
        subject_kind="organisation",
        fields=[{"key": "name", "label": "企业名称"}],
    )
    GrantFactory(resource=resource, consumer=exchange.outsider, all_fields=True, fields=["name"])
    DemoRecord.objects.create(
        resource=resource,
        subject=ENTERPRISE,
        data={"name": "宜昌示例科技有限公司", "status": "存续"},
    )
    resource.fields = [*resource.fields, {"key": "status", "label": "登记状态"}]
    resource.save()
    outsider = key_client(key_for(exchange.outsider, exchange.outsider_staff))

    response = read(outsider, url="/api/v1/sharing/data/qydjxx/", subject=ENTERPRISE.lower())

    assert response.status_code == 200
    assert response.json()["data"] == {"name": "宜昌示例科技有限公司", "status": "存续"}


def test_people_read_no_shared_data_even_signed_in(exchange, citizen):
    client = APIClient()
    client.force_authenticate(exchange.consumer_staff)

    assert read(client).status_code == 403
    assert read(APIClient()).status_code == 401
    assert not DataRead.objects.exists()


def test_reads_are_throttled_per_key(exchange, consumer_api, monkeypatch):
    rates = {**ApiKeyReadThrottle.THROTTLE_RATES, "sharing_data": "2/min"}
    monkeypatch.setattr(ApiKeyReadThrottle, "THROTTLE_RATES", rates)
    # A cache of the test's own: parallel test databases reuse key ids in a shared Redis.
    monkeypatch.setattr(ApiKeyReadThrottle, "cache", LocMemCache("sharing-throttle-test", {}))
    other = key_client(key_for(exchange.consumer, exchange.consumer_staff))

    statuses = [read(consumer_api).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert read(other).status_code == 200  # another key has its own budget
    assert DataRead.objects.filter(outcome=ReadOutcome.SERVED).count() == 3


def test_a_read_costs_the_same_queries_whatever_was_read_before(
    exchange, consumer_api, django_assert_max_num_queries
):
    read(consumer_api)  # the key's last-used time is written on the first use
    counts = []
    for fields in ("name", "name,id_number,address"):
        with CaptureQueriesContext(connection) as queries:
            assert read(consumer_api, fields=fields).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        read(consumer_api, subject=LI_SI)  # refused for no data: never more
