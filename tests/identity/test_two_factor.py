import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from identity.constants import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_staff_register_an_authenticator_by_scanning_and_confirming(client):
    user = MembershipFactory(role=Role.CLERK).user
    client.force_login(user)

    page = client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post("/accounts/two-factor/", {"token": code})

    assert "<svg" in page.content.decode()
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_code_leaves_the_authenticator_unconfirmed(english, client):
    user = MembershipFactory(role=Role.CLERK).user
    client.force_login(user)
    client.get("/accounts/two-factor/")

    response = client.post("/accounts/two-factor/", {"token": "000000"})

    assert response.context["form"].errors["token"] == [
        "The code does not match. Check the time on your phone and try again."
    ]
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
