"""有诉即办 through the API: the steps after filing (assign, forward, answer, confirm,
reopen) at POST /api/v1/complaints/{number}/transitions/, refused from the side of each
person who may not take them."""

import pytest

from cases.constants import CaseState
from supervision import services
from supervision.constants import ComplaintState, ComplaintSubject
from supervision.models import Complaint, ComplaintEvent
from tests.supervision.conftest import make_case

pytestmark = pytest.mark.django_db


def _url(complaint: Complaint) -> str:
    return f"/api/v1/complaints/{complaint.number}/transitions/"


@pytest.fixture
def complaint(version, citizen):
    case = make_case(version, state=CaseState.IN_REVIEW, applicant=citizen)
    return services.complaint_file(
        actor=citizen, subject=ComplaintSubject.CASE, text="审批超期", case_number=case.number
    )


def _state(complaint: Complaint) -> tuple[str, int]:
    complaint.refresh_from_db()
    return complaint.state, ComplaintEvent.objects.filter(complaint=complaint).count()


def test_the_department_answers_and_the_complainant_confirms(
    api_client, complaint, citizen, reviewer
):
    api_client.force_authenticate(reviewer)
    answered = api_client.post(
        _url(complaint), {"action": "answer", "answer": "已加快办理，明日办结。"}, format="json"
    )

    assert answered.status_code == 200
    assert (answered.json()["state"], answered.json()["answer"]) == (
        "answered",
        "已加快办理，明日办结。",
    )
    api_client.force_authenticate(citizen)
    confirmed = api_client.post(_url(complaint), {"action": "confirm"}, format="json")

    assert confirmed.status_code == 200
    body = confirmed.json()
    assert body["state"] == "closed"
    assert [step["action"] for step in body["timeline"]] == ["file", "assign", "answer", "confirm"]


def test_the_complainant_reopens_with_a_reason(api_client, complaint, citizen, reviewer):
    services.complaint_answer(complaint=complaint, actor=reviewer, answer="已处理")
    api_client.force_authenticate(citizen)

    missing = api_client.post(_url(complaint), {"action": "reopen"}, format="json")
    assert (missing.status_code, list(missing.json()["errors"])) == (400, ["reason"])
    assert _state(complaint) == (ComplaintState.ANSWERED, 3)

    reopened = api_client.post(
        _url(complaint), {"action": "reopen", "reason": "仍未办结"}, format="json"
    )

    assert (reopened.status_code, reopened.json()["state"]) == (200, "reopened")
    assert Complaint.objects.get(pk=complaint.pk).reopen_count == 1


def test_the_department_forwards_and_is_told_where_it_went(
    api_client, complaint, reviewer, other_department
):
    api_client.force_authenticate(reviewer)

    response = api_client.post(
        _url(complaint),
        {"action": "forward", "department": other_department.credit_code, "comment": "转办"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["department"]) == (
        "forwarded",
        other_department.name,
    )
    # No longer theirs: the complaint is not found for them afterwards.
    assert api_client.get(f"/api/v1/complaints/{complaint.number}/").status_code == 404


def test_the_complainant_may_not_answer_their_own_complaint(api_client, complaint, citizen):
    api_client.force_authenticate(citizen)

    response = api_client.post(_url(complaint), {"action": "answer", "answer": "x"}, format="json")

    assert response.status_code == 403
    assert _state(complaint) == (ComplaintState.ASSIGNED, 2)


def test_a_refused_person_gets_403_before_their_input_is_read(api_client, complaint, citizen):
    api_client.force_authenticate(citizen)

    # No answer text at all: still a refusal, not a field error.
    response = api_client.post(_url(complaint), {"action": "answer"}, format="json")

    assert response.status_code == 403


def test_others_do_not_learn_that_the_complaint_exists(
    api_client, complaint, stranger, other_reviewer
):
    for person in (stranger, other_reviewer):
        api_client.force_authenticate(person)
        response = api_client.post(_url(complaint), {"action": "confirm"}, format="json")
        assert response.status_code == 404
    unknown = api_client.post("/api/v1/complaints/TS0/transitions/", {"action": "confirm"})
    assert unknown.status_code == 404
    assert _state(complaint) == (ComplaintState.ASSIGNED, 2)


def test_a_step_the_state_does_not_allow_is_a_conflict(api_client, complaint, citizen):
    api_client.force_authenticate(citizen)

    # Not answered yet: nothing to confirm.
    response = api_client.post(_url(complaint), {"action": "confirm"}, format="json")

    assert response.status_code == 409
    assert _state(complaint) == (ComplaintState.ASSIGNED, 2)


def test_bad_input_is_a_field_error(api_client, complaint, reviewer, supervisor):
    api_client.force_authenticate(reviewer)

    unknown = api_client.post(_url(complaint), {"action": "delete"}, format="json")
    not_an_object = api_client.post(_url(complaint), ["answer"], format="json")
    bad_department = api_client.post(
        _url(complaint), {"action": "forward", "department": "X", "comment": "转"}, format="json"
    )

    assert (unknown.status_code, list(unknown.json()["errors"])) == (400, ["action"])
    assert not_an_object.status_code == 400
    assert (bad_department.status_code, list(bad_department.json()["errors"])) == (
        400,
        ["department"],
    )
    assert _state(complaint) == (ComplaintState.ASSIGNED, 2)


def test_only_supervisors_assign(api_client, citizen, supervisor, reviewer, department):
    # Received but not yet assigned: written straight in that state.
    complaint = Complaint.objects.create(
        number="TS2099010100001",
        channel="online",
        complainant=citizen,
        complainant_name=citizen.name,
        subject=ComplaintSubject.DEPARTMENT,
        about_department=department,
        text="x",
        assign_due="2099-01-02",
        due="2099-01-08",
    )
    assign = {"action": "assign", "department": department.credit_code}
    api_client.force_authenticate(citizen)
    assert api_client.post(_url(complaint), assign, format="json").status_code == 403
    assert _state(complaint) == (ComplaintState.RECEIVED, 0)
    api_client.force_authenticate(supervisor)

    response = api_client.post(_url(complaint), assign, format="json")

    assert (response.status_code, response.json()["state"]) == (200, "assigned")
    assert Complaint.objects.get(pk=complaint.pk).department == department
