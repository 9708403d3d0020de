"""有诉即办: complaints received online, on the 12345 hotline or at the window; assigned,
forwarded, answered within a deadline, confirmed or reopened; the rates the seeds target."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.constants import CaseState
from cases.models import Notice
from core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from identity.constants import Role
from sharing.constants import AccessLogKind, ObjectionState, ReadChannel, ReadOutcome
from sharing.models import DataRead, Objection
from supervision import selectors, services, sweep
from supervision.constants import (
    CardKind,
    ComplaintAction,
    ComplaintChannel,
    ComplaintState,
    ComplaintSubject,
)
from supervision.models import Card, Complaint
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.supervision.conftest import make_case, working_days

pytestmark = pytest.mark.django_db

COMPLAINTS = "/api/v1/complaints/"


@pytest.fixture
def own_case(version, citizen):
    return make_case(version, state=CaseState.IN_REVIEW, applicant=citizen)


def file_about_case(case, actor, text="三次去窗口都没办成") -> Complaint:
    return services.complaint_file(
        actor=actor, subject=ComplaintSubject.CASE, text=text, case_number=case.number
    )


# --- Filing ------------------------------------------------------------------------------


def test_a_complaint_about_ones_case_goes_to_its_department_at_once(own_case, citizen, head):
    complaint = file_about_case(own_case, citizen)

    today = timezone.localdate()
    assert complaint.number.startswith(f"TS{today:%Y%m%d}")
    assert (complaint.state, complaint.department, complaint.case) == (
        ComplaintState.ASSIGNED,
        own_case.department,
        own_case,
    )
    assert (complaint.complainant, complaint.channel, complaint.entered_by) == (
        citizen,
        ComplaintChannel.ONLINE,
        None,
    )
    assert complaint.due == working_days(today, 5)
    assert complaint.assigned_at is not None
    assert list(complaint.events.values_list("action", flat=True)) == [
        ComplaintAction.FILE,
        ComplaintAction.ASSIGN,
    ]
    assert Notice.objects.filter(recipient=head, title__contains=complaint.number).exists()


def test_someone_elses_case_cannot_be_named(own_case, stranger):
    with pytest.raises(ValidationFailed) as error:
        file_about_case(own_case, stranger)

    assert "case_number" in error.value.errors
    assert not Complaint.objects.exists()


def test_complaints_about_a_service_or_a_department_go_to_that_department(version, citizen):
    about_service = services.complaint_file(
        actor=citizen,
        subject=ComplaintSubject.MATTER,
        text="办事指南与实际要求不一致",
        implementation_code=version.implementation.code,
    )
    other = DepartmentFactory()
    about_department = services.complaint_file(
        actor=citizen,
        subject=ComplaintSubject.DEPARTMENT,
        text="电话无人接听",
        department=other.credit_code,
    )

    assert about_service.department == version.implementation.department
    assert (about_department.department, about_department.about_department) == (other, other)


def test_a_complaint_needs_its_text_and_its_subject(citizen):
    with pytest.raises(ValidationFailed) as error:
        services.complaint_file(actor=citizen, subject="weather", text=" ")

    assert set(error.value.errors) == {"text", "subject"}
    with pytest.raises(ValidationFailed) as error:
        services.complaint_file(
            actor=citizen, subject=ComplaintSubject.DEPARTMENT, text="x", department="nonsense"
        )
    assert "department" in error.value.errors
    assert not Complaint.objects.exists()


def test_a_hotline_operator_records_a_call_from_someone_without_an_account(clerk, department):
    complaint = services.complaint_file(
        actor=clerk,
        channel=ComplaintChannel.HOTLINE,
        subject=ComplaintSubject.DEPARTMENT,
        text="12345来电：窗口推诿",
        department=department,
        complainant_name="赵六",
        complainant_phone="13900000000",
    )

    assert (complaint.complainant, complaint.entered_by, complaint.channel) == (
        None,
        clerk,
        ComplaintChannel.HOTLINE,
    )
    assert complaint.complainant_phone == "13900000000"


def test_a_caller_without_an_account_must_leave_a_phone_number(clerk, department):
    with pytest.raises(ValidationFailed) as error:
        services.complaint_file(
            actor=clerk,
            channel=ComplaintChannel.WINDOW,
            subject=ComplaintSubject.DEPARTMENT,
            text="x",
            department=department,
            complainant_name="赵六",
        )

    assert "complainant_phone" in error.value.errors


def test_citizens_and_reviewers_do_not_record_complaints_for_others(citizen, reviewer, department):
    for actor in (citizen, reviewer):
        with pytest.raises(NotAllowed):
            services.complaint_file(
                actor=actor,
                channel=ComplaintChannel.HOTLINE,
                subject=ComplaintSubject.DEPARTMENT,
                text="x",
                department=department,
                complainant_name="赵六",
                complainant_phone="13900000000",
            )
    assert not Complaint.objects.exists()


def test_a_complaint_about_a_use_of_ones_data_goes_to_the_department_that_read_it(citizen):
    reader = DepartmentFactory()
    read = DataRead.objects.create(
        consumer=reader,
        subject=citizen.id_number,
        resource_code="hjxx",
        fields=["name"],
        purpose="核验",
        channel=ReadChannel.API,
        outcome=ReadOutcome.SERVED,
    )

    complaint = services.complaint_file(
        actor=citizen,
        subject=ComplaintSubject.DATA_ACCESS,
        text="未经同意查询我的户籍",
        data_reference=f"{AccessLogKind.DATA_READ}:{read.public_id}",
    )

    assert complaint.department == reader
    assert complaint.data_reference == f"data_read:{read.public_id}"
    with pytest.raises(ValidationFailed):
        services.complaint_file(
            actor=UserFactory(),
            subject=ComplaintSubject.DATA_ACCESS,
            text="x",
            data_reference=f"data_read:{read.public_id}",
        )
    with pytest.raises(ValidationFailed):
        services.complaint_file(
            actor=citizen,
            subject=ComplaintSubject.DATA_ACCESS,
            text="x",
            data_reference=f"data_read:{uuid.uuid4()}",
        )


def test_objections_in_the_data_use_log_become_complaints_once(citizen):
    reader = DepartmentFactory()
    read = DataRead.objects.create(
        consumer=reader,
        subject=citizen.id_number,
        resource_code="hjxx",
        channel=ReadChannel.API,
        outcome=ReadOutcome.SERVED,
    )
    objection = Objection.objects.create(
        person=citizen,
        entry_kind=AccessLogKind.DATA_READ,
        entry_id=str(read.public_id),
        reader=reader.name,
        summary="户籍信息: 姓名",
        read_at=read.at,
        text="我没有办理任何业务",
    )

    made = services.complaints_from_objections()
    assert services.complaints_from_objections() == []

    assert len(made) == 1
    complaint = made[0]
    objection.refresh_from_db()
    assert (objection.state, objection.complaint_reference) == (
        ObjectionState.FORWARDED,
        complaint.number,
    )
    assert (complaint.complainant, complaint.subject, complaint.department) == (
        citizen,
        ComplaintSubject.DATA_ACCESS,
        reader,
    )


# --- Handling ----------------------------------------------------------------------------


def test_a_supervisor_assigns_an_unassigned_complaint(citizen, supervisor, department, reviewer):
    complaint = services.complaint_file(
        actor=citizen,
        subject=ComplaintSubject.DEPARTMENT,
        text="x",
        department=department,
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        state=ComplaintState.RECEIVED, department=None, assigned_at=None
    )
    complaint.refresh_from_db()

    with pytest.raises(NotFound):  # not the reviewer's department's (yet)
        services.complaint_assign(complaint=complaint, actor=reviewer, department=department)
    services.complaint_assign(complaint=complaint, actor=supervisor, department=department)

    complaint.refresh_from_db()
    assert (complaint.state, complaint.department) == (ComplaintState.ASSIGNED, department)


def test_the_department_forwards_to_the_right_department(own_case, citizen, reviewer):
    complaint = file_about_case(own_case, citizen)
    sweep.sweep_deadlines(today=complaint.due + timedelta(days=1))
    target = DepartmentFactory()
    target_reviewer = MembershipFactory(role=Role.REVIEWER, organisation=target).user

    with pytest.raises(ValidationFailed):  # a reason is needed
        services.complaint_forward(
            complaint=complaint, actor=reviewer, department=target, comment=""
        )
    services.complaint_forward(
        complaint=complaint, actor=reviewer, department=target, comment="属于贵单位职责"
    )

    complaint.refresh_from_db()
    assert (complaint.state, complaint.department, complaint.forward_count) == (
        ComplaintState.FORWARDED,
        target,
        1,
    )
    assert set(complaint.cards.values_list("department", flat=True)) == {target.pk}
    # The first department no longer sees it; the new one answers it
    with pytest.raises(NotFound):
        services.complaint_answer(complaint=complaint, actor=reviewer, answer="x")
    services.complaint_answer(complaint=complaint, actor=target_reviewer, answer="已处理")


def test_answer_confirm_close_with_cards_closed_at_once(
    own_case, citizen, reviewer, django_capture_on_commit_callbacks, mailoutbox
):
    complaint = file_about_case(own_case, citizen)
    sweep.sweep_deadlines(today=complaint.due + timedelta(days=1))
    assert complaint.cards.filter(closed_at__isnull=True).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_answer(complaint=complaint, actor=reviewer, answer="已为您办结")

    complaint.refresh_from_db()
    assert (complaint.state, complaint.answered_by, complaint.answer) == (
        ComplaintState.ANSWERED,
        reviewer,
        "已为您办结",
    )
    assert complaint.cards.filter(closed_at__isnull=True).count() == 0
    assert Notice.objects.filter(recipient=citizen, body="已为您办结").exists()
    assert citizen.email in [message.to[0] for message in mailoutbox]

    services.complaint_confirm(complaint=complaint, actor=citizen)
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED
    assert complaint.confirmed_at == complaint.closed_at
    assert [event.to_state for event in complaint.events.all()] == [
        ComplaintState.RECEIVED,
        ComplaintState.ASSIGNED,
        ComplaintState.ANSWERED,
        ComplaintState.CLOSED,
    ]


def test_reopening_starts_a_new_reply_deadline_and_round_of_cards(own_case, citizen, reviewer):
    complaint = file_about_case(own_case, citizen)
    services.complaint_answer(complaint=complaint, actor=reviewer, answer="已处理")

    with pytest.raises(ValidationFailed):
        services.complaint_reopen(complaint=complaint, actor=citizen, reason="")
    services.complaint_reopen(complaint=complaint, actor=citizen, reason="问题没有解决")

    complaint.refresh_from_db()
    assert (complaint.state, complaint.reopen_count, complaint.answered_at) == (
        ComplaintState.REOPENED,
        1,
        None,
    )
    sweep.sweep_deadlines(today=complaint.due + timedelta(days=1))
    assert sorted(
        Card.objects.filter(kind=CardKind.COMPLAINT_REPLY).values_list("subject_id", flat=True)
    ) == [f"{complaint.pk}:1", f"{complaint.pk}:1"]


def test_who_may_do_what(own_case, citizen, reviewer, stranger, supervisor):
    complaint = file_about_case(own_case, citizen)

    # A stranger does not know it exists
    with pytest.raises(NotFound):
        services.complaint_answer(complaint=complaint, actor=stranger, answer="x")
    # The complainant does not answer their own complaint
    with pytest.raises(NotAllowed):
        services.complaint_answer(complaint=complaint, actor=citizen, answer="x")
    # Nothing to confirm before an answer
    with pytest.raises(Conflict):
        services.complaint_confirm(complaint=complaint, actor=citizen)
    services.complaint_answer(complaint=complaint, actor=reviewer, answer="已处理")
    # The department does not confirm for a complainant who has an account, nor a supervisor
    for actor in (reviewer, supervisor):
        with pytest.raises(NotAllowed):
            services.complaint_confirm(complaint=complaint, actor=actor)
    # Answered: no second answer
    with pytest.raises(Conflict):
        services.complaint_answer(complaint=complaint, actor=reviewer, answer="again")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.answer) == (ComplaintState.ANSWERED, "已处理")


def test_the_recorder_confirms_for_a_caller_without_an_account(clerk, department, reviewer):
    complaint = services.complaint_file(
        actor=clerk,
        channel=ComplaintChannel.HOTLINE,
        subject=ComplaintSubject.DEPARTMENT,
        text="x",
        department=department,
        complainant_name="赵六",
        complainant_phone="13900000000",
    )
    services.complaint_answer(complaint=complaint, actor=reviewer, answer="已电话答复")

    services.complaint_confirm(complaint=complaint, actor=clerk)

    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED


# --- Rates -------------------------------------------------------------------------------


def test_timely_forwarding_and_on_time_reply_rates(own_case, citizen, reviewer):
    today = timezone.localdate()
    on_time = file_about_case(own_case, citizen)
    services.complaint_answer(complaint=on_time, actor=reviewer, answer="已处理")
    late = file_about_case(own_case, citizen)
    Complaint.objects.filter(pk=late.pk).update(
        due=today - timedelta(days=1), assign_due=today - timedelta(days=3)
    )
    waiting = file_about_case(own_case, citizen)
    services.complaint_forward(
        complaint=waiting, actor=reviewer, department=DepartmentFactory(), comment="转办"
    )

    rates = selectors.complaint_rates(Complaint.objects.all(), today=today)

    assert rates == {
        "total": 3,
        "forwarded": 1,
        "assignment_due_or_done": 3,
        "assigned_on_time": 2,
        "timely_forwarding_rate": 66.7,
        "reply_due_or_done": 2,
        "replied_on_time": 1,
        "on_time_reply_rate": 50.0,
    }


# --- API -----------------------------------------------------------------------------------


def test_the_api_files_and_lists_ones_own_complaints(api_client, own_case, citizen, stranger):
    api_client.force_authenticate(citizen)

    response = api_client.post(
        COMPLAINTS,
        {"subject": "case", "case": own_case.number, "text": "审批超期"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["case"], body["department"]) == (
        "assigned",
        own_case.number,
        own_case.department.name,
    )
    assert [step["action"] for step in body["timeline"]] == ["file", "assign"]
    assert api_client.get(COMPLAINTS).json()["count"] == 1
    api_client.force_authenticate(stranger)
    assert api_client.get(COMPLAINTS).json()["count"] == 0
    assert api_client.get(f"{COMPLAINTS}{body['number']}/").status_code == 404


def test_department_staff_list_their_departments_complaints(
    api_client, own_case, citizen, reviewer, other_reviewer, django_assert_max_num_queries
):
    for _ in range(3):
        file_about_case(own_case, citizen)
    api_client.force_authenticate(reviewer)

    with django_assert_max_num_queries(8):
        assert api_client.get(COMPLAINTS).json()["count"] == 3
    api_client.force_authenticate(other_reviewer)
    assert api_client.get(COMPLAINTS).json()["count"] == 0


def test_the_api_answers_field_errors_and_refusals(api_client, citizen, department):
    api_client.force_authenticate(citizen)

    bad = api_client.post(COMPLAINTS, {"subject": "department", "text": "x"}, format="json")
    assert (bad.status_code, list(bad.json()["errors"])) == (400, ["department"])
    hotline = api_client.post(
        COMPLAINTS,
        {
            "subject": "department",
            "department": department.credit_code,
            "text": "x",
            "channel": "hotline",
            "complainant_name": "赵六",
            "complainant_phone": "13900000000",
        },
        format="json",
    )
    assert hotline.status_code == 403
    assert not Complaint.objects.exists()


# --- Pages ---------------------------------------------------------------------------------


def test_a_citizen_files_follows_and_confirms_in_the_browser(
    client, english, own_case, citizen, reviewer
):
    client.force_login(citizen)
    form = client.get(f"/supervision/complaints/new/?case={own_case.number}")
    assert own_case.number in form.content.decode()

    response = client.post(
        "/supervision/complaints/new/",
        {"subject": "case", "case_number": own_case.number, "text": "等了很久"},
    )
    complaint = Complaint.objects.get()
    assert response["Location"] == f"/supervision/complaints/{complaint.number}/"
    assert complaint.number in client.get("/supervision/complaints/").content.decode()

    client.force_login(reviewer)
    inbox = client.get("/supervision/complaints/inbox/")
    assert complaint.number in inbox.content.decode()
    response = client.post(
        f"/supervision/complaints/{complaint.number}/answer/", {"answer": "已加急办理"}
    )
    assert response.status_code == 302

    client.force_login(citizen)
    page = client.get(f"/supervision/complaints/{complaint.number}/").content.decode()
    assert "已加急办理" in page
    response = client.post(f"/supervision/complaints/{complaint.number}/confirm/")
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED


def test_the_form_keeps_what_was_written_when_the_case_is_unknown(client, citizen):
    client.force_login(citizen)

    response = client.post(
        "/supervision/complaints/new/",
        {"subject": "case", "case_number": "NOPE", "text": "我的投诉内容"},
    )

    assert response.status_code == 400
    assert "我的投诉内容" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_clerk_records_a_window_complaint_in_the_browser(client, clerk, department):
    client.force_login(clerk)
    assert client.get("/supervision/complaints/record/").status_code == 200

    response = client.post(
        "/supervision/complaints/record/",
        {
            "channel": "window",
            "complainant_name": "赵六",
            "complainant_phone": "13900000000",
            "subject": "department",
            "department": department.credit_code,
            "text": "有诉即办窗口登记",
        },
    )

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.entered_by, complaint.department) == (
        ComplaintChannel.WINDOW,
        clerk,
        department,
    )


def test_pages_refuse_those_who_may_not_see_them(client, own_case, citizen, stranger, reviewer):
    complaint = file_about_case(own_case, citizen)

    client.force_login(citizen)
    assert client.get("/supervision/complaints/record/").status_code == 403
    assert client.get("/supervision/complaints/inbox/").status_code == 403
    assert client.get("/supervision/cards/").status_code == 403
    response = client.post(f"/supervision/complaints/{complaint.number}/answer/", {"answer": "x"})
    assert response.status_code == 403
    client.force_login(stranger)
    assert client.get(f"/supervision/complaints/{complaint.number}/").status_code == 404
    response = client.post(f"/supervision/complaints/{complaint.number}/confirm/")
    assert response.status_code == 404
    client.force_login(reviewer)
    response = client.post(f"/supervision/complaints/{complaint.number}/confirm/")
    assert response.status_code == 409  # nothing to confirm yet, for anyone
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ASSIGNED
    client.logout()
    assert client.get("/supervision/complaints/").status_code == 302
