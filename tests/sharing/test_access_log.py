"""数据使用记录: a person sees who read what about them, when and why (and only that), and
objects to a read; objections wait for supervision to take them up as complaints."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from core.errors import Conflict, NotFound, ValidationFailed
from identity.constants import Role
from sharing import selectors, services
from sharing.constants import AccessLogKind, ObjectionState
from sharing.models import DataRead, DemoRecord, Objection
from tests.factories import EnterpriseFactory, MembershipFactory
from tests.sharing.conftest import ENTERPRISE, LI_SI, ZHANG_SAN, GrantFactory, ResourceFactory

pytestmark = pytest.mark.django_db

LOG = "/api/v1/me/data-access-log/"


def _read(exchange, subject=ZHANG_SAN, purpose="企业设立登记核验股东身份"):
    return services.data_read(
        consumer=exchange.consumer,
        resource_code="hjxx",
        subject=subject,
        purpose=purpose,
        fields=["name", "address"],
        actor=exchange.consumer_staff,
    )


@pytest.fixture
def reads(exchange, citizen, other_citizen):
    DemoRecord.objects.create(resource=exchange.resource, subject=LI_SI, data={"name": "李四"})
    mine = _read(exchange)
    _read(exchange, subject=LI_SI, purpose="李四的事")
    return mine


def test_a_person_sees_the_reads_about_them(exchange, citizen, reads, api_client):
    api_client.force_authenticate(citizen)

    body = api_client.get(LOG).json()

    assert body["count"] == 1
    entry = body["results"][0]
    assert entry == {
        "kind": "data_read",
        "id": str(reads.read.public_id),
        "at": entry["at"],
        "reader": "宜昌市市场监督管理局",
        "what": "户籍信息",
        "fields": ["姓名", "户籍地址"],
        "purpose": "企业设立登记核验股东身份",
        "channel": "部门系统（API）",
        "reference": "",
        "objected": False,
    }


def test_refused_reads_gave_nobody_data_and_are_not_listed(exchange, citizen, api_client):
    with pytest.raises(ValidationFailed):
        _read(exchange, purpose="")
    assert DataRead.objects.count() == 1
    api_client.force_authenticate(citizen)

    assert api_client.get(LOG).json()["count"] == 0


def test_nobody_else_sees_a_persons_log(exchange, citizen, other_citizen, reads, api_client):
    api_client.force_authenticate(other_citizen)
    body = api_client.get(LOG).json()

    assert [entry["purpose"] for entry in body["results"]] == ["李四的事"]
    assert APIClient().get(LOG).status_code == 401


def test_a_department_key_has_no_data_use_log(exchange, consumer_api, reads):
    assert consumer_api.get(LOG).status_code == 403
    assert consumer_api.get("/api/v1/me/objections/").status_code == 403


def test_the_legal_representative_follows_the_enterprises_data(exchange, citizen):
    enterprise = EnterpriseFactory(credit_code=ENTERPRISE)
    MembershipFactory(user=citizen, organisation=enterprise, role=Role.LEGAL_REPRESENTATIVE)
    handler = MembershipFactory(organisation=enterprise, role=Role.HANDLER).user
    resource = ResourceFactory(
        code="qydjxx",
        provider=exchange.outsider,
        subject_kind="organisation",
        fields=[{"key": "name", "label": "企业名称"}],
    )
    GrantFactory(resource=resource, consumer=exchange.consumer)
    DemoRecord.objects.create(resource=resource, subject=ENTERPRISE, data={"name": "示例"})
    services.data_read(
        consumer=exchange.consumer, resource_code="qydjxx", subject=ENTERPRISE, purpose="核验"
    )

    assert [e.what for e in selectors.DataUseLog(citizen)[0:10]] == [resource.name]
    assert selectors.DataUseLog(handler).count() == 0


def test_a_person_objects_to_a_read_once(exchange, citizen, reads, api_client):
    api_client.force_authenticate(citizen)
    entry = str(reads.read.public_id)

    created = api_client.post(
        "/api/v1/me/objections/",
        {"entry": entry, "text": "我没有在市场监管局办理过业务"},
        format="json",
    )
    again = api_client.post(
        "/api/v1/me/objections/", {"entry": entry, "text": "再次异议"}, format="json"
    )

    assert created.status_code == 201
    body = created.json()
    assert (body["kind"], body["entry"], body["state"], body["reader"]) == (
        "data_read",
        entry,
        "open",
        "宜昌市市场监督管理局",
    )
    assert body["summary"] == "户籍信息: 姓名, 户籍地址"
    assert again.status_code == 409
    assert api_client.get(LOG).json()["results"][0]["objected"] is True
    assert api_client.get("/api/v1/me/objections/").json()["count"] == 1


def test_nobody_objects_to_someone_elses_read(exchange, citizen, other_citizen, reads):
    for entry_id in (str(reads.read.public_id), "not-a-uuid", ""):
        with pytest.raises(NotFound):
            services.objection_raise(
                person=other_citizen,
                entry_kind=AccessLogKind.DATA_READ,
                entry_id=entry_id,
                text="异议",
            )
    with pytest.raises(NotFound):
        services.objection_raise(
            person=citizen, entry_kind=AccessLogKind.CERTIFICATE, entry_id="1", text="异议"
        )
    assert not Objection.objects.exists()


def test_an_objection_says_what_is_wrong(exchange, citizen, reads):
    with pytest.raises(ValidationFailed) as error:
        services.objection_raise(
            person=citizen,
            entry_kind=AccessLogKind.DATA_READ,
            entry_id=str(reads.read.public_id),
            text="  ",
        )
    assert error.value.field == "text"


def test_supervision_takes_an_objection_up_once(exchange, citizen, reads):
    objection = services.objection_raise(
        person=citizen,
        entry_kind=AccessLogKind.DATA_READ,
        entry_id=str(reads.read.public_id),
        text="异议",
    )
    objection = services.objection_forward(objection=objection, complaint_reference="TS-0001")
    assert (objection.state, objection.complaint_reference) == (ObjectionState.FORWARDED, "TS-0001")
    with pytest.raises(Conflict):
        services.objection_forward(objection=objection, complaint_reference="TS-0002")


def test_the_log_is_append_only(exchange, reads):
    with pytest.raises(TypeError):
        DataRead.objects.all().delete()
    with pytest.raises(TypeError):
        DataRead.objects.update(purpose="改写")
    with pytest.raises(TypeError):
        reads.read.save()


def test_other_logs_merge_in_by_time(exchange, citizen, reads, settings):
    settings.SHARING_ACCESS_LOG_SOURCES = ["tests.sharing.test_access_log.certificate_reads"]

    log = selectors.DataUseLog(citizen)

    assert log.count() == 2
    assert [(e.kind, e.reader) for e in log[0:2]] == [
        ("data_read", "宜昌市市场监督管理局"),
        ("certificate", "宜昌市民政局"),
    ]
    entry = selectors.access_log_entry(citizen, kind="certificate", entry_id="7")
    assert entry is not None
    assert entry.what == "结婚证"


def certificate_reads(person, *, limit):
    """A stand-in for the certificate library's log of department reads."""
    if person.id_number != ZHANG_SAN:
        return []
    return [
        {
            "kind": "certificate",
            "entry_id": "7",
            "at": datetime(2020, 1, 1, tzinfo=UTC),
            "reader": "宜昌市民政局",
            "what": "结婚证",
            "purpose": "核验婚姻状况",
        }
    ][:limit]


def test_the_data_use_page_lists_reads_and_takes_objections(exchange, citizen, reads, client):
    client.force_login(citizen)

    page = client.get("/sharing/my-data-use/", HTTP_ACCEPT_LANGUAGE="en")
    url = f"/sharing/my-data-use/data_read/{reads.read.public_id}/object/"
    sent = client.post(url, {"text": "不是我办的业务"})

    assert page.status_code == 200
    assert "企业设立登记核验股东身份" in page.content.decode()
    assert url in page.content.decode()
    assert sent.status_code == 302
    assert Objection.objects.get().person == citizen


def test_the_objection_page_of_someone_elses_read_is_404(exchange, other_citizen, reads, client):
    client.force_login(other_citizen)

    url = f"/sharing/my-data-use/data_read/{reads.read.public_id}/object/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "x"}).status_code == 404
    assert client.get("/sharing/my-data-use/other/1/object/").status_code == 404
    assert not Objection.objects.exists()


def test_an_entry_names_the_reading_department_for_whoever_handles_an_objection(
    exchange, citizen, reads
):
    entry = selectors.access_log_entry(
        citizen, kind="data_read", entry_id=str(reads.read.public_id)
    )

    assert entry is not None
    assert entry.reader_id == exchange.consumer.pk
