import pytest

from identity.constants import AuditAction, AuditOutcome
from identity.models import AuditEvent, User

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
VALID = {"id_number": "420502199003071234", "name": "张三", "password": "Demo-2026!"}


def test_registration_through_the_api_creates_one_person_and_audits_it(api_client):
    response = api_client.post(REGISTER, {**VALID, "phone": "13800000001"}, format="json")

    assert response.status_code == 201
    assert response.json()["id_number"] == "4205**********1234"
    user = User.objects.get()
    assert (user.id_number, user.name, user.phone) == ("420502199003071234", "张三", "13800000001")
    assert user.check_password("Demo-2026!")
    event = AuditEvent.objects.get(action=AuditAction.REGISTER)
    assert (event.actor, event.outcome) == (user, AuditOutcome.SUCCESS)


def test_a_lowercase_x_registers_the_normalised_number(api_client):
    response = api_client.post(
        REGISTER, {**VALID, "id_number": "11010519491231002x", "name": "李四"}, format="json"
    )

    assert response.status_code == 201
    assert User.objects.get().id_number == "11010519491231002X"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"id_number": "420502199003071235"},
            "id_number",
            "The check digit of this ID number is wrong",
        ),
        ({"password": "73926184"}, "password", "This password is entirely numeric."),
        ({"password": "short"}, "password", "This password is too short."),
        ({"name": "  "}, "name", "Enter your name as it appears on your ID card."),
        ({"phone": "12345"}, "phone", "Enter an 11-digit mobile number starting with 1."),
        ({"email": "not-an-address"}, "email", "Enter a valid e-mail address."),
    ],
)
def test_bad_input_is_a_400_on_the_field_and_creates_nothing(api_client, changes, field, message):
    response = api_client.post(
        REGISTER, {**VALID, **changes}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["errors"][field][0].startswith(message)
    assert not User.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.REGISTER).exists()


def test_errors_are_translated_to_chinese_by_default(api_client):
    response = api_client.post(
        REGISTER, {**VALID, "id_number": "420502199003071235"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["id_number"] == ["身份证号码校验位错误，请核对号码。"]


def test_a_second_registration_with_the_same_number_is_refused(api_client):
    assert api_client.post(REGISTER, VALID, format="json").status_code == 201

    response = api_client.post(
        REGISTER,
        {**VALID, "name": "冒名", "password": "Other-2026!"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["id_number"] == [
        "An account with this ID number already exists. Sign in or reset your password."
    ]
    user = User.objects.get()
    assert (user.name, user.check_password("Demo-2026!")) == ("张三", True)


def test_registration_in_the_browser_signs_the_person_in(client):
    response = client.post(
        "/accounts/register/", {**VALID, "password_again": VALID["password"]}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/accounts/profile/"
    assert response.context["user"].id_number == VALID["id_number"]
    assert "4205**********1234" in response.content.decode()
    assert "420502199003071234" not in response.content.decode()


def test_a_browser_error_keeps_what_was_typed_except_the_password(english, client):
    response = client.post(
        "/accounts/register/",
        {
            **VALID,
            "id_number": "420502199003071235",
            "phone": "13800000001",
            "password_again": VALID["password"],
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["id_number"] == [
        "The check digit of this ID number is wrong; please check the number."
    ]
    html = response.content.decode()
    assert 'value="张三"' in html
    assert 'value="13800000001"' in html
    assert "Demo-2026!" not in html
    assert not User.objects.exists()


def test_mismatched_passwords_are_caught_before_anything_is_created(english, client):
    response = client.post("/accounts/register/", {**VALID, "password_again": "Other-2026!"})

    assert response.context["form"].errors["password_again"] == ["The two passwords do not match."]
    assert not User.objects.exists()
