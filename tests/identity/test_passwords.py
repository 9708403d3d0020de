import re

import pytest
from django.core import mail

from identity.constants import AuditAction
from identity.models import AuditEvent
from tests.factories import UserFactory
from tests.factories.identity import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return UserFactory(id_number="420502199003071234", name="张三", email="zhangsan@example.com")


def test_changing_the_password_keeps_the_session(client, person):
    client.force_login(person)

    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password": "Another-Pass-77"}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Another-Pass-77")
    assert client.get("/accounts/profile/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=person).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"old_password": "wrong", "new_password": "Another-Pass-77"},
            "old_password",
            "Your current password is incorrect.",
        ),
        (
            {"old_password": PASSWORD, "new_password": "password"},
            "new_password",
            "This password is too common.",
        ),
    ],
)
def test_a_refused_change_leaves_the_password_alone(english, client, person, data, field, message):
    client.force_login(person)

    response = client.post("/accounts/password/", data)

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_forgotten_password_is_reset_through_the_e_mailed_link(client, person):
    response = client.post("/accounts/password-reset/", {"email": "zhangsan@example.com"})

    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zhangsan@example.com"]
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    confirm_url = form_page.redirect_chain[-1][0]
    done = client.post(
        confirm_url, {"new_password1": "Brand-New-2026", "new_password2": "Brand-New-2026"}
    )

    assert done["Location"] == "/accounts/password-reset/complete/"
    person.refresh_from_db()
    assert person.check_password("Brand-New-2026")
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET, actor=person).exists()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, person):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})

    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_reset_mail_is_sent_by_a_real_celery_worker(client, person, celery_worker_on_redis):
    import time

    client.post("/accounts/password-reset/", {"email": "zhangsan@example.com"})

    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mail.outbox) == 1
    assert "/accounts/password-reset/" in mail.outbox[0].body
