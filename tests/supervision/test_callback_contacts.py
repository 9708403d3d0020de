"""Calling people back (回访): the department that follows up a bad rating, and the
department or clerk handling a complaint, see the phone number they must call — nobody
else — and each such read of personal data is in the audit trail."""

import pytest

from cases.constants import CaseState
from identity.constants import AuditAction
from identity.models import AuditEvent
from supervision import services
from supervision.constants import ComplaintChannel, ComplaintSubject
from tests.factories import UserFactory
from tests.supervision.conftest import make_case

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
CALLER_PHONE = "13800001111"


@pytest.fixture
def applicant():
    return UserFactory(name="王五", phone=PHONE)


@pytest.fixture
def rated(version, applicant, reviewer):
    case = make_case(version, state=CaseState.DELIVERED, applicant=applicant, claimed_by=reviewer)
    services.rating_create(case=case, actor=applicant, score=1, comment="等太久")
    return case


def _reads(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ, **filters))


def test_the_rated_department_sees_the_applicants_phone_and_the_read_is_audited(
    client, english, rated, applicant, reviewer
):
    client.force_login(reviewer)

    page = client.get(f"/supervision/follow-ups/{rated.number}/").content.decode()

    assert "Phone for the call back" in page
    assert f'href="tel:{PHONE}"' in page
    [read] = _reads(actor=reviewer)
    assert (read.subject_id, read.object_type, read.detail) == (
        applicant.pk,
        "supervision.ratingfollowup",
        {"purpose": "rating_callback"},
    )


def test_a_supervisor_watching_the_follow_up_does_not_see_the_phone(
    client, english, rated, supervisor
):
    client.force_login(supervisor)

    response = client.get(f"/supervision/follow-ups/{rated.number}/")

    assert response.status_code == 200
    assert PHONE not in response.content.decode()
    assert _reads(actor=supervisor) == []


def test_once_the_follow_up_is_closed_the_phone_is_no_longer_shown(
    client, english, rated, reviewer
):
    follow_up = rated.rating.follow_up
    services.follow_up_record_callback(follow_up=follow_up, actor=reviewer, notes="已回访")
    services.follow_up_close(follow_up=follow_up, actor=reviewer, rectification="改", answer="答")
    client.force_login(reviewer)

    page = client.get(f"/supervision/follow-ups/{rated.number}/").content.decode()

    assert PHONE not in page
    assert _reads(actor=reviewer) == []


@pytest.fixture
def hotline_complaint(clerk, department):
    return services.complaint_file(
        actor=clerk,
        channel=ComplaintChannel.HOTLINE,
        subject=ComplaintSubject.DEPARTMENT,
        department=department,
        text="窗口不受理",
        complainant_name="赵六",
        complainant_phone=CALLER_PHONE,
    )


def test_the_handling_department_and_the_recorder_see_the_callers_phone(
    client, english, hotline_complaint, clerk, reviewer
):
    for person in (reviewer, clerk):
        client.force_login(person)
        page = client.get(f"/supervision/complaints/{hotline_complaint.number}/").content.decode()
        assert f'href="tel:{CALLER_PHONE}"' in page
        [read] = _reads(actor=person)
        assert (read.object_type, read.object_id, read.detail["purpose"]) == (
            "supervision.complaint",
            str(hotline_complaint.pk),
            "complaint_callback",
        )


def test_a_supervisor_and_other_departments_do_not_see_the_callers_phone(
    client, english, hotline_complaint, supervisor, other_reviewer
):
    client.force_login(supervisor)
    page = client.get(f"/supervision/complaints/{hotline_complaint.number}/")
    assert page.status_code == 200
    assert CALLER_PHONE not in page.content.decode()

    client.force_login(other_reviewer)
    assert client.get(f"/supervision/complaints/{hotline_complaint.number}/").status_code == 404
    assert _reads() == []


def test_a_closed_complaint_no_longer_shows_the_phone(
    client, english, hotline_complaint, clerk, reviewer
):
    services.complaint_answer(complaint=hotline_complaint, actor=reviewer, answer="已处理")
    services.complaint_confirm(complaint=hotline_complaint, actor=clerk)
    client.force_login(reviewer)

    page = client.get(f"/supervision/complaints/{hotline_complaint.number}/").content.decode()

    assert CALLER_PHONE not in page
    assert _reads() == []
