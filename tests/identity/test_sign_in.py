import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from identity.constants import AuditAction, AuditOutcome, Role
from identity.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory
from tests.factories.identity import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def _current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def person():
    return UserFactory(id_number="420502199003071234", name="张三")


@pytest.fixture
def staff_with_device(settings):
    settings.PORTAL_STAFF_2FA = True
    membership = MembershipFactory(role=Role.REVIEWER)
    device = TOTPDevice.objects.create(user=membership.user, name="phone", confirmed=True)
    return membership.user, device


def test_a_token_is_issued_for_the_right_password_and_opens_me(api_client, person):
    response = api_client.post(
        TOKEN, {"id_number": person.id_number, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    assert AuthToken.objects.filter(user=person).count() == 1
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/").json()
    assert (me["id_number"], me["name"]) == ("4205**********1234", "张三")
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert (event.actor, event.outcome, event.detail["channel"]) == (person, "success", "api")


def test_a_wrong_password_is_a_400_on_the_password_field_and_is_recorded(api_client, person):
    response = api_client.post(
        TOKEN,
        {"id_number": person.id_number, "password": "wrong"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"password": ["The ID number or password is incorrect."]}
    assert not AuthToken.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert (event.outcome, event.actor_label, event.detail["reason"]) == (
        AuditOutcome.FAILURE,
        "4205**********1234",
        "credentials",
    )


def test_five_failures_lock_the_number_even_for_the_right_password(api_client, person):
    for _attempt in range(5):
        api_client.post(TOKEN, {"id_number": person.id_number, "password": "wrong"}, format="json")

    response = api_client.post(
        TOKEN,
        {"id_number": person.id_number, "password": PASSWORD},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 429
    assert response.json()["errors"]["id_number"][0].startswith("Too many failed sign-ins")
    assert not AuthToken.objects.exists()
    assert AuditEvent.objects.filter(detail__reason="locked").count() == 2


def test_the_lockout_does_not_store_the_id_number(api_client, person):
    from axes.models import AccessAttempt

    api_client.post(TOKEN, {"id_number": person.id_number, "password": "wrong"}, format="json")

    attempt = AccessAttempt.objects.get()
    assert person.id_number not in attempt.username
    assert len(attempt.username) == 32


def test_the_browser_sign_in_shows_the_lockout_on_the_form(english, client, person):
    for _attempt in range(5):
        client.post("/accounts/sign-in/", {"id_number": person.id_number, "password": "wrong"})

    response = client.post(
        "/accounts/sign-in/", {"id_number": person.id_number, "password": PASSWORD}
    )

    assert response.status_code == 429
    assert response.context["form"].errors["id_number"][0].startswith("Too many failed sign-ins")
    assert "_auth_user_id" not in client.session


def test_signing_in_changes_the_session_key(client, person):
    client.get("/accounts/sign-in/")
    client.session.save()
    before = client.session.session_key

    response = client.post(
        "/accounts/sign-in/", {"id_number": person.id_number, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(person.pk)


def test_sign_in_redirects_only_to_local_next(client, person):
    response = client.post(
        "/accounts/sign-in/",
        {"id_number": person.id_number, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == "/accounts/profile/"


def test_sign_out_needs_post_and_ends_the_session(client, person):
    client.force_login(person)

    assert client.get("/accounts/sign-out/").status_code == 405
    response = client.post("/accounts/sign-out/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=person).exists()


def test_staff_without_a_code_are_refused_on_the_otp_field(api_client, staff_with_device):
    user, _device = staff_with_device

    response = api_client.post(
        TOKEN,
        {"id_number": user.id_number, "password": PASSWORD},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "otp": ["Staff must enter the 6-digit code from their authenticator app."]
    }
    assert not AuthToken.objects.exists()


def test_staff_with_a_wrong_code_are_refused(api_client, staff_with_device):
    user, device = staff_with_device
    wrong = f"{(int(_current_code(device)) + 1) % 1_000_000:06d}"

    response = api_client.post(
        TOKEN, {"id_number": user.id_number, "password": PASSWORD, "otp": wrong}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["otp"]
    assert not AuthToken.objects.exists()


def test_staff_with_the_current_code_get_a_token(api_client, staff_with_device):
    user, device = staff_with_device

    response = api_client.post(
        TOKEN,
        {"id_number": user.id_number, "password": PASSWORD, "otp": _current_code(device)},
        format="json",
    )

    assert response.status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 1


def test_staff_sign_in_in_the_browser_verifies_the_second_factor(client, staff_with_device):
    user, device = staff_with_device

    response = client.post(
        "/accounts/sign-in/",
        {"id_number": user.id_number, "password": PASSWORD, "otp": _current_code(device)},
    )

    assert response.status_code == 302
    assert client.session["otp_device_id"] == device.persistent_id


def test_staff_without_an_authenticator_are_told_to_get_one(api_client, settings):
    settings.PORTAL_STAFF_2FA = True
    user = MembershipFactory(role=Role.CLERK).user

    response = api_client.post(
        TOKEN,
        {"id_number": user.id_number, "password": PASSWORD, "otp": "123456"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["otp"][0].startswith("No authenticator app is registered")


def test_citizens_never_need_a_code(api_client, settings, person):
    settings.PORTAL_STAFF_2FA = True

    response = api_client.post(
        TOKEN, {"id_number": person.id_number, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200


def test_a_deactivated_account_is_told_so(api_client, person):
    person.is_active = False
    person.save()

    response = api_client.post(
        TOKEN,
        {"id_number": person.id_number, "password": PASSWORD},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 403
    assert response.json()["detail"].startswith("This account has been deactivated")


def test_me_needs_a_sign_in(api_client):
    response = api_client.get("/api/v1/me/")

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_logout_all_ends_every_token(api_client, person):
    tokens = [
        api_client.post(
            TOKEN, {"id_number": person.id_number, "password": PASSWORD}, format="json"
        ).json()["token"]
        for _ in range(2)
    ]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")

    assert api_client.post("/api/v1/auth/logout-all/").status_code == 204

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[1]}")
    assert api_client.get("/api/v1/me/").status_code == 401
