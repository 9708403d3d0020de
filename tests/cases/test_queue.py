"""The reviewer's queue: a department's routed cases soonest due first, filters, search,
seek pagination, counts per state, and the same number of queries whatever its size."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import selectors, services
from cases.constants import Action, CardColour, CaseState, Channel
from cases.models import Case
from identity.constants import Role
from matters import selectors as matter_selectors
from tests.cases.reviewing import (
    accepted_case,
    applicant,
    claimed_case,
    fresh,
    other_department,
    reviewer_of,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/queue/"


def _due(case: Case, days: int) -> Case:
    """Move a case's deadline to `days` calendar days from today (negative: overdue)."""
    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() + timedelta(days=days))
    case.refresh_from_db()
    return case


def _numbers(response) -> list[str]:
    return [row["number"] for row in response.json()["results"]]


def test_the_queue_lists_the_departments_cases_soonest_due_and_overdue_first(
    api_client, version, citizen, clerk, reviewer
):
    later = _due(accepted_case(version, citizen, clerk), 30)
    overdue = _due(accepted_case(version, citizen, clerk), -3)
    soon = _due(accepted_case(version, citizen, clerk), 2)
    same_day = _due(accepted_case(version, citizen, clerk), 2)
    accepted_case(version, citizen, clerk)  # not moved: due in five working days
    services.case_create(version=version, actor=citizen, form_data={})  # a draft: not listed
    api_client.force_authenticate(fresh(reviewer))

    response = api_client.get(QUEUE)

    body = response.json()
    assert response.status_code == 200
    assert _numbers(response)[:3] == [overdue.number, soon.number, same_day.number]
    assert _numbers(response)[-1] == later.number
    assert body["count"] == 5
    assert (body["next"], body["previous"]) == (None, None)
    first = body["results"][0]
    assert first["card"] == CardColour.RED
    assert first["working_days_left"] < 0
    assert first["applicant"] == "4205**********1234"
    assert first["applicant_name"] == "张三"


def test_seek_pages_go_forward_and_back_without_gaps_or_repeats(
    api_client, version, citizen, clerk, reviewer
):
    cases = [_due(accepted_case(version, citizen, clerk), day % 3) for day in range(7)]
    expected = [c.number for c in sorted(cases, key=lambda c: (c.deadline, c.pk))]
    api_client.force_authenticate(fresh(reviewer))

    first = api_client.get(QUEUE, {"page_size": 3})
    second = api_client.get(first.json()["next"])
    third = api_client.get(second.json()["next"])
    back = api_client.get(third.json()["previous"])

    assert _numbers(first) + _numbers(second) + _numbers(third) == expected
    assert third.json()["next"] is None
    assert _numbers(back) == _numbers(second)
    assert first.json()["previous"] is None


def test_a_forged_cursor_is_a_400(api_client, version, citizen, clerk, reviewer):
    accepted_case(version, citizen, clerk)
    api_client.force_authenticate(fresh(reviewer))

    response = api_client.get(QUEUE, {"cursor": "x'; drop table"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


def test_filters_by_state_claimant_channel_service_and_acceptance_date(
    api_client, version, citizen, clerk, reviewer
):
    colleague = reviewer_of(version.implementation.department)
    mine = claimed_case(version, citizen, clerk, reviewer)
    theirs = claimed_case(version, citizen, clerk, colleague)
    unclaimed = accepted_case(version, citizen, clerk, channel=Channel.COUNTER)
    api_client.force_authenticate(fresh(reviewer))
    today = timezone.localdate()

    def listed(**query):
        return sorted(_numbers(api_client.get(QUEUE, query)))

    assert listed(state=CaseState.IN_REVIEW) == sorted([mine.number, theirs.number])
    assert listed(claimed="me") == [mine.number]
    assert listed(claimed="unclaimed") == [unclaimed.number]
    assert listed(channel=Channel.COUNTER) == [unclaimed.number]
    assert len(listed(matter=version.implementation.code)) == 3
    assert listed(matter="OTHER") == []
    assert len(listed(accepted_from=today.isoformat(), accepted_until=today.isoformat())) == 3
    assert listed(accepted_from=(today + timedelta(days=1)).isoformat()) == []
    assert api_client.get(QUEUE, {"state": "delivered"}).status_code == 400
    assert api_client.get(QUEUE, {"claimed": "me"}).json()["count"] is None


def test_the_card_colour_filter_follows_the_deadline(api_client, version, citizen, clerk, reviewer):
    red = _due(accepted_case(version, citizen, clerk), -1)
    yellow = _due(accepted_case(version, citizen, clerk), 0)  # due today: 0 working days left
    green = _due(accepted_case(version, citizen, clerk), 40)
    suspended = _due(claimed_case(version, citizen, clerk, reviewer), -5)
    services.case_transition(
        case=suspended, action=Action.SUSPEND, actor=fresh(reviewer), comment="核查"
    )
    api_client.force_authenticate(fresh(reviewer))

    def listed(card):
        return _numbers(api_client.get(QUEUE, {"card": card}))

    assert listed(CardColour.RED) == [red.number]
    assert listed(CardColour.YELLOW) == [yellow.number]
    assert listed(CardColour.GREEN) == [green.number]


@pytest.mark.parametrize(
    ("days_left", "promised", "colour"),
    [(-1, 5, "red"), (0, 5, "yellow"), (1, 5, "yellow"), (2, 5, "green"), (4, 20, "yellow"),
     (5, 20, "green"), (6, 30, "yellow"), (7, 30, "green")],
)  # fmt: skip
def test_yellow_means_one_working_day_or_a_fifth_of_the_limit_left(
    version, days_left, promised, colour
):
    version.promised_limit_days = promised
    case = Case(version=version, state=CaseState.IN_REVIEW, deadline=date(2025, 9, 1))

    found = selectors.card_colour(
        case, calendar=matter_selectors.working_calendar(), today=date(2025, 9, 1),
        days_left=days_left,
    )  # fmt: skip

    assert found == colour


def test_search_by_number_name_or_the_last_four_of_the_id_number(
    api_client, version, citizen, clerk, reviewer
):
    other = UserFactory(id_number="11010519491231002X", name="李四")
    zhang = accepted_case(version, citizen, clerk)
    li = accepted_case(version, other, clerk)
    api_client.force_authenticate(fresh(reviewer))

    def found(q):
        return _numbers(api_client.get(QUEUE, {"q": q}))

    assert found(li.number) == [li.number]
    assert found("李四") == [li.number]
    assert found("1234") == [zhang.number]
    assert found("002x") == [li.number]
    assert found("王五") == []


def test_counts_per_state_come_from_one_grouped_query_and_are_kept_briefly(
    version, citizen, clerk, reviewer, django_assert_num_queries
):
    claimed_case(version, citizen, clerk, reviewer)
    accepted_case(version, citizen, clerk)
    department = version.implementation.department.pk

    with django_assert_num_queries(1):
        counts = selectors.queue_counts(department)
    with django_assert_num_queries(0):
        again = selectors.queue_counts(department)

    assert counts == again
    assert counts == {
        "accepted": 1, "in_review": 1, "suspended": 0, "consulting": 0,
        "correction_requested": 0,
    }  # fmt: skip


def test_the_queue_page_costs_the_same_queries_for_few_or_many_cases(
    api_client, client, version, citizen, clerk, reviewer, clear_cache
):
    accepted_case(version, citizen, clerk)
    claimed_case(version, applicant(), clerk, reviewer)

    def pages() -> tuple[int, int]:
        clear_cache()  # the counts per state are kept half a minute
        api_client.force_authenticate(fresh(reviewer))
        client.force_login(reviewer)
        with CaptureQueriesContext(connection) as api:
            assert api_client.get(QUEUE).status_code == 200
        with CaptureQueriesContext(connection) as html:
            assert client.get("/cases/queue/").status_code == 200
        return len(api), len(html)

    few = pages()
    for _ in range(15):
        claimed_case(version, applicant(), clerk, reviewer)
    many = pages()

    assert few == many


def test_the_html_queue_lists_filters_and_pages(client, english, version, citizen, clerk, reviewer):
    cases = [_due(accepted_case(version, citizen, clerk), day) for day in range(22)]
    client.force_login(reviewer)

    first = client.get("/cases/queue/")
    html = first.content.decode()
    filtered = client.get("/cases/queue/", {"q": cases[5].number})
    bad = client.get("/cases/queue/", {"accepted_from": "not a date"})

    assert first.status_code == 200
    assert cases[0].number in html
    assert cases[19].number in html
    assert cases[20].number not in html
    assert 'rel="next"' in html
    assert filtered.status_code == 200
    assert cases[5].number in filtered.content.decode()
    assert cases[6].number not in filtered.content.decode()
    assert bad.status_code == 400
    # What the department received (hand-offs, consultations) is one link away.
    assert 'href="/cases/department/received/"' in html


def test_a_department_head_works_the_queue_and_a_supervisor_reads_any(
    api_client, version, citizen, clerk
):
    department = version.implementation.department
    head = reviewer_of(department, Role.DEPARTMENT_HEAD)
    supervisor = MembershipFactory(role=Role.SUPERVISOR).user
    case = accepted_case(version, citizen, clerk)

    api_client.force_authenticate(fresh(head))
    as_head = api_client.get(QUEUE)
    api_client.force_authenticate(fresh(supervisor))
    as_supervisor = api_client.get(QUEUE, {"department": department.credit_code})
    without_department = api_client.get(QUEUE)

    assert _numbers(as_head) == [case.number]
    assert _numbers(as_supervisor) == [case.number]
    assert without_department.status_code == 400


def test_no_queue_for_people_who_do_not_review_and_none_of_another_department(
    api_client, client, version, citizen, clerk, reviewer
):
    department, _other = other_department(version)
    accepted_case(version, citizen, clerk)

    api_client.force_authenticate(fresh(citizen))
    citizen_api = api_client.get(QUEUE)
    api_client.force_authenticate(fresh(reviewer))
    other_api = api_client.get(QUEUE, {"department": department.credit_code})
    client.force_login(citizen)
    citizen_html = client.get("/cases/queue/")
    client.force_login(reviewer)
    other_html = client.get("/cases/queue/", {"department": department.credit_code})

    assert (citizen_api.status_code, other_api.status_code) == (403, 403)
    assert (citizen_html.status_code, other_html.status_code) == (403, 403)
    assert api_client.get(QUEUE).status_code == 200


def test_a_correction_asked_during_the_review_reads_clock_stopped(
    client, english, version, citizen, clerk, reviewer
):
    case = claimed_case(version, citizen, clerk, reviewer)
    services.case_transition(
        case=case,
        action=Action.REQUEST_CORRECTION,
        actor=reviewer,
        comment="请补充",
        payload={"respond_by": "2099-01-01"},
    )
    client.force_login(reviewer)

    html = client.get("/cases/queue/").content.decode()

    assert "Clock stopped" in html
    assert "Starts when the application is accepted" not in html
