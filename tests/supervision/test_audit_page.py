"""The supervisor's audit trail search: filters typed in a POST form (ID numbers never in a
URL), remembered in the session, keyset pages; refused to everyone else."""

import pytest

from identity import services
from identity.constants import AuditAction, Role
from identity.models import AuditEvent
from supervision.models import Complaint
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.factories.matters import VersionFactory
from tests.supervision.dashboard_data import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(client, english):
    user = MembershipFactory(role=Role.SUPERVISOR).user
    client.force_login(user)
    return user


def test_search_by_person_keeps_the_id_number_out_of_urls_and_audits_the_search(client, supervisor):
    citizen = UserFactory(id_number="420502199003071234", name="张三")
    about = services.audit_record(action="cases.accept", actor=supervisor, target=citizen)
    services.audit_record(action="cases.accept", actor=supervisor)

    response = client.post("/supervision/audit/", {"person": "420502199003071234"})

    assert response.status_code == 302
    assert "420502199003071234" not in response["Location"]
    page = client.get(response["Location"])
    assert [event.pk for event in page.context["events"]] == [about.pk]
    text = page.content.decode()
    assert "张三 (4205**********1234)" in text
    assert "420502199003071234" not in text
    search = AuditEvent.objects.get(action=AuditAction.AUDIT_SEARCH)
    assert search.detail == {"filters": {"person": citizen.pk}}


def test_an_unknown_id_number_is_a_field_error_and_the_input_is_kept(client, supervisor):
    response = client.post(
        "/supervision/audit/", {"actor": "11010519491231002X", "action": "cases."}
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "Nobody with this ID number has an account." in text
    assert 'value="cases."' in text
    assert not AuditEvent.objects.filter(action=AuditAction.AUDIT_SEARCH).exists()


def test_a_case_number_finds_the_entries_of_that_case(client, supervisor):
    case = make_case(VersionFactory())
    on_case = services.audit_record(action="cases.accept", target=case)
    services.audit_record(action="cases.accept", object_type="cases.case", object_id="999999")

    response = client.post(
        "/supervision/audit/", {"object_type": "cases.case", "object_id": case.number}
    )
    page = client.get(response["Location"])

    assert [event.pk for event in page.context["events"]] == [on_case.pk]


def test_pages_go_back_in_time_by_entry(client, supervisor, monkeypatch):
    from supervision.views import audit

    monkeypatch.setattr(audit, "PAGE_SIZE", 2)
    events = [services.audit_record(action="test.page") for _ in range(3)]
    location = client.post("/supervision/audit/", {"action": "test.page"})["Location"]

    first = client.get(location)
    second = client.get("/supervision/audit/" + first.context["next_url"])

    assert [e.pk for e in first.context["events"]] == [events[2].pk, events[1].pk]
    assert [e.pk for e in second.context["events"]] == [events[0].pk]
    assert second.context["next_url"] == ""


def test_a_search_key_from_someone_elses_session_shows_nothing_of_theirs(client, supervisor):
    services.audit_record(action="test.secret")
    location = client.post("/supervision/audit/", {"action": "test.secret"})["Location"]
    other = MembershipFactory(role=Role.SUPERVISOR).user
    client.force_login(other)

    page = client.get(location)

    assert page.context["query"] == ""  # the key is unknown in this session: no filter


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.REVIEWER, Role.CLERK])
def test_only_supervisors_read_the_audit_trail(client, role):
    client.force_login(MembershipFactory(role=role).user)
    before = AuditEvent.objects.filter(action=AuditAction.AUDIT_SEARCH).count()

    assert client.get("/supervision/audit/").status_code == 403
    assert client.post("/supervision/audit/", {"action": "cases."}).status_code == 403
    assert client.get("/supervision/audit/export.csv").status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.AUDIT_SEARCH).count() == before


def test_a_complaint_is_found_by_its_number(client, supervisor):
    department = DepartmentFactory()
    complaint = Complaint.objects.create(
        number="TS2025030300001",
        channel="hotline",
        complainant_name="赵六",
        complainant_phone="13900000000",
        subject="department",
        about_department=department,
        text="x",
        assign_due="2025-03-04",
        due="2025-03-10",
    )
    step = services.audit_record(action="supervision.complaint_file", target=complaint)
    services.audit_record(action="supervision.complaint_file")

    response = client.post(
        "/supervision/audit/",
        {"object_type": "supervision.complaint", "object_id": "ts2025030300001"},
    )
    unknown = client.post(
        "/supervision/audit/",
        {"object_type": "supervision.complaint", "object_id": "TS2025030399999"},
    )

    assert [e.pk for e in client.get(response["Location"]).context["events"]] == [step.pk]
    assert unknown.status_code == 400
    assert "There is no complaint with this number." in unknown.content.decode()
