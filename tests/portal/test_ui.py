import pytest
from django.urls import resolve

from identity.constants import Role
from portal.navigation import navigation_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _nav_urls(response) -> list[str]:
    return [item.url for item in response.context["ui"]["nav"]]


def test_the_home_page_is_in_simplified_chinese_by_default(client):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in html
    assert "政务服务网" in html


def test_pages_stay_chinese_whatever_the_browser_asks(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="zh-hans"' in response.content.decode()


def test_the_api_honours_accept_language_for_integrators(api_client):
    response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["detail"] == "Authentication credentials were not provided."


def test_english_is_one_switch_away_and_is_remembered_for_the_person(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert '<html lang="en"' in client.get("/").content.decode()


def test_the_remembered_language_follows_the_person_to_a_new_browser(client):
    user = UserFactory(language="en")
    from tests.factories.identity import PASSWORD

    response = client.post(
        "/accounts/sign-in/", {"id_number": user.id_number, "password": PASSWORD}
    )

    assert response.cookies["django_language"].value == "en"


def test_the_elder_mode_is_remembered_on_the_account(client):
    user = UserFactory()
    client.force_login(user)

    client.post("/accounts/preferences/", {"elder_mode": "1", "next": "/"})

    user.refresh_from_db()
    assert user.elder_mode is True
    assert '<html lang="zh-hans" class="elder"' in client.get("/").content.decode()


def test_visitors_get_the_elder_mode_for_their_session(client):
    response = client.post("/accounts/preferences/", {"elder_mode": "1", "next": "/"})

    assert response["Location"] == "/"
    assert 'class="elder"' in client.get("/").content.decode()
    client.post("/accounts/preferences/", {"elder_mode": "0", "next": "/"})
    assert 'class="elder"' not in client.get("/").content.decode()


def test_preferences_never_redirect_off_site(client):
    response = client.post(
        "/accounts/preferences/", {"elder_mode": "1", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_visitors_see_only_public_navigation(client):
    assert _nav_urls(client.get("/")) == ["/", "/services/"]


def test_citizens_see_their_space_but_not_the_administration(client):
    client.force_login(UserFactory())

    assert _nav_urls(client.get("/")) == [
        "/",
        "/services/",
        "/accounts/profile/",
        "/cases/",
        "/certificates/",
        "/cases/inbox/",
        "/accounts/authorisations/",
        "/hall/",
        "/sharing/my-data-use/",
        "/supervision/complaints/",
    ]


def test_catalogue_admins_with_admin_access_see_the_administration(client):
    membership = MembershipFactory(role=Role.CATALOGUE_ADMIN, user__is_staff=True)
    client.force_login(membership.user)

    assert "/admin/" in _nav_urls(client.get("/"))


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/cases/420500-20261204-000001/review/", "/cases/queue/"),
        ("/cases/420500-20261204-000001/", "/cases/"),
        ("/cases/inbox/", "/cases/inbox/"),
    ],
)
def test_a_reviewers_case_review_page_is_part_of_the_review_queue(rf, path, current):
    request = rf.get(path)
    request.resolver_match = resolve(path)
    request.user = MembershipFactory(role=Role.REVIEWER).user

    active = [item.url for item in navigation_for(request) if item.active]

    assert active == [current]


def test_the_profile_masks_the_id_number_and_lists_roles(english, client):
    membership = MembershipFactory(role=Role.REVIEWER, user__id_number="420502199003071234")
    client.force_login(membership.user)

    html = client.get("/accounts/profile/").content.decode()

    assert "4205**********1234" in html
    assert "420502199003071234" not in html
    assert membership.organisation.name in html


def test_contact_details_are_validated_on_their_field(english, client):
    user = UserFactory(phone="13800000001")
    client.force_login(user)

    response = client.post("/accounts/profile/", {"phone": "99", "email": "a@example.com"})

    assert response.context["form"].errors["phone"] == [
        "Enter an 11-digit mobile number starting with 1."
    ]
    user.refresh_from_db()
    assert user.phone == "13800000001"


def test_errors_pages_are_friendly(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
