"""A reviewer sees their department's cases, plus those handed or sent for consultation to
it; for every other case they get 404 wherever they look or act (SPEC.md §1, §5)."""

import pytest

from cases import services
from cases.constants import Action, CaseState
from cases.models import Case, CaseEvent
from cases.workflow import TRANSITIONS
from tests.cases.reviewing import claimed_case, fresh, other_department

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(version, citizen, clerk, reviewer) -> Case:
    case = claimed_case(version, citizen, clerk, reviewer)
    return services.case_transition(case=case, action=Action.APPROVE, actor=fresh(reviewer))


@pytest.fixture
def outsider(version):
    _department, person = other_department(version)
    return person


def test_another_departments_reviewer_finds_nothing_in_lists_search_or_queue(
    api_client, client, version, citizen, clerk, reviewer, outsider
):
    case = claimed_case(version, citizen, clerk, reviewer)
    api_client.force_authenticate(fresh(outsider))
    client.force_login(outsider)

    listed = api_client.get("/api/v1/cases/")
    queue = api_client.get("/api/v1/queue/", {"q": case.number})
    html_queue = client.get("/cases/queue/", {"q": case.number})

    assert listed.json()["count"] == 0
    assert queue.json()["results"] == []
    assert html_queue.status_code == 200
    assert f"/cases/{case.number}/review/" not in html_queue.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/{number}/",
        "/cases/{number}/",
        "/cases/{number}/review/",
        "/cases/{number}/materials/id_card/",
        "/cases/{number}/decision.pdf",
        "/cases/{number}/receipt.pdf",
    ],
)
def test_another_departments_reviewer_gets_404_for_every_page_of_the_case(
    api_client, client, decided, outsider, url
):
    api_client.force_authenticate(fresh(outsider))
    client.force_login(outsider)
    getter = api_client if url.startswith("/api/") else client

    response = getter.get(url.format(number=decided.number))

    assert response.status_code == 404


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_another_departments_reviewer_gets_404_for_every_action(
    api_client, client, version, citizen, clerk, reviewer, outsider, action
):
    case = claimed_case(version, citizen, clerk, reviewer)
    events = CaseEvent.objects.filter(case=case).count()
    api_client.force_authenticate(fresh(outsider))
    client.force_login(outsider)

    api = api_client.post(
        f"/api/v1/cases/{case.number}/transitions/",
        {"action": action, "comment": "越权", "department": outsider.memberships.get()
         .organisation.credit_code, "respond_by": "2099-01-01"},
        format="json",
    )  # fmt: skip
    page = client.post(
        f"/cases/{case.number}/review/act/",
        {f"{action}-action": action, f"{action}-comment": "越权"},  # as the page's form sends it
    )
    verify = client.post(
        f"/cases/{case.number}/review/materials/id_card/verify/", {"verdict": "verified"}
    )

    assert (api.status_code, page.status_code, verify.status_code) == (404, 404, 404)
    case.refresh_from_db()
    assert (case.state, case.claimed_by) == (CaseState.IN_REVIEW, reviewer)
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_case_handed_to_a_department_is_theirs_and_no_longer_the_senders(
    api_client, version, citizen, clerk, reviewer
):
    department, receiver = other_department(version)
    case = claimed_case(version, citizen, clerk, reviewer)
    services.case_transition(
        case=case,
        action=Action.HAND_OFF,
        actor=fresh(reviewer),
        comment="属于贵局职责",
        payload={"department": department.credit_code},
    )

    api_client.force_authenticate(fresh(receiver))
    theirs = api_client.get("/api/v1/queue/")
    api_client.force_authenticate(fresh(reviewer))
    senders = api_client.get(f"/api/v1/cases/{case.number}/")

    assert [row["number"] for row in theirs.json()["results"]] == [case.number]
    assert senders.status_code == 404


def test_a_consulted_department_reads_the_case_and_its_materials_but_not_more(
    api_client, client, version, citizen, clerk, reviewer
):
    department, consulted = other_department(version)
    case = claimed_case(version, citizen, clerk, reviewer)
    services.case_transition(
        case=case,
        action=Action.CONSULT,
        actor=fresh(reviewer),
        comment="是否符合规划？",
        payload={"department": department.credit_code},
    )
    client.force_login(consulted)
    api_client.force_authenticate(fresh(consulted))

    review = client.get(f"/cases/{case.number}/review/")
    material = client.get(f"/cases/{case.number}/materials/id_card/")
    listed = api_client.get("/api/v1/cases/")
    open_questions = api_client.get("/api/v1/queue/consultations/")
    approve = api_client.post(f"/api/v1/cases/{case.number}/transitions/", {"action": "approve"})

    assert (review.status_code, material.status_code) == (200, 200)
    assert 'name="answer_consultation-action"' in review.content.decode()
    assert [row["number"] for row in listed.json()["results"]] == [case.number]
    assert [row["case"] for row in open_questions.json()["results"]] == [case.number]
    assert approve.status_code == 403
    assert Case.objects.get(pk=case.pk).state == CaseState.CONSULTING
