from datetime import timedelta

import pytest
from django.utils import timezone

from identity import selectors
from identity.constants import AuditAction
from identity.models import AuditEvent, Authorisation
from tests.factories import AuthorisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/accounts/authorisations/"


@pytest.fixture
def grandmother():
    return UserFactory(id_number="420502195008080078", name="王奶奶")


@pytest.fixture
def grandson():
    return UserFactory(id_number="420502199003071234", name="张三")


def _grant(client, agent, **changes):
    data = {
        "agent_id_number": agent.id_number,
        "agent_name": agent.name,
        "matter_code": "",
        "valid_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
        **changes,
    }
    return client.post(PAGE, data)


def test_a_person_authorises_an_agent_for_all_matters(client, grandmother, grandson):
    client.force_login(grandmother)

    response = _grant(client, grandson)

    assert response.status_code == 302
    authorisation = Authorisation.objects.get()
    assert (authorisation.principal, authorisation.agent, authorisation.matter_code) == (
        grandmother,
        grandson,
        "",
    )
    assert selectors.authorisation_active(principal=grandmother, agent=grandson, matter_code="X1")
    assert AuditEvent.objects.filter(
        action=AuditAction.AUTHORISATION_GRANT, actor=grandmother
    ).exists()


def test_an_authorisation_for_one_matter_does_not_cover_another(grandmother, grandson):
    AuthorisationFactory(principal=grandmother, agent=grandson, matter_code="11420500A001")

    assert selectors.authorisation_active(
        principal=grandmother, agent=grandson, matter_code="11420500A001"
    )
    assert (
        selectors.authorisation_active(
            principal=grandmother, agent=grandson, matter_code="11420500B002"
        )
        is None
    )


def test_an_expired_authorisation_is_not_active(grandmother, grandson):
    AuthorisationFactory(
        principal=grandmother, agent=grandson, valid_until=timezone.localdate() - timedelta(days=1)
    )

    assert selectors.authorisation_active(principal=grandmother, agent=grandson) is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"agent_name": "别人"},
            "agent_id_number",
            "No registered person has this ID number and name. Check both.",
        ),
        (
            {"agent_id_number": "420502199003071235"},
            "agent_id_number",
            "The check digit of this ID number is wrong; please check the number.",
        ),
        ({"valid_until": "2020-01-01"}, "valid_until", "The end date must be today or later."),
    ],
)
def test_bad_grants_are_refused_on_the_field_and_keep_the_input(
    english, client, grandmother, grandson, changes, field, message
):
    client.force_login(grandmother)

    response = _grant(client, grandson, **changes)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert response.context["form"]["agent_name"].value() == changes.get("agent_name", "张三")
    assert not Authorisation.objects.exists()


def test_nobody_can_authorise_themselves(english, client, grandmother):
    client.force_login(grandmother)

    response = _grant(client, grandmother)

    assert response.context["form"].errors["agent_id_number"] == ["You cannot authorise yourself."]
    assert not Authorisation.objects.exists()


def test_the_principal_revokes_and_the_agent_loses_the_authorisation(client, grandmother, grandson):
    authorisation = AuthorisationFactory(principal=grandmother, agent=grandson)
    client.force_login(grandmother)

    response = client.post(f"{PAGE}{authorisation.public_id}/revoke/")

    assert response.status_code == 302
    authorisation.refresh_from_db()
    assert authorisation.revoked_at is not None
    assert selectors.authorisation_active(principal=grandmother, agent=grandson) is None


def test_the_agent_cannot_revoke_and_sees_not_found(client, grandmother, grandson):
    authorisation = AuthorisationFactory(principal=grandmother, agent=grandson)
    client.force_login(grandson)

    response = client.post(f"{PAGE}{authorisation.public_id}/revoke/")

    assert response.status_code == 404
    authorisation.refresh_from_db()
    assert authorisation.revoked_at is None


def test_a_stranger_cannot_see_or_revoke(client, grandmother, grandson):
    authorisation = AuthorisationFactory(principal=grandmother, agent=grandson)
    stranger = UserFactory()
    client.force_login(stranger)

    page = client.get(PAGE)
    response = client.post(f"{PAGE}{authorisation.public_id}/revoke/")

    assert "王奶奶" not in page.content.decode()
    assert response.status_code == 404
    authorisation.refresh_from_db()
    assert authorisation.revoked_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")


def test_the_page_lists_both_directions_in_few_queries(
    client, grandmother, grandson, django_assert_max_num_queries
):
    for _ in range(5):
        AuthorisationFactory(principal=grandmother)
        AuthorisationFactory(agent=grandmother)
    client.force_login(grandmother)

    with django_assert_max_num_queries(12):
        response = client.get(PAGE)

    assert len(response.context["granted"]) == 5
    assert len(response.context["held"]) == 5
