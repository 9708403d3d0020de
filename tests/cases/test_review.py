"""The review of a case in the back office (SPEC.md §5): claim and release, reassignment by
the department head, 补正 during the review, hand-off (转办), consultation (征求意见), the
decision with its number and document, and the check of materials."""

import re
import threading
from datetime import date

import pytest
from django.db import connection

from cases import outbox, policies, services
from cases.constants import Action, CaseState, MaterialVerification, Party
from cases.errors import TransitionImpossible
from cases.models import Case, CaseEvent, Consultation, DepartmentNotice, OutboxMessage
from cases.outbox import OutboxKind
from core.errors import NotAllowed, NotFound, ValidationFailed
from identity.constants import Role
from tests.cases.reviewing import (
    accepted_case,
    claimed_case,
    fresh,
    other_department,
    reviewer_of,
)

pytestmark = pytest.mark.django_db


def _act(case, action, actor, comment="", **payload):
    return services.case_transition(
        case=case, action=action, actor=fresh(actor), comment=comment, payload=payload
    )


# --- Claim, release, reassign ------------------------------------------------------------


def test_claiming_records_the_claimant_and_starts_the_review(version, citizen, clerk, reviewer):
    case = claimed_case(version, citizen, clerk, reviewer)

    assert case.state == CaseState.IN_REVIEW
    assert case.claimed_by == reviewer
    assert case.claimed_at is not None


def test_a_claimed_case_is_worked_by_its_claimant_only(version, citizen, clerk, reviewer):
    colleague = reviewer_of(version.implementation.department)
    case = claimed_case(version, citizen, clerk, reviewer)

    for action, comment in ((Action.APPROVE, ""), (Action.SUSPEND, "核查"), (Action.RELEASE, "")):
        with pytest.raises(NotAllowed):
            _act(case, action, colleague, comment)

    case.refresh_from_db()
    assert (case.state, case.claimed_by) == (CaseState.IN_REVIEW, reviewer)
    assert not case.events.filter(actor=colleague).exists()


def test_the_claimant_releases_the_case_back_to_the_queue(version, citizen, clerk, reviewer):
    case = claimed_case(version, citizen, clerk, reviewer)

    case = _act(case, Action.RELEASE, reviewer)

    assert (case.state, case.claimed_by, case.claimed_at) == (CaseState.ACCEPTED, None, None)


def test_the_department_head_releases_and_reassigns_a_claimed_case(
    version, citizen, clerk, reviewer
):
    department = version.implementation.department
    head = reviewer_of(department, Role.DEPARTMENT_HEAD)
    colleague = reviewer_of(department)
    case = claimed_case(version, citizen, clerk, reviewer)

    case = _act(case, Action.REASSIGN, head, "钱进休假", to=colleague.id_number)
    reassigned = (case.state, case.claimed_by)
    case = _act(case, Action.RELEASE, head)

    assert reassigned == (CaseState.IN_REVIEW, colleague)
    assert (case.state, case.claimed_by) == (CaseState.ACCEPTED, None)
    event = case.events.get(action=Action.REASSIGN)
    assert event.payload == {"to_name": colleague.name}
    assert event.comment == "钱进休假"


def test_only_the_head_reassigns_and_only_to_a_reviewer_of_the_department(
    version, citizen, clerk, reviewer
):
    department = version.implementation.department
    head = reviewer_of(department, Role.DEPARTMENT_HEAD)
    colleague = reviewer_of(department)
    _elsewhere, stranger = other_department(version)
    case = claimed_case(version, citizen, clerk, reviewer)

    with pytest.raises(NotAllowed):
        _act(case, Action.REASSIGN, reviewer, "换人", to=colleague.id_number)
    with pytest.raises(ValidationFailed) as refused:
        _act(case, Action.REASSIGN, head, "换人", to=stranger.id_number)
    with pytest.raises(ValidationFailed) as no_reason:
        _act(case, Action.REASSIGN, head, "", to=colleague.id_number)

    assert list(refused.value.errors) == ["to"]
    assert list(no_reason.value.errors) == ["comment"]
    assert Case.objects.get(pk=case.pk).claimed_by == reviewer


@pytest.mark.postgres(reason="real concurrency")
@pytest.mark.django_db(transaction=True)
def test_ten_reviewers_claiming_at_once_give_the_case_to_exactly_one(version, citizen, clerk):
    department = version.implementation.department
    reviewers = [reviewer_of(department) for _ in range(10)]
    case = accepted_case(version, citizen, clerk)
    barrier = threading.Barrier(len(reviewers))
    outcomes: dict[int, str] = {}

    def claim(person) -> None:
        try:
            barrier.wait()
            services.case_transition(case=case, action=Action.CLAIM, actor=fresh(person))
            outcomes[person.pk] = "ok"
        except Exception as error:  # every loser must fail with the 409 error
            outcomes[person.pk] = type(error).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(person,)) for person in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [pk for pk, outcome in outcomes.items() if outcome == "ok"]
    assert sorted(outcomes.values()) == ["TransitionImpossible"] * 9 + ["ok"]
    assert Case.objects.get(pk=case.pk).claimed_by_id == winners[0]
    assert CaseEvent.objects.filter(case=case, action=Action.CLAIM).count() == 1


# --- 补正 during the review ---------------------------------------------------------------


def test_asking_for_more_during_the_review_stops_the_clock_until_the_applicant_answers(
    version, citizen, clerk, reviewer
):
    # Accepted Monday 2025-09-01 with 5 working days: due Monday 2025-09-08.
    case = accepted_case(version, citizen, clerk, today=date(2025, 9, 1))
    case = _act(case, Action.CLAIM, reviewer)
    case = services.case_transition(
        case=case,
        action=Action.REQUEST_CORRECTION,
        actor=fresh(reviewer),
        comment="请补充营业场所租赁合同。",
        payload={"respond_by": "2025-09-12"},
        today=date(2025, 9, 3),
    )
    waiting = (case.state, case.correction_due, case.suspended_since)
    # The applicant answers on Tuesday 2025-09-09: four working days stood still.
    case = services.case_transition(
        case=case, action=Action.RESUBMIT, actor=citizen, today=date(2025, 9, 9)
    )

    assert waiting == (CaseState.CORRECTION_REQUESTED, date(2025, 9, 12), date(2025, 9, 3))
    assert case.state == CaseState.IN_REVIEW
    assert case.deadline == date(2025, 9, 12)
    assert (case.correction_due, case.suspended_since, case.claimed_by) == (None, None, reviewer)
    assert case.events.get(action=Action.REQUEST_CORRECTION).payload == {"respond_by": "2025-09-12"}


def test_asking_for_more_needs_what_and_by_when(version, citizen, clerk, reviewer):
    case = claimed_case(version, citizen, clerk, reviewer)

    with pytest.raises(ValidationFailed) as no_date:
        _act(case, Action.REQUEST_CORRECTION, reviewer, "请补充材料")
    with pytest.raises(ValidationFailed) as past:
        _act(case, Action.REQUEST_CORRECTION, reviewer, "请补充材料", respond_by="2020-01-01")
    with pytest.raises(ValidationFailed) as no_reason:
        _act(case, Action.REQUEST_CORRECTION, reviewer, "", respond_by="2099-01-01")

    assert [list(e.value.errors) for e in (no_date, past, no_reason)] == [
        ["respond_by"],
        ["respond_by"],
        ["comment"],
    ]
    assert Case.objects.get(pk=case.pk).state == CaseState.IN_REVIEW


def test_a_clerk_does_not_ask_for_more_on_a_case_under_review(version, citizen, clerk, reviewer):
    case = claimed_case(version, citizen, clerk, reviewer)

    with pytest.raises(NotAllowed):
        _act(case, Action.REQUEST_CORRECTION, clerk, "补充", respond_by="2099-01-01")

    assert Case.objects.get(pk=case.pk).state == CaseState.IN_REVIEW


# --- Hand-off (转办) ---------------------------------------------------------------------


def test_a_hand_off_moves_the_case_to_the_other_departments_queue_through_the_outbox(
    version, citizen, clerk, reviewer, django_capture_on_commit_callbacks
):
    department, receiver = other_department(version)
    case = claimed_case(version, citizen, clerk, reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        case = _act(
            case, Action.HAND_OFF, reviewer, "属于贵局职责", department=department.credit_code
        )

    assert (case.state, case.department, case.claimed_by) == (CaseState.ACCEPTED, department, None)
    message = OutboxMessage.objects.get(kind=OutboxKind.HAND_OFF)
    assert message.delivered_at is not None
    notice = DepartmentNotice.objects.get()
    assert (notice.department, notice.case, notice.message) == (department, case, message)
    assert policies.case_parties(fresh(receiver), case) == {Party.REVIEWER}
    assert policies.case_parties(fresh(reviewer), case) == frozenset()
    assert case.events.get(action=Action.HAND_OFF).payload == {
        "department": department.credit_code,
        "department_name": department.name,
        "from_department": version.implementation.department.credit_code,
    }


def test_a_hand_off_through_the_api_answers_with_the_case_as_it_left(
    api_client, version, citizen, clerk, reviewer
):
    """The reviewer cannot see the case any more once it is handed off; the step still
    succeeded and says so (it used to answer 404)."""
    department, _receiver = other_department(version)
    case = claimed_case(version, citizen, clerk, reviewer)
    api_client.force_authenticate(fresh(reviewer))

    response = api_client.post(
        f"/api/v1/cases/{case.number}/transitions/",
        {"action": "hand_off", "comment": "属于贵局职责", "department": department.credit_code},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["number"], body["state"], body["department"]) == (
        case.number,
        CaseState.ACCEPTED,
        department.name,
    )
    assert body["next_actions"] == []
    assert api_client.get(f"/api/v1/cases/{case.number}/").status_code == 404


def test_a_hand_off_needs_another_department_and_a_reason(version, citizen, clerk, reviewer):
    case = claimed_case(version, citizen, clerk, reviewer)
    own = version.implementation.department

    with pytest.raises(ValidationFailed) as same:
        _act(case, Action.HAND_OFF, reviewer, "转", department=own.credit_code)
    with pytest.raises(ValidationFailed) as unknown:
        _act(case, Action.HAND_OFF, reviewer, "转", department="91350100M000100Y43")

    assert list(same.value.errors) == list(unknown.value.errors) == ["department"]
    assert Case.objects.get(pk=case.pk).department == own
    assert not OutboxMessage.objects.filter(kind=OutboxKind.HAND_OFF).exists()


def test_when_the_outbox_write_fails_the_hand_off_does_not_happen(
    version, citizen, clerk, reviewer, monkeypatch
):
    department, _receiver = other_department(version)
    case = claimed_case(version, citizen, clerk, reviewer)

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(outbox, "enqueue", broken)
    with pytest.raises(RuntimeError):
        _act(case, Action.HAND_OFF, reviewer, "转", department=department.credit_code)

    case.refresh_from_db()
    assert (case.state, case.department) == (CaseState.IN_REVIEW, version.implementation.department)
    assert not case.events.filter(action=Action.HAND_OFF).exists()


# --- Consultation (征求意见) ---------------------------------------------------------------


def test_a_consulted_department_sees_the_case_and_answers_and_the_review_goes_on(
    version, citizen, clerk, reviewer, django_capture_on_commit_callbacks
):
    department, consulted = other_department(version)
    _elsewhere, outsider = other_department(version)
    case = claimed_case(version, citizen, clerk, reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        case = _act(
            case, Action.CONSULT, reviewer, "该场所是否符合消防要求？",
            department=department.credit_code, due="2099-01-31",
        )  # fmt: skip
    waiting = case.state
    seen_by = policies.case_parties(fresh(consulted), case)
    case = _act(case, Action.ANSWER_CONSULTATION, consulted, "符合要求，无异议。")

    assert waiting == CaseState.CONSULTING
    assert seen_by == {Party.CONSULTED}
    assert policies.case_parties(fresh(outsider), case) == frozenset()
    assert case.state == CaseState.IN_REVIEW
    consultation = Consultation.objects.get()
    assert (consultation.question, consultation.answer) == (
        "该场所是否符合消防要求？",
        "符合要求，无异议。",
    )
    assert (consultation.due, consultation.answered_by) == (date(2099, 1, 31), consulted)
    assert DepartmentNotice.objects.get().department == department
    assert case in policies.cases_visible_to(fresh(consulted))


def test_the_case_waits_until_every_consulted_department_answered(
    version, citizen, clerk, reviewer
):
    first, first_reviewer = other_department(version)
    second, second_reviewer = other_department(version)
    case = claimed_case(version, citizen, clerk, reviewer)
    case = _act(case, Action.CONSULT, reviewer, "问一", department=first.credit_code)
    case = _act(case, Action.CONSULT, reviewer, "问二", department=second.credit_code)

    case = _act(case, Action.ANSWER_CONSULTATION, first_reviewer, "同意")
    still = case.state
    with pytest.raises(TransitionImpossible):
        _act(case, Action.ANSWER_CONSULTATION, first_reviewer, "再答一次")
    case = _act(case, Action.ANSWER_CONSULTATION, second_reviewer, "同意")

    assert still == CaseState.CONSULTING
    assert case.state == CaseState.IN_REVIEW


def test_a_consulted_reviewer_may_not_decide_and_the_case_is_not_decided_while_waiting(
    version, citizen, clerk, reviewer
):
    department, consulted = other_department(version)
    case = claimed_case(version, citizen, clerk, reviewer)
    case = _act(case, Action.CONSULT, reviewer, "问", department=department.credit_code)

    with pytest.raises(NotAllowed):
        _act(case, Action.APPROVE, consulted)
    with pytest.raises(TransitionImpossible):
        _act(case, Action.APPROVE, reviewer)

    assert Case.objects.get(pk=case.pk).state == CaseState.CONSULTING


# --- Decision -----------------------------------------------------------------------------

NUMBER = re.compile(r"^宜市监(不?准)字〔(\d{4})〕第(\d{6})号$")


def test_decisions_get_readable_numbers_in_sequence_per_department_and_outcome(
    version, citizen, clerk, reviewer
):
    department = version.implementation.department
    department.sector = "market_regulation"
    department.save()
    cases = [claimed_case(version, citizen, clerk, reviewer) for _ in range(3)]

    first = _act(cases[0], Action.APPROVE, reviewer)
    second = _act(cases[1], Action.APPROVE, reviewer)
    denied = _act(cases[2], Action.DENY, reviewer, "不符合法定条件。")

    numbers = [NUMBER.match(c.decision_number).groups() for c in (first, second, denied)]
    year = str(first.decided_at.year)
    assert numbers == [("准", year, "000001"), ("准", year, "000002"), ("不准", year, "000001")]
    assert first.events.get(action=Action.APPROVE).payload == {
        "decision_number": first.decision_number
    }


def test_two_departments_printing_the_same_short_name_never_share_a_decision_number(
    version, citizen, clerk, reviewer
):
    """宜昌市 and 宜都市 market regulators both print 宜市监: one sequence for both."""
    from tests.factories import DepartmentFactory, MembershipFactory, RegionFactory
    from tests.factories.matters import VersionFactory

    yidu = RegionFactory(code="420581000000", name="宜都市")
    department = version.implementation.department
    department.sector = "market_regulation"
    department.save()
    other = DepartmentFactory(region=yidu, name="宜都市市场监督管理局", sector="market_regulation")
    other_version = VersionFactory(implementation__region=yidu, implementation__department=other)
    other_reviewer = reviewer_of(other)
    here = claimed_case(version, citizen, clerk, reviewer)
    there = services.case_transition(
        case=services.case_create(version=other_version, actor=citizen, form_data={}),
        action=Action.SUBMIT,
        actor=citizen,
    )
    yidu_clerk = MembershipFactory(role=Role.CLERK, organisation=DepartmentFactory(region=yidu))
    there = services.case_transition(case=there, action=Action.ACCEPT, actor=yidu_clerk.user)
    there = _act(there, Action.CLAIM, other_reviewer)

    first = _act(here, Action.APPROVE, reviewer)
    second = _act(there, Action.APPROVE, other_reviewer)

    year = str(first.decided_at.year)
    assert [NUMBER.match(c.decision_number).groups() for c in (first, second)] == [
        ("准", year, "000001"),
        ("准", year, "000002"),
    ]
    assert second.state == CaseState.APPROVED


def test_the_decision_document_is_for_the_applicant_and_the_department_only(
    client, version, citizen, clerk, reviewer
):
    _elsewhere, outsider = other_department(version)
    case = claimed_case(version, citizen, clerk, reviewer)
    case = _act(case, Action.DENY, reviewer, "申请材料与实际情况不符。")
    url = f"/cases/{case.number}/decision.pdf"

    client.force_login(citizen)
    applicant = client.get(url)
    client.force_login(reviewer)
    staff = client.get(url)
    client.force_login(outsider)
    hidden = client.get(url)

    assert (applicant.status_code, staff.status_code, hidden.status_code) == (200, 200, 404)
    assert applicant["Content-Type"] == "application/pdf"
    assert applicant.content.startswith(b"%PDF")
    assert applicant["Cache-Control"] == "private, no-store"


def test_there_is_no_decision_document_before_the_decision(client, version, citizen, clerk):
    case = accepted_case(version, citizen, clerk)
    client.force_login(citizen)

    assert client.get(f"/cases/{case.number}/decision.pdf").status_code == 404


# --- Materials ------------------------------------------------------------------------------


def test_the_claimant_checks_the_materials(version, citizen, clerk, reviewer):
    case = claimed_case(version, citizen, clerk, reviewer)

    with pytest.raises(ValidationFailed) as no_note:
        services.case_material_verify(
            case=case, actor=fresh(reviewer), material_key="id_card", verdict="rejected"
        )
    material = services.case_material_verify(
        case=case, actor=fresh(reviewer), material_key="id_card", verdict="rejected",
        note="照片模糊",
    )  # fmt: skip

    assert list(no_note.value.errors) == ["note"]
    assert (material.verification, material.verification_note) == (
        MaterialVerification.REJECTED,
        "照片模糊",
    )
    assert material.verified_by == reviewer


def test_only_the_claimant_checks_materials_and_strangers_are_told_nothing(
    version, citizen, clerk, reviewer
):
    colleague = reviewer_of(version.implementation.department)
    _elsewhere, outsider = other_department(version)
    case = claimed_case(version, citizen, clerk, reviewer)

    with pytest.raises(NotAllowed):
        services.case_material_verify(
            case=case, actor=fresh(colleague), material_key="id_card", verdict="verified"
        )
    with pytest.raises(NotFound):
        services.case_material_verify(
            case=case, actor=fresh(outsider), material_key="id_card", verdict="verified"
        )

    assert case.materials.get().verification == MaterialVerification.PENDING


# --- The review page ---------------------------------------------------------------------


def test_the_review_page_shows_the_case_and_the_steps_open_to_the_reviewer(
    client, english, version, citizen, clerk, reviewer
):
    case = accepted_case(version, citizen, clerk)
    client.force_login(reviewer)

    page = client.get(f"/cases/{case.number}/review/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "张三" in html  # the form's answer
    assert "身份证.pdf" in html
    assert 'name="claim-action"' in html
    assert 'name="approve-action"' not in html


def test_claiming_and_deciding_through_the_review_page(
    client, english, version, citizen, clerk, reviewer
):
    case = accepted_case(version, citizen, clerk)
    client.force_login(reviewer)
    url = f"/cases/{case.number}/review/act/"

    claimed = client.post(url, {"action": "claim", "claim-action": "claim"})
    no_reason = client.post(url, {"action": "deny", "deny-action": "deny", "deny-comment": ""})
    verified = client.post(
        f"/cases/{case.number}/review/materials/id_card/verify/", {"verdict": "verified"}
    )
    approved = client.post(url, {"action": "approve", "approve-action": "approve"})

    assert claimed.status_code == 302
    assert no_reason.status_code == 400
    assert "Please correct the problems below." in no_reason.content.decode()
    assert verified.status_code == 302
    assert approved.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert case.materials.get().verification == MaterialVerification.VERIFIED


def _page_form(html: str, step: str) -> dict[str, str]:
    """The fields the review page's form for `step` sends, as a browser would send them."""
    forms = re.findall(r"<form[^>]*review/act/[^>]*>(.*?)</form>", html, re.S)
    form = next(f for f in forms if f'name="{step}-action"' in f)
    fields = re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    return dict(fields)


def test_the_page_forms_work_as_the_browser_sends_them(
    client, english, version, citizen, clerk, reviewer
):
    """The forms are prefixed by their step: the browser sends `claim-action`, never a bare
    `action`, and that alone must take the step."""
    case = accepted_case(version, citizen, clerk)
    client.force_login(reviewer)
    page = f"/cases/{case.number}/review/"

    claim = _page_form(client.get(page).content.decode(), "claim")
    assert "action" not in claim
    claimed = client.post(f"{page}act/", claim)
    approve = _page_form(client.get(page).content.decode(), "approve")
    approved = client.post(f"{page}act/", approve | {"approve-comment": "符合条件"})

    assert (claimed.status_code, approved.status_code) == (302, 302)
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert case.events.get(action=Action.APPROVE).comment == "符合条件"


def test_the_check_of_each_material_has_ids_of_its_own(client, version, citizen, clerk, reviewer):
    """Every material has its own check form on the page: no id may appear twice."""
    from tests.cases.conftest import pdf_file
    from tests.factories.matters import MaterialFactory

    MaterialFactory(version=version, key="photo", name="照片")
    case = services.case_create(version=version, actor=citizen, form_data={"applicant_name": "X"})
    for key in ("id_card", "photo"):
        services.case_material_attach(
            case=case, actor=citizen, material_key=key, file=pdf_file(), name=f"{key}.pdf"
        )
    case = services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)
    case = services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
    case = _act(case, Action.CLAIM, reviewer)
    client.force_login(reviewer)

    html = client.get(f"/cases/{case.number}/review/").content.decode()

    assert html.count('class="material-check"') == 2
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_a_post_naming_no_step_of_the_page_is_not_found(client, version, citizen, clerk, reviewer):
    case = accepted_case(version, citizen, clerk)
    client.force_login(reviewer)

    response = client.post(f"/cases/{case.number}/review/act/", {"submit-action": "submit"})

    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_an_impossible_step_on_the_page_says_why_with_409(
    client, english, version, citizen, clerk, reviewer
):
    case = accepted_case(version, citizen, clerk)
    client.force_login(reviewer)

    response = client.post(
        f"/cases/{case.number}/review/act/", {"action": "approve", "approve-action": "approve"}
    )

    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_a_hand_off_through_the_page_returns_to_the_queue(
    client, version, citizen, clerk, reviewer
):
    department, _receiver = other_department(version)
    case = claimed_case(version, citizen, clerk, reviewer)
    client.force_login(reviewer)

    response = client.post(
        f"/cases/{case.number}/review/act/",
        {
            "action": "hand_off",
            "hand_off-action": "hand_off",
            "hand_off-department": department.credit_code,
            "hand_off-comment": "属于贵局职责",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/cases/queue/"
    assert Case.objects.get(pk=case.pk).department == department


def test_the_applicant_has_no_review_page(client, version, citizen, clerk):
    case = accepted_case(version, citizen, clerk)
    client.force_login(citizen)

    assert client.get(f"/cases/{case.number}/review/").status_code == 404
