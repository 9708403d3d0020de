"""A case from draft to delivery, and every refusal on the way (SPEC.md §4)."""

import re
from datetime import date

import pytest
from django.core import mail

from cases import services
from cases.constants import Action, CaseState
from cases.errors import CaseIncomplete, CaseNotEditable, TransitionImpossible
from cases.models import Case, CaseEvent
from core.errors import NotAllowed, NotFound, ValidationFailed
from identity.models import AuditEvent
from matters.constants import HandlingKind
from tests.cases.conftest import pdf_file
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _submitted(version, citizen) -> Case:
    case = services.case_create(
        version=version, actor=citizen, form_data={"applicant_name": "张三"}
    )
    services.case_material_attach(
        case=case, actor=citizen, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    return services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)


def test_a_case_goes_from_draft_to_delivery_with_its_timeline(
    version, citizen, clerk, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _submitted(version, citizen)
        services.case_transition(
            case=case, action=Action.ACCEPT, actor=clerk, today=date(2025, 9, 26)
        )
        for action in (Action.CLAIM, Action.APPROVE, Action.ISSUE_RESULT, Action.DELIVER):
            services.case_transition(case=case, action=action, actor=reviewer)

    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED
    # Friday 26 September 2025 + 5 working days: 28 Sep (Sunday) is a make-up working day.
    assert case.deadline == date(2025, 10, 10)
    assert [(e.action, e.from_state, e.to_state) for e in case.events.all()] == [
        ("submit", "draft", "submitted"),
        ("accept", "submitted", "accepted"),
        ("route", "accepted", "accepted"),
        ("claim", "accepted", "in_review"),
        ("approve", "in_review", "approved"),
        ("issue_result", "approved", "result_issued"),
        ("deliver", "result_issued", "delivered"),
    ]
    assert all(t is not None for t in (case.submitted_at, case.decided_at, case.delivered_at))
    assert (
        AuditEvent.objects.filter(object_id=str(case.pk), action__startswith="cases.").count() == 8
    )
    assert len(mail.outbox) == 6
    assert case.number in mail.outbox[-1].subject


def test_case_numbers_are_readable_and_sequential_per_region_and_day(version, citizen):
    first = services.case_create(version=version, actor=citizen, form_data={})
    second = services.case_create(version=version, actor=citizen, form_data={})

    assert re.fullmatch(r"420500-\d{8}-000001", first.number)
    assert second.number == first.number[:-6] + "000002"


def test_submitting_an_incomplete_case_lists_everything_missing_at_once(version, citizen):
    case = services.case_create(version=version, actor=citizen, form_data={})

    with pytest.raises(CaseIncomplete) as raised:
        services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)

    assert sorted(raised.value.errors) == ["form.applicant_name", "materials.id_card"]
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT
    assert not CaseEvent.objects.exists()


def test_an_impossible_action_is_a_conflict_and_changes_nothing(version, citizen, reviewer):
    case = _submitted(version, citizen)

    with pytest.raises(TransitionImpossible):
        services.case_transition(case=case, action=Action.APPROVE, actor=reviewer)

    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.events.count() == 1


def test_the_applicant_may_not_decide_their_own_case(version, citizen, clerk, reviewer):
    case = _submitted(version, citizen)
    services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
    services.case_transition(case=case, action=Action.CLAIM, actor=reviewer)

    with pytest.raises(NotAllowed):
        services.case_transition(case=case, action=Action.APPROVE, actor=citizen)

    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW


def test_a_stranger_and_another_department_see_no_case(version, citizen, clerk, other_reviewer):
    case = _submitted(version, citizen)
    services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)

    for outsider in (UserFactory(), other_reviewer):
        with pytest.raises(NotFound):
            services.case_transition(case=case, action=Action.CLAIM, actor=outsider)

    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED


def test_refusing_needs_a_reason(version, citizen, clerk):
    case = _submitted(version, citizen)

    with pytest.raises(ValidationFailed) as raised:
        services.case_transition(case=case, action=Action.REFUSE, actor=clerk, comment="  ")

    assert raised.value.errors == {"comment": [raised.value.message]}
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_a_correction_request_lets_the_applicant_change_and_resubmit(version, citizen, clerk):
    case = _submitted(version, citizen)
    services.case_transition(
        case=case, action=Action.REQUEST_CORRECTION, actor=clerk, comment="请补充联系电话"
    )

    errors = services.case_update_form(
        case=case, actor=citizen, form_data={"contact_phone": "13800000001"}
    )
    services.case_transition(case=case, action=Action.RESUBMIT, actor=citizen)

    case.refresh_from_db()
    assert errors == {}
    assert case.form_data == {"applicant_name": "张三", "contact_phone": "13800000001"}
    assert case.state == CaseState.SUBMITTED


def test_a_draft_keeps_valid_answers_and_reports_invalid_ones(version, citizen):
    case = services.case_create(version=version, actor=citizen, form_data={})

    errors = services.case_update_form(
        case=case, actor=citizen, form_data={"applicant_name": "张三", "contact_phone": "12"}
    )

    case.refresh_from_db()
    assert list(errors) == ["form.contact_phone"]
    assert case.form_data == {"applicant_name": "张三"}


def test_a_submitted_case_can_no_longer_be_edited(version, citizen):
    case = _submitted(version, citizen)

    with pytest.raises(CaseNotEditable):
        services.case_update_form(case=case, actor=citizen, form_data={"applicant_name": "李四"})

    case.refresh_from_db()
    assert case.form_data == {"applicant_name": "张三"}


def test_the_applicant_withdraws_before_a_decision_but_not_after(version, citizen, clerk, reviewer):
    withdrawn = _submitted(version, citizen)
    decided = _submitted(version, citizen)
    services.case_transition(case=decided, action=Action.ACCEPT, actor=clerk)
    services.case_transition(case=decided, action=Action.CLAIM, actor=reviewer)
    services.case_transition(case=decided, action=Action.APPROVE, actor=reviewer)

    services.case_transition(case=withdrawn, action=Action.WITHDRAW, actor=citizen)
    with pytest.raises(TransitionImpossible):
        services.case_transition(case=decided, action=Action.WITHDRAW, actor=citizen)

    withdrawn.refresh_from_db()
    decided.refresh_from_db()
    assert (withdrawn.state, decided.state) == (CaseState.WITHDRAWN, CaseState.APPROVED)


def test_suspension_stops_the_clock_and_resume_moves_the_deadline(
    version, citizen, clerk, reviewer
):
    case = _submitted(version, citizen)
    services.case_transition(case=case, action=Action.ACCEPT, actor=clerk, today=date(2026, 3, 2))
    services.case_transition(case=case, action=Action.CLAIM, actor=reviewer)
    services.case_transition(
        case=case,
        action=Action.SUSPEND,
        actor=reviewer,
        comment="需现场核查",
        today=date(2026, 3, 4),
    )
    services.case_transition(
        case=case, action=Action.RESUME, actor=reviewer, today=date(2026, 3, 9)
    )

    case.refresh_from_db()
    # Accepted Monday 2 March + 5 working days = 9 March; suspended Wed 4 → Mon 9 March
    # (3 working days: 5, 6 and 9 March), so the deadline moves to 12 March.
    assert case.deadline == date(2026, 3, 12)
    assert case.suspended_since is None


def test_an_immediate_matter_is_due_the_day_it_is_accepted(version, citizen, clerk):
    version.handling_kind = HandlingKind.IMMEDIATE
    version.promised_limit_days = 0
    version.save()
    case = _submitted(version, citizen)

    services.case_transition(case=case, action=Action.ACCEPT, actor=clerk, today=date(2026, 3, 7))

    case.refresh_from_db()
    assert case.deadline == date(2026, 3, 7)


def test_an_emptied_answer_is_removed_and_a_mistyped_one_keeps_its_value(version, citizen):
    case = services.case_create(
        version=version,
        actor=citizen,
        form_data={"applicant_name": "张三", "contact_phone": "13800000001"},
    )

    errors = services.case_update_form(
        case=case, actor=citizen, form_data={"applicant_name": "", "contact_phone": "12"}
    )

    case.refresh_from_db()
    assert list(errors) == ["form.contact_phone"]
    assert case.form_data == {"contact_phone": "13800000001"}


def test_a_material_that_may_follow_later_does_not_block_submission(version, citizen):
    version.materials.update(tolerable=True)
    case = services.case_create(
        version=version, actor=citizen, form_data={"applicant_name": "张三"}
    )

    services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)

    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_a_service_below_level_three_is_not_applied_for_online(version, citizen):
    version.online_depth = 2
    version.visits_required = 1
    version.save()

    with pytest.raises(ValidationFailed) as raised:
        services.case_create(version=version, actor=citizen, form_data={})

    assert list(raised.value.errors) == ["matter"]
    assert not Case.objects.exists()
