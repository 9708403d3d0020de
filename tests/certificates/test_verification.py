"""Public verification: /verify/{code} and /api/v1/verify/{code} (SPEC.md §7, API.md)."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile

from certificates import identifiers, services
from certificates.constants import Standing
from certificates.models import Certificate
from tests.certificates.conftest import issue

pytestmark = pytest.mark.django_db


def _api(api_client, code: str) -> dict:
    response = api_client.get(f"/api/v1/verify/{code}")
    assert response.status_code == 200
    return response.json()


def test_a_valid_licence_shows_its_public_data_and_passes_both_checks(api_client, licence):
    body = _api(api_client, licence.verify_code)

    assert body["status"] == "valid"
    assert (body["signature_valid"], body["pdf_intact"]) == (True, True)
    certificate = body["certificate"]
    assert certificate["identifier"] == licence.identifier
    assert certificate["type"] == {"code": "yyzz", "name": "营业执照"}
    # An organisation's name and credit code are public (企业信用信息公示).
    assert certificate["holder"] == {
        "kind": "organisation",
        "name": "宜昌示例科技有限公司",
        "code": licence.holder_code,
    }
    assert [f["label"] for f in certificate["fields"]] == ["名称", "住所", "经营范围"]


def test_a_persons_name_and_id_number_are_masked_and_private_fields_hidden(
    api_client, residence, citizen
):
    body = _api(api_client, residence.verify_code)

    assert body["certificate"]["holder"] == {
        "kind": "person",
        "name": "张*",
        "code": "4205**********1234",
    }
    assert body["certificate"]["fields"] == []  # name and address are not for verifiers
    assert body["pdf_intact"] is None  # not rendered yet
    assert citizen.id_number not in str(body)


def test_the_short_code_printed_on_the_pdf_verifies_too_typed_loosely(api_client, residence):
    typed = identifiers.format_short_code(residence.short_code).lower()

    assert _api(api_client, typed)["certificate"]["identifier"] == residence.identifier


@pytest.mark.parametrize(
    "code",
    [
        "A" * 22,  # well formed, no such certificate
        "ABCDE-FGHJK",  # a well formed short code of nobody
        "1.2.156.3005.2.x",  # the identifier is not a verification code
        "%27%20OR%201=1--",
        "x" * 300,
        "短码",
    ],
)
def test_unknown_and_malformed_codes_get_the_same_answer(api_client, client, residence, code):
    body = _api(api_client, code)
    page = client.get(f"/verify/{code}")

    assert body == {
        "status": "unknown",
        "certificate": None,
        "signature_valid": None,
        "pdf_intact": None,
    }
    assert page.status_code == 200
    assert residence.identifier not in page.content.decode()


def test_the_identifier_of_a_certificate_does_not_open_it(api_client, residence):
    assert _api(api_client, residence.identifier)["status"] == "unknown"


def test_a_revoked_certificate_verifies_as_revoked(api_client, client, residence, manager):
    services.certificate_revoke(certificate=residence, actor=manager, reason="居住地变更")

    body = _api(api_client, residence.verify_code)
    page = client.get(f"/verify/{residence.verify_code}")

    assert body["status"] == "revoked"
    assert body["certificate"]["revoked_at"] is not None
    assert "badge danger" in page.content.decode()


def test_an_expired_certificate_verifies_as_expired(
    api_client, residence_type, citizen, department
):
    old = issue(
        residence_type,
        issuer=department,
        holder_user=citizen,
        issued_on=date.today() - timedelta(days=400),
    )

    assert _api(api_client, old.verify_code)["status"] == "expired"


def test_a_replaced_version_verifies_as_replaced_and_names_its_successor(
    api_client, licence, manager
):
    new = services.certificate_replace(
        certificate=licence, actor=manager, data={"registered_address": "新住所"}, reason="住所变更"
    )

    old_body = _api(api_client, licence.verify_code)
    new_body = _api(api_client, new.verify_code)

    assert (old_body["status"], new_body["status"]) == ("replaced", "valid")
    assert old_body["certificate"]["replaced_by"] == new.identifier
    assert {"key": "registered_address", "label": "住所", "value": "新住所"} in new_body[
        "certificate"
    ]["fields"]


# --- Tampering ------------------------------------------------------------------------------


def test_changed_data_in_the_database_is_detected(api_client, client, licence):
    Certificate.objects.filter(pk=licence.pk).update(
        data={**licence.data, "business_scope": "软件开发；金融服务"}
    )

    body = _api(api_client, licence.verify_code)
    page = client.get(f"/verify/{licence.verify_code}").content.decode()

    assert body["status"] == Standing.TAMPERED
    assert (body["signature_valid"], body["pdf_intact"]) == (False, True)
    assert "does not match the signature" in page or "签名" in page


def test_a_changed_holder_name_is_detected(api_client, licence):
    Certificate.objects.filter(pk=licence.pk).update(holder_name="另一家公司")

    assert _api(api_client, licence.verify_code)["signature_valid"] is False


def test_a_replaced_pdf_file_is_detected(api_client, licence):
    licence.pdf.storage.delete(licence.pdf.name)
    licence.pdf.storage.save(licence.pdf.name, ContentFile(b"%PDF-1.4 forged"))

    body = _api(api_client, licence.verify_code)

    assert (body["status"], body["signature_valid"], body["pdf_intact"]) == (
        "tampered",
        True,
        False,
    )


def test_a_replaced_pdf_with_its_recorded_hash_changed_too_is_detected(api_client, licence):
    import hashlib

    forged = b"%PDF-1.4 forged"
    licence.pdf.storage.delete(licence.pdf.name)
    licence.pdf.storage.save(licence.pdf.name, ContentFile(forged))
    Certificate.objects.filter(pk=licence.pk).update(pdf_sha256=hashlib.sha256(forged).hexdigest())

    assert _api(api_client, licence.verify_code)["pdf_intact"] is False


def test_a_missing_pdf_file_is_detected(api_client, licence):
    licence.pdf.storage.delete(licence.pdf.name)

    assert _api(api_client, licence.verify_code)["pdf_intact"] is False


# --- The pages and the throttle ---------------------------------------------------------------


def test_the_page_is_public_and_shows_the_masked_holder(client, residence):
    response = client.get(f"/verify/{residence.verify_code}")
    html = response.content.decode()

    assert response.status_code == 200
    assert "张*" in html
    assert residence.holder_code not in html
    assert residence.identifier in html


def test_the_code_form_leads_to_the_page_of_the_code(client, residence):
    typed = identifiers.format_short_code(residence.short_code)

    response = client.get("/verify/", {"code": typed.lower()})

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{residence.short_code}"


def test_a_code_that_cannot_be_a_short_code_leads_to_the_unknown_answer(client):
    response = client.get("/verify/", {"code": "not a code"}, follow=True)

    assert response.status_code == 200
    assert response.context["result"].standing == Standing.UNKNOWN


def test_guessing_is_throttled_on_the_page_and_the_api(client, api_client, settings, residence):
    settings.PORTAL_VERIFY_THROTTLE = "3/min"
    pages = [client.get(f"/verify/{'B' * 22}").status_code for _ in range(4)]
    # The limit is per address, shared by the page and the API.
    api = api_client.get(f"/api/v1/verify/{residence.verify_code}")

    assert pages == [200, 200, 200, 429]
    assert api.status_code == 429
    assert api.json()["detail"]
    assert int(client.get(f"/verify/{'B' * 22}")["Retry-After"]) > 0
