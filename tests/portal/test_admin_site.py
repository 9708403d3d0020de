import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from identity.constants import Role
from tests.factories import MembershipFactory, UserFactory
from tests.factories.identity import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_admin_sends_people_to_the_portal_sign_in(client):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/sign-in/?next=/admin/"


def test_a_citizen_is_not_let_into_the_admin(client):
    client.force_login(UserFactory())

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/sign-in/?next=/admin/"


def test_with_2fa_on_staff_need_a_verified_code_for_the_admin(client, settings):
    settings.PORTAL_STAFF_2FA = True
    user = MembershipFactory(role=Role.CATALOGUE_ADMIN, user__is_staff=True).user
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)  # a session without the second factor

    refused = client.get("/admin/")
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post(
        "/accounts/sign-in/", {"id_number": user.id_number, "password": PASSWORD, "otp": code}
    )
    allowed = client.get("/admin/")

    assert refused.status_code == 302
    assert allowed.status_code == 200


def test_with_2fa_off_staff_reach_the_admin_with_a_password(client):
    user = MembershipFactory(role=Role.CATALOGUE_ADMIN, user__is_staff=True).user
    client.post("/accounts/sign-in/", {"id_number": user.id_number, "password": PASSWORD})

    assert client.get("/admin/").status_code == 200
