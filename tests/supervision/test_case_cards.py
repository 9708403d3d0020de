"""Cards on the case page and in the reviewers' queue (the selector the queue uses)."""

from datetime import timedelta

import pytest

from cases.constants import CaseState
from cases.models import Case
from supervision import selectors, sweep
from tests.supervision.conftest import MONDAY, make_case

pytestmark = pytest.mark.django_db


def test_staff_see_the_cases_cards_and_the_applicant_does_not(
    client, english, version, citizen, reviewer
):
    case = make_case(version, applicant=citizen, deadline=MONDAY - timedelta(days=1))
    sweep.sweep_deadlines(today=MONDAY)

    client.force_login(reviewer)
    staff_page = client.get(f"/cases/{case.number}/").content.decode()
    client.force_login(citizen)
    applicant_page = client.get(f"/cases/{case.number}/").content.decode()

    assert "Deadline cards" in staff_page
    assert "Red card" in staff_page
    assert "Deadline cards" not in applicant_page


def test_the_queue_selector_gives_each_case_its_worst_open_card(version):
    red = make_case(version, deadline=MONDAY - timedelta(days=1))
    yellow = make_case(version, deadline=MONDAY)
    calm = make_case(version, deadline=MONDAY + timedelta(days=14))
    ended = make_case(version, deadline=MONDAY - timedelta(days=1))
    sweep.sweep_deadlines(today=MONDAY)
    Case.objects.filter(pk=ended.pk).update(state=CaseState.DELIVERED)
    sweep.sweep_deadlines(today=MONDAY)

    colours = dict(
        selectors.annotate_card_colour(Case.objects.all()).values_list("pk", "card_colour")
    )
    assert colours == {red.pk: "red", yellow.pk: "yellow", calm.pk: None, ended.pk: None}

    def only(colour: str) -> set[int]:
        return set(
            selectors.filter_card_colour(Case.objects.all(), colour).values_list("pk", flat=True)
        )

    assert only("red") == {red.pk}
    assert only("yellow") == {yellow.pk}
    assert only("none") == {calm.pk, ended.pk}


def test_the_cards_page_lists_what_the_department_may_see(
    client, english, version, reviewer, other_reviewer, supervisor
):
    case = make_case(version, deadline=MONDAY - timedelta(days=1))
    sweep.sweep_deadlines(today=MONDAY)

    client.force_login(reviewer)
    assert case.number in client.get("/supervision/cards/?colour=red").content.decode()
    client.force_login(supervisor)
    assert case.number in client.get("/supervision/cards/").content.decode()
    client.force_login(other_reviewer)
    assert case.number not in client.get("/supervision/cards/").content.decode()
    assert client.get("/supervision/cards/?colour=purple").status_code == 400
