"""我的证照: the holder's certificates in the browser and the API, downloads, and 授权用证
(a time-limited view for a third party, every use logged)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates import services
from certificates.constants import AuditAction, GrantUseOutcome
from certificates.models import CertificateGrant, CertificateGrantUse
from identity.constants import Role
from identity.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _sign_in(client, user) -> None:
    client.force_login(user)


# --- Pages ------------------------------------------------------------------------------------


def test_the_wallet_lists_the_persons_and_their_organisations_certificates(
    client, citizen, residence, licence, representative, django_assert_max_num_queries
):
    # 张三 acts for the enterprise too.
    MembershipFactory(user=citizen, organisation=licence.holder_organisation, role=Role.HANDLER)
    _sign_in(client, citizen)

    with django_assert_max_num_queries(12):
        response = client.get("/certificates/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [card["certificate"] for card in response.context["cards"]] == [residence, licence]
    assert "居住证" in html
    assert "营业执照" in html


def test_someone_elses_certificate_is_not_found(client, residence, licence):
    stranger = UserFactory()
    _sign_in(client, stranger)

    pages = [
        client.get(f"/certificates/{residence.public_id}/"),
        client.get(f"/certificates/{residence.public_id}/pdf"),
        client.get(f"/certificates/{licence.public_id}/pdf"),
        client.post(
            f"/certificates/{residence.public_id}/grants/",
            {"recipient": "某银行", "purpose": "贷款", "hours": 24},
        ),
    ]

    assert [page.status_code for page in pages] == [404, 404, 404, 404]
    assert not CertificateGrant.objects.exists()
    assert client.get("/certificates/").context["cards"] == []


def test_the_wallet_asks_to_sign_in(client):
    response = client.get("/certificates/")

    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_the_holder_sees_the_certificate_and_downloads_its_pdf(client, representative, licence):
    _sign_in(client, representative)

    page = client.get(f"/certificates/{licence.public_id}/")
    download = client.get(f"/certificates/{licence.public_id}/pdf")

    assert page.status_code == 200
    assert "宜昌市西陵区发展大道66号" in page.content.decode()
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment;" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, actor=representative).exists()


# --- 授权用证 -----------------------------------------------------------------------------------


def _grant(client, holder, certificate, **data):
    _sign_in(client, holder)
    values = {"recipient": "中国银行宜昌分行", "purpose": "办理经营贷款", "hours": 24, **data}
    return client.post(f"/certificates/{certificate.public_id}/grants/", values)


def test_the_holder_grants_a_view_that_a_third_party_opens_with_the_code(
    client, representative, licence
):
    response = _grant(client, representative, licence)
    grant = CertificateGrant.objects.get()
    client.logout()

    form = client.get(f"/certificates/shared/{grant.token}/")
    shown = client.post(f"/certificates/shared/{grant.token}/", {"code": grant.access_code})

    assert response.status_code == 302
    assert grant.valid_until - timezone.now() > timedelta(hours=23)
    assert form.status_code == 200
    assert shown.status_code == 200
    assert "经营范围" in shown.content.decode()
    assert list(grant.uses.values_list("outcome", flat=True)) == [GrantUseOutcome.SHOWN]


def test_every_use_of_a_grant_is_shown_to_the_holder(client, representative, licence):
    _grant(client, representative, licence)
    grant = CertificateGrant.objects.get()
    client.logout()
    client.post(f"/certificates/shared/{grant.token}/", {"code": "WRONG1"})
    client.post(f"/certificates/shared/{grant.token}/", {"code": grant.access_code.lower()})
    _sign_in(client, representative)

    page = client.get(f"/certificates/{licence.public_id}/").content.decode()

    assert list(grant.uses.order_by("at", "id").values_list("outcome", flat=True)) == [
        GrantUseOutcome.WRONG_CODE,
        GrantUseOutcome.SHOWN,
    ]
    assert "中国银行宜昌分行" in page
    assert grant.access_code in page


def test_a_wrong_code_is_refused_and_repeated_wrong_codes_lock_the_grant(client, residence):
    grant = services.grant_create(
        certificate=residence,
        actor=residence.holder_user,
        recipient="房东",
        purpose="租房",
        hours=24,
    )

    statuses = [
        client.post(f"/certificates/shared/{grant.token}/", {"code": "AAAAAA"}).status_code
        for _ in range(6)
    ]
    right = client.post(f"/certificates/shared/{grant.token}/", {"code": grant.access_code})

    assert statuses == [400, 400, 400, 400, 400, 429]
    assert right.status_code == 429
    assert "居住地址" not in right.content.decode()
    assert CertificateGrantUse.objects.filter(outcome=GrantUseOutcome.LOCKED).count() == 2


def test_a_grant_used_after_expiry_or_withdrawal_shows_nothing(client, residence):
    expired = services.grant_create(
        certificate=residence, actor=residence.holder_user, recipient="A", purpose="B", hours=1
    )
    CertificateGrant.objects.filter(pk=expired.pk).update(
        valid_until=timezone.now() - timedelta(minutes=1)
    )
    withdrawn = services.grant_create(
        certificate=residence, actor=residence.holder_user, recipient="C", purpose="D", hours=1
    )
    services.grant_revoke(grant=withdrawn, actor=residence.holder_user)

    answers = [
        client.post(f"/certificates/shared/{g.token}/", {"code": g.access_code})
        for g in (expired, withdrawn)
    ]

    assert [a.status_code for a in answers] == [410, 410]
    assert all("宜昌市西陵区夷陵大道58号" not in a.content.decode() for a in answers)
    assert sorted(CertificateGrantUse.objects.values_list("outcome", flat=True)) == [
        GrantUseOutcome.EXPIRED,
        GrantUseOutcome.REVOKED,
    ]


def test_an_unknown_grant_link_is_not_found(client):
    assert client.get(f"/certificates/shared/{'x' * 22}/").status_code == 404
    assert client.get("/certificates/shared/short/").status_code == 404


def test_the_holder_withdraws_a_grant_and_only_the_holder_can(client, residence):
    grant = services.grant_create(
        certificate=residence, actor=residence.holder_user, recipient="A", purpose="B", hours=24
    )
    _sign_in(client, UserFactory())
    refused = client.post(f"/certificates/{residence.public_id}/grants/{grant.public_id}/withdraw/")
    grant.refresh_from_db()
    assert (refused.status_code, grant.revoked_at) == (404, None)

    _sign_in(client, residence.holder_user)
    done = client.post(f"/certificates/{residence.public_id}/grants/{grant.public_id}/withdraw/")

    grant.refresh_from_db()
    assert done.status_code == 302
    assert grant.revoked_at is not None


@pytest.mark.parametrize(
    ("data", "field"),
    [({"recipient": ""}, "recipient"), ({"purpose": " "}, "purpose"), ({"hours": 9999}, "hours")],
)
def test_a_grant_needs_a_recipient_a_purpose_and_a_short_time(client, residence, data, field):
    response = _grant(client, residence.holder_user, residence, **data)

    assert response.status_code == 400
    assert field in response.context["grant_form"].errors
    assert not CertificateGrant.objects.exists()


def test_a_revoked_certificate_cannot_be_shown(client, residence, manager):
    services.certificate_revoke(certificate=residence, actor=manager, reason="注销")

    response = _grant(client, residence.holder_user, residence)

    assert response.status_code == 400
    assert not CertificateGrant.objects.exists()


# --- API --------------------------------------------------------------------------------------


def test_the_api_lists_the_callers_certificates_only(
    api_client, residence, licence, django_assert_max_num_queries
):
    api_client.force_authenticate(residence.holder_user)

    with django_assert_max_num_queries(6):
        body = api_client.get("/api/v1/certificates/").json()

    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == str(residence.public_id)
    assert item["status"] == "valid"
    assert item["holder"]["code"] == "4205**********1234"
    assert item["pdf_url"] is None
    assert item["verify_url"].endswith(f"/verify/{residence.verify_code}")


def test_the_api_shows_one_certificate_with_its_data_and_its_pdf(
    api_client, licence, representative
):
    api_client.force_authenticate(representative)

    detail = api_client.get(f"/api/v1/certificates/{licence.public_id}/").json()
    pdf = api_client.get(f"/api/v1/certificates/{licence.public_id}/pdf")

    assert {"key": "company_name", "label": "名称", "value": "宜昌示例科技有限公司"} in detail[
        "fields"
    ]
    assert detail["pdf_sha256"] == licence.pdf_sha256
    assert [e["kind"] for e in detail["events"]] == ["issued"]
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_the_api_answers_404_for_someone_elses_and_409_before_the_pdf(
    api_client, residence, licence
):
    api_client.force_authenticate(residence.holder_user)

    others = [
        api_client.get(f"/api/v1/certificates/{licence.public_id}/"),
        api_client.get(f"/api/v1/certificates/{licence.public_id}/pdf"),
    ]
    not_yet = api_client.get(f"/api/v1/certificates/{residence.public_id}/pdf")

    assert [r.status_code for r in others] == [404, 404]
    assert others[0].json() == {"detail": others[0].json()["detail"], "errors": {}}
    assert not_yet.status_code == 409


def test_the_api_needs_a_signed_in_caller(api_client, residence):
    assert api_client.get("/api/v1/certificates/").status_code in (401, 403)
    assert api_client.get(f"/api/v1/certificates/{residence.public_id}/").status_code in (401, 403)
