"""Department systems read certificates only with a grant and a stated purpose; each read is
audited and shown to the holder. The issuing department's pages to revoke and replace."""

import pytest

from certificates import services
from certificates.constants import AuditAction, CertificateState
from certificates.models import Certificate, CertificateAccess, DepartmentReadGrant
from identity.constants import Role
from identity.models import AuditEvent
from identity.services import api_key_create
from sharing import selectors as sharing_selectors
from sharing.models import Objection
from tests.factories import DepartmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PURPOSE = "新办纳税人信息确认"


@pytest.fixture
def tax_office():
    return DepartmentFactory(name="国家税务总局宜昌市税务局")


@pytest.fixture
def tax_key(tax_office):
    official = MembershipFactory(role=Role.REVIEWER, organisation=tax_office).user
    _key, secret = api_key_create(
        name="税务登记系统", department=tax_office, owner=official, created_by=None
    )
    return secret


@pytest.fixture
def read_grant(tax_office, licence_type, manager):
    return DepartmentReadGrant.objects.create(
        department=tax_office, type=licence_type, purpose=PURPOSE, granted_by=manager
    )


def _read(api_client, secret, **params):
    query = {"holder": "", "type": "yyzz", "purpose": PURPOSE, **params}
    return api_client.get(
        "/api/v1/certificates/lookup/", query, HTTP_AUTHORIZATION=f"Api-Key {secret}"
    )


def test_a_granted_department_reads_the_certificate_and_the_holder_sees_the_read(
    api_client, client, tax_key, read_grant, licence, representative, tax_office
):
    response = _read(api_client, tax_key, holder=licence.holder_code.lower())

    assert response.status_code == 200
    [body] = response.json()
    assert body["identifier"] == licence.identifier
    assert body["holder"]["code"] == licence.holder_code
    access = CertificateAccess.objects.get()
    assert (access.certificate, access.department, access.purpose) == (
        licence,
        tax_office,
        PURPOSE,
    )
    assert AuditEvent.objects.get(action=AuditAction.DEPARTMENT_READ).outcome == "success"
    client.force_login(representative)
    page = client.get(f"/certificates/{licence.public_id}/").content.decode()
    assert tax_office.name in page
    assert PURPOSE in page


@pytest.mark.parametrize(
    "change",
    [
        {"purpose": "随便看看"},  # a purpose the department was not granted
        {"type": "jzz"},  # a type it was not granted
    ],
)
def test_a_read_without_a_matching_grant_is_refused_and_audited(
    api_client, tax_key, read_grant, licence, residence, change
):
    response = _read(api_client, tax_key, holder=licence.holder_code, **change)

    assert response.status_code == 403
    assert response.json()["errors"] == {"purpose": [response.json()["detail"]]}
    assert not CertificateAccess.objects.exists()
    assert AuditEvent.objects.get(action=AuditAction.DEPARTMENT_READ).outcome == "denied"


def test_a_withdrawn_grant_allows_nothing(api_client, tax_key, read_grant, licence):
    from django.utils import timezone

    read_grant.revoked_at = timezone.now()
    read_grant.save()

    assert _read(api_client, tax_key, holder=licence.holder_code).status_code == 403
    assert not CertificateAccess.objects.exists()


def test_a_purpose_must_be_stated(api_client, tax_key, read_grant, licence):
    response = _read(api_client, tax_key, holder=licence.holder_code, purpose="")

    assert response.status_code == 400
    assert "purpose" in response.json()["errors"]


def test_an_unknown_holder_gives_an_empty_answer_and_logs_nothing(
    api_client, tax_key, read_grant, licence
):
    response = _read(api_client, tax_key, holder="91420500MA00000000")

    assert (response.status_code, response.json()) == (200, [])
    assert not CertificateAccess.objects.exists()


def test_people_and_bad_keys_cannot_use_the_department_read(
    api_client, read_grant, licence, representative
):
    anonymous = api_client.get("/api/v1/certificates/lookup/", {"holder": licence.holder_code})
    bad_key = _read(api_client, "nope.nope", holder=licence.holder_code)
    api_client.force_authenticate(representative)
    person = api_client.get(
        "/api/v1/certificates/lookup/",
        {"holder": licence.holder_code, "type": "yyzz", "purpose": PURPOSE},
    )

    assert anonymous.status_code == 401
    assert bad_key.status_code == 401
    assert person.status_code in (401, 403)
    assert not CertificateAccess.objects.exists()


def test_a_department_key_is_nobodys_wallet(api_client, tax_key, licence):
    response = api_client.get("/api/v1/certificates/", HTTP_AUTHORIZATION=f"Api-Key {tax_key}")

    # Api-Key is not a way to a person's wallet: refused, or at most an empty list.
    assert response.status_code in (401, 403) or response.json()["count"] == 0


# --- The issuing department's pages -------------------------------------------------------------


def test_the_department_finds_and_revokes_its_certificate(client, manager, residence):
    client.force_login(manager)

    found = client.get("/certificates/issued/", {"q": residence.identifier})
    revoked = client.post(
        f"/certificates/issued/{residence.public_id}/revoke/", {"reason": "居住证信息有误"}
    )

    residence.refresh_from_db()
    assert [c["certificate"] for c in found.context["cards"]] == [residence]
    assert revoked.status_code == 302
    assert residence.state == CertificateState.REVOKED


def test_the_department_issues_a_corrected_version(client, manager, residence):
    client.force_login(manager)

    response = client.post(
        f"/certificates/issued/{residence.public_id}/replace/",
        {
            "data_applicant_name": "张三",
            "data_residence_address": "宜昌市伍家岗区",
            "reason": "地址更正",
        },
    )

    new = Certificate.objects.get(predecessor=residence)
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/issued/{new.public_id}/"
    assert new.data["residence_address"] == "宜昌市伍家岗区"


def test_a_revocation_without_a_reason_is_refused_on_the_page(client, manager, residence):
    client.force_login(manager)

    response = client.post(f"/certificates/issued/{residence.public_id}/revoke/", {"reason": ""})

    residence.refresh_from_db()
    assert response.status_code == 400
    assert residence.state == CertificateState.ISSUED


def test_another_department_and_the_holder_do_not_see_the_management_pages(
    client, other_manager, residence
):
    for user in (other_manager, residence.holder_user):
        client.force_login(user)
        pages = [
            client.get(f"/certificates/issued/{residence.public_id}/").status_code,
            client.post(
                f"/certificates/issued/{residence.public_id}/revoke/", {"reason": "x"}
            ).status_code,
            client.post(
                f"/certificates/issued/{residence.public_id}/replace/", {"reason": "x"}
            ).status_code,
        ]
        assert pages == [404, 404, 404]
        assert client.get("/certificates/issued/").context["cards"] == []
    residence.refresh_from_db()
    assert residence.state == CertificateState.ISSUED
    assert Certificate.objects.count() == 1


# --- The holder's data use log (数据使用记录) ------------------------------------------------

# The portal names certificates.selectors.department_reads_log in
# settings.SHARING_ACCESS_LOG_SOURCES: these tests use the settings as they are.
LOG = "/api/v1/me/data-access-log/"


def test_a_department_read_shows_in_the_holders_data_use_log_and_can_be_objected_to(
    api_client, tax_key, read_grant, licence, representative, enterprise, tax_office
):
    handler = MembershipFactory(role=Role.HANDLER, organisation=enterprise).user
    stranger = MembershipFactory(role=Role.LEGAL_REPRESENTATIVE).user
    assert _read(api_client, tax_key, holder=licence.holder_code).status_code == 200

    api_client.force_authenticate(representative)
    body = api_client.get(LOG).json()

    assert body["count"] == 1
    entry = body["results"][0]
    assert entry == {
        "kind": "certificate",
        "id": entry["id"],
        "at": entry["at"],
        "reader": tax_office.name,
        "what": f"营业执照 ({licence.identifier})",
        "fields": ["名称", "住所", "经营范围"],
        "purpose": PURPOSE,
        "channel": "部门系统（API）",
        "reference": "",
        "objected": False,
    }
    # The entry's id is not the row's sequential key.
    assert entry["id"] != str(CertificateAccess.objects.get().pk)
    objection = api_client.post(
        "/api/v1/me/objections/",
        {"kind": "certificate", "entry": entry["id"], "text": "我们没有在税务局办理业务"},
        format="json",
    )
    assert objection.status_code == 201
    assert objection.json()["reader"] == tax_office.name
    # Whoever takes the objection up as a complaint knows which department read the data.
    found = sharing_selectors.access_log_entry(
        representative, kind="certificate", entry_id=entry["id"]
    )
    assert found is not None
    assert found.reader_id == tax_office.pk
    assert api_client.get(LOG).json()["results"][0]["objected"] is True

    # Someone who acts for the enterprise without representing it, and a stranger, see nothing
    # and cannot object to it.
    for person in (handler, stranger):
        api_client.force_authenticate(person)
        assert api_client.get(LOG).json()["count"] == 0
        refused = api_client.post(
            "/api/v1/me/objections/",
            {"kind": "certificate", "entry": entry["id"], "text": "异议"},
            format="json",
        )
        assert refused.status_code == 404
    assert Objection.objects.count() == 1


def test_a_persons_certificate_read_is_in_their_log_page_only(
    client, tax_office, residence, residence_type, citizen, manager
):
    DepartmentReadGrant.objects.create(
        department=tax_office,
        type=residence_type,
        purpose="个税住房租金扣除核验",
        granted_by=manager,
    )
    services.department_read(
        department=tax_office,
        client="个税系统",
        holder_code=citizen.id_number,
        type_code="jzz",
        purpose="个税住房租金扣除核验",
    )

    client.force_login(citizen)
    page = client.get("/sharing/my-data-use/").content.decode()
    client.force_login(manager)
    other = client.get("/sharing/my-data-use/").content.decode()

    assert "个税住房租金扣除核验" in page
    assert residence.identifier in page
    assert "个税住房租金扣除核验" not in other
