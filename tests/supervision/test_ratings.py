"""好差评: one rating per ended case, by its applicant, on the web, the API and the counter;
a bad rating opens a follow-up; public figures in aggregate only."""

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import resolve
from django.utils import timezone

from cases.constants import CaseState
from cases.models import Notice
from core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from identity.constants import Role
from supervision import kiosk, services, sweep
from supervision.api.views import CaseRatingView
from supervision.constants import CardKind, RatingChannel
from supervision.models import Card, Rating, RatingFollowUp
from tests.factories import MembershipFactory, UserFactory
from tests.factories.identity import AuthorisationFactory
from tests.supervision.conftest import make_case, working_days

pytestmark = pytest.mark.django_db


def rating_url(case) -> str:
    return f"/api/v1/cases/{case.number}/rating/"


@pytest.fixture
def ended(version, citizen, reviewer):
    return make_case(version, state=CaseState.DELIVERED, applicant=citizen, claimed_by=reviewer)


# --- API -----------------------------------------------------------------------------------


def test_the_rating_path_is_supervisions_not_a_case_path():
    assert resolve("/api/v1/cases/420500-20250303-000001/rating/").func.view_class is (
        CaseRatingView
    )


def test_the_applicant_rates_an_ended_case_once_through_the_api(api_client, ended, citizen):
    api_client.force_authenticate(citizen)

    response = api_client.post(rating_url(ended), {"score": 4, "comment": "办事快"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["case"], body["score"], body["comment"], body["channel"]) == (
        ended.number,
        4,
        "办事快",
        RatingChannel.API,
    )
    assert body["follow_up"] is None
    rating = Rating.objects.get(case=ended)
    assert (rating.applicant, rating.department, rating.handler_id) == (
        citizen,
        ended.department,
        ended.claimed_by_id,
    )
    assert rating.implementation == ended.version.implementation

    again = api_client.post(rating_url(ended), {"score": 5}, format="json")
    assert again.status_code == 409
    assert Rating.objects.get(case=ended).score == 4


def test_someone_elses_case_is_not_found(api_client, ended, stranger):
    api_client.force_authenticate(stranger)

    response = api_client.post(rating_url(ended), {"score": 5}, format="json")

    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_staff_of_the_case_may_not_rate_it(api_client, ended, reviewer):
    api_client.force_authenticate(reviewer)

    response = api_client.post(rating_url(ended), {"score": 5}, format="json")

    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_anonymous_callers_are_refused(api_client, ended):
    response = api_client.post(rating_url(ended), {"score": 5}, format="json")

    assert response.status_code in (401, 403)
    assert not Rating.objects.exists()


def test_a_case_still_running_cannot_be_rated(api_client, version, citizen):
    case = make_case(version, state=CaseState.IN_REVIEW, applicant=citizen)
    api_client.force_authenticate(citizen)

    response = api_client.post(rating_url(case), {"score": 5}, format="json")

    assert response.status_code == 409
    assert not Rating.objects.exists()


@pytest.mark.parametrize("score", [0, 6, "good", None])
def test_a_score_outside_1_to_5_is_a_field_error(api_client, ended, citizen, score):
    api_client.force_authenticate(citizen)

    response = api_client.post(rating_url(ended), {"score": score}, format="json")

    assert response.status_code == 400
    assert "score" in response.json()["errors"]
    assert not Rating.objects.exists()


def test_the_agent_who_applied_may_rate(version, citizen):
    agent = UserFactory()
    authorisation = AuthorisationFactory(principal=citizen, agent=agent)
    case = make_case(
        version,
        state=CaseState.RESULT_ISSUED,
        applicant=citizen,
        agent=agent,
        authorisation=authorisation,
    )

    rating = services.rating_create(case=case, actor=agent, score=5)

    assert rating.applicant == agent


def test_a_refused_application_can_be_rated_and_is_tied_to_whoever_refused_it(version, citizen):
    clerk = UserFactory()
    case = make_case(version, state=CaseState.REFUSED, applicant=citizen)
    case.events.create(
        actor=clerk, action="refuse", from_state="submitted", to_state="refused",
        at=timezone.now(), comment="材料不全",
    )  # fmt: skip

    rating = services.rating_create(case=case, actor=citizen, score=3)

    assert rating.handler == clerk


def test_the_service_checks_its_own_input(ended, citizen):
    with pytest.raises(ValidationFailed) as error:
        services.rating_create(case=ended, actor=citizen, score=3, comment="长" * 1001)
    assert "comment" in error.value.errors
    with pytest.raises(NotFound):
        services.rating_create(case=ended, actor=UserFactory(), score=3)


# --- Bad ratings and their follow-up ------------------------------------------------------


def test_a_bad_rating_opens_a_follow_up_due_in_working_days(settings, ended, citizen, head):
    settings.PORTAL_RATING_FOLLOWUP_DAYS = 5

    rating = services.rating_create(case=ended, actor=citizen, score=2, comment="等太久")

    follow_up = RatingFollowUp.objects.get(rating=rating)
    assert follow_up.department == ended.department
    assert follow_up.due == working_days(timezone.localdate(), 5)
    assert Notice.objects.filter(recipient=head, case=ended).count() == 1


def test_a_fair_rating_opens_no_follow_up(ended, citizen):
    services.rating_create(case=ended, actor=citizen, score=3)

    assert not RatingFollowUp.objects.exists()


def test_the_department_calls_back_rectifies_and_the_applicant_reads_the_answer(
    client, api_client, ended, citizen, reviewer
):
    rating = services.rating_create(case=ended, actor=citizen, score=1)
    follow_up = rating.follow_up
    sweep.sweep_deadlines(today=follow_up.due + timedelta(days=1))
    assert Card.objects.filter(follow_up=follow_up, closed_at__isnull=True).count() == 2

    # Closing before calling back is refused, and nothing changes
    with pytest.raises(ValidationFailed) as error:
        services.follow_up_close(follow_up=follow_up, actor=reviewer, rectification="x", answer="y")
    assert "callback_notes" in error.value.errors
    follow_up.refresh_from_db()
    assert follow_up.closed_at is None

    client.force_login(reviewer)
    page = f"/supervision/follow-ups/{ended.number}/"
    response = client.post(page + "callback/", {"callback_notes": "已电话回访"})
    assert response.status_code == 302
    response = client.post(
        page + "close/",
        {"rectification": "增加窗口人员", "answer": "已增加窗口人员，感谢您的反馈。"},
    )
    assert response.status_code == 302

    follow_up.refresh_from_db()
    assert follow_up.closed_by == reviewer
    assert follow_up.callback_by == reviewer
    assert Card.objects.filter(follow_up=follow_up, closed_at__isnull=True).count() == 0
    assert Notice.objects.filter(recipient=citizen, title__contains=ended.number).exists()

    api_client.force_authenticate(citizen)
    body = api_client.get(rating_url(ended)).json()
    assert body["follow_up"]["answer"] == "已增加窗口人员，感谢您的反馈。"
    client.force_login(citizen)
    assert "已增加窗口人员" in client.get(f"/supervision/rate/{ended.number}/").content.decode()


def test_the_applicant_does_not_see_an_answer_before_the_follow_up_is_closed(
    api_client, ended, citizen, reviewer
):
    rating = services.rating_create(case=ended, actor=citizen, score=1)
    services.follow_up_record_callback(follow_up=rating.follow_up, actor=reviewer, notes="已回访")
    RatingFollowUp.objects.filter(pk=rating.follow_up.pk).update(answer="草稿")
    api_client.force_authenticate(citizen)

    assert api_client.get(rating_url(ended)).json()["follow_up"]["answer"] == ""


def test_another_department_cannot_see_or_handle_a_follow_up(
    client, ended, citizen, other_reviewer
):
    rating = services.rating_create(case=ended, actor=citizen, score=1)
    client.force_login(other_reviewer)

    assert client.get(f"/supervision/follow-ups/{ended.number}/").status_code == 404
    response = client.post(
        f"/supervision/follow-ups/{ended.number}/callback/", {"callback_notes": "x"}
    )
    assert response.status_code == 404
    with pytest.raises(NotFound):
        services.follow_up_record_callback(
            follow_up=rating.follow_up, actor=other_reviewer, notes="x"
        )
    rating.follow_up.refresh_from_db()
    assert rating.follow_up.callback_at is None


def test_a_supervisor_sees_a_follow_up_but_leaves_it_to_the_department(
    client, ended, citizen, supervisor
):
    rating = services.rating_create(case=ended, actor=citizen, score=1)
    client.force_login(supervisor)

    page = client.get(f"/supervision/follow-ups/{ended.number}/")
    assert page.status_code == 200
    assert "follow-up-callback" not in page.content.decode()
    with pytest.raises(NotAllowed):
        services.follow_up_record_callback(follow_up=rating.follow_up, actor=supervisor, notes="x")


def test_citizens_have_no_follow_up_list(client, citizen):
    client.force_login(citizen)

    assert client.get("/supervision/follow-ups/").status_code == 403


# --- Web form -------------------------------------------------------------------------------


def test_the_applicant_rates_on_the_web(client, english, ended, citizen):
    client.force_login(citizen)
    page = f"/supervision/rate/{ended.number}/"
    assert client.get(page).status_code == 200

    response = client.post(page, {"score": "5", "comment": ""})

    assert response.status_code == 302
    rating = Rating.objects.get(case=ended)
    assert (rating.score, rating.channel) == (5, RatingChannel.WEB)
    # The form is gone; the rating is shown
    content = client.get(page).content.decode()
    assert "Very satisfied" in content
    assert "Send my rating" not in content


def test_the_web_form_keeps_what_was_written_on_a_bad_score(client, ended, citizen):
    client.force_login(citizen)

    response = client.post(f"/supervision/rate/{ended.number}/", {"score": "9", "comment": "留言"})

    assert response.status_code == 400
    assert "留言" in response.content.decode()
    assert not Rating.objects.exists()


def test_the_rating_page_refuses_staff_and_hides_others_cases(client, ended, reviewer, stranger):
    client.force_login(reviewer)
    assert client.get(f"/supervision/rate/{ended.number}/").status_code == 403
    client.force_login(stranger)
    assert client.get(f"/supervision/rate/{ended.number}/").status_code == 404


def test_the_case_page_offers_the_rating_to_the_applicant(client, ended, citizen):
    client.force_login(citizen)

    content = client.get(f"/cases/{ended.number}/").content.decode()

    assert f"/supervision/rate/{ended.number}/" in content


# --- The counter screen -------------------------------------------------------------------


def test_the_clerk_opens_the_counter_screen_and_the_applicant_taps_a_rating(
    client, ended, clerk, citizen
):
    client.force_login(clerk)
    assert (
        f"/supervision/rate/{ended.number}/counter/"
        in client.get(f"/cases/{ended.number}/").content.decode()
    )

    response = client.post(f"/supervision/rate/{ended.number}/counter/")
    assert response.status_code == 302
    screen = response["Location"]
    assert screen.startswith("/supervision/kiosk/")

    client.logout()  # the screen needs no sign-in
    assert client.get(screen).status_code == 200
    response = client.post(screen, {"score": "2"})

    assert response.status_code == 200
    rating = Rating.objects.get(case=ended)
    assert (rating.score, rating.channel, rating.applicant) == (2, RatingChannel.COUNTER, citizen)
    assert RatingFollowUp.objects.filter(rating=rating).exists()
    # The link is spent: a second tap does not rate again
    assert client.post(screen, {"score": "5"}).status_code == 409
    assert Rating.objects.get(case=ended).score == 2


def test_an_expired_or_forged_counter_link_rates_nothing(client, settings, ended, clerk):
    token = kiosk.kiosk_open(case=ended, actor=clerk)
    forged = signing.dumps({"case": ended.number}, salt="another-salt")
    settings.PORTAL_RATING_KIOSK_SECONDS = -1

    assert client.post(f"/supervision/kiosk/{token}/", {"score": "1"}).status_code == 404
    settings.PORTAL_RATING_KIOSK_SECONDS = 600
    assert client.post(f"/supervision/kiosk/{forged}/", {"score": "1"}).status_code == 404
    assert client.post(f"/supervision/kiosk/{token}x/", {"score": "1"}).status_code == 404
    assert not Rating.objects.exists()


def test_only_staff_of_the_case_open_the_counter_screen(client, ended, citizen, other_reviewer):
    with pytest.raises(NotAllowed):
        kiosk.kiosk_open(case=ended, actor=citizen)
    with pytest.raises(NotFound):
        kiosk.kiosk_open(case=ended, actor=other_reviewer)
    client.force_login(citizen)
    assert client.post(f"/supervision/rate/{ended.number}/counter/").status_code == 403


def test_the_counter_screen_opens_only_for_an_ended_unrated_case(version, citizen, clerk):
    running = make_case(version, state=CaseState.IN_REVIEW, applicant=citizen)
    with pytest.raises(Conflict):
        kiosk.kiosk_open(case=running, actor=clerk)
    ended = make_case(version, state=CaseState.DELIVERED, applicant=citizen)
    services.rating_create(case=ended, actor=citizen, score=5)
    with pytest.raises(Conflict):
        kiosk.kiosk_open(case=ended, actor=clerk)


# --- Public figures -----------------------------------------------------------------------


def test_public_figures_show_aggregates_only_and_hide_small_groups(client, english, version):
    small = make_case(version, state=CaseState.DELIVERED)
    for score in (5, 4, 1):
        case = make_case(version, state=CaseState.DELIVERED)
        services.rating_create(case=case, actor=case.applicant, score=score, comment="秘密留言")
    other = MembershipFactory(role=Role.REVIEWER).organisation
    lone = make_case(version, state=CaseState.DELIVERED, department=other)
    services.rating_create(case=lone, actor=lone.applicant, score=1)
    assert small.state == CaseState.DELIVERED

    response = client.get("/ratings/")

    assert response.status_code == 200
    content = response.content.decode()
    assert version.implementation.department.name in content
    assert "66.7 %" in content  # 2 of 3 at least fairly satisfied
    assert "秘密留言" not in content
    assert other.name in content
    assert content.count("Too few ratings to show") == 1
    assert Card.objects.filter(kind=CardKind.RATING_FOLLOW_UP).count() == 0
