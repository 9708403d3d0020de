"""The complaints behind the dashboard's complaint figures (及时转办, 按期回复, received,
waiting): the KPI rows and the complaint table link to them, filtered as the figures are
counted, and each person sees only the complaints they may see."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from identity.constants import Role
from identity.models import AuditEvent
from supervision import exports
from supervision.constants import ExportStatus
from supervision.models import Complaint, Export
from tests.factories import DepartmentFactory, MembershipFactory
from tests.factories.matters import VersionFactory
from tests.supervision.dashboard_data import complain

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = timedelta(days=1)
URL = "/supervision/figures/complaints/"


@pytest.fixture
def supervisor(client, english):
    user = MembershipFactory(role=Role.SUPERVISOR).user
    client.force_login(user)
    return user


@pytest.fixture
def department():
    # A department with a service: the dashboard's department filter offers those.
    return VersionFactory().implementation.department


def _unassigned(complaint: Complaint) -> Complaint:
    """About the department, but not yet given to anyone to answer."""
    Complaint.objects.filter(pk=complaint.pk).update(department=None)
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def complaints(department):
    received = TODAY - 6 * DAY
    return {
        # Assigned on its assignment date, answered before its reply date.
        "fine": complain(
            department=department,
            received=received,
            assigned=received,
            due=TODAY - 2 * DAY,
            answered=TODAY - 3 * DAY,
            state="answered",
        ),
        # Assigned two days late; answered after its reply date.
        "late": complain(
            department=department,
            received=received,
            assign_due=received + DAY,
            assigned=received + 3 * DAY,
            due=TODAY - 2 * DAY,
            answered=TODAY - DAY,
            state="answered",
        ),
        # Never assigned, its dates gone by: late on both counts, still waiting.
        "waiting": _unassigned(
            complain(department=department, received=received, due=TODAY - DAY, state="received")
        ),
        # Received before the period.
        "old": complain(
            department=department,
            received=TODAY - 60 * DAY,
            assigned=TODAY - 60 * DAY,
            due=TODAY - 50 * DAY,
            state="assigned",
        ),
    }


def _numbers(response) -> set[str]:
    return {complaint.number for complaint in response.context["complaints"]}


def test_each_complaint_figure_lists_the_complaints_it_counts(client, supervisor, complaints):
    c = complaints

    assert _numbers(client.get(URL, {"figure": "received"})) == {
        c["fine"].number,
        c["late"].number,
        c["waiting"].number,
    }
    assert _numbers(client.get(URL, {"figure": "forwarded_late"})) == {
        c["late"].number,
        c["waiting"].number,
    }
    assert _numbers(client.get(URL, {"figure": "answered_late"})) == {
        c["late"].number,
        c["waiting"].number,
    }
    assert _numbers(client.get(URL, {"figure": "waiting"})) == {c["waiting"].number}


def test_the_dashboard_links_the_complaint_figures_to_their_complaints(
    client, supervisor, complaints, department
):
    page = client.get("/supervision/").content.decode()

    assert f"{URL}?since=" in page
    assert "figure=forwarded_late" in page
    assert "figure=answered_late" in page
    # The table's counts per department link to that department's complaints.
    row_link = f"figure=received&amp;department={department.credit_code}"
    assert row_link in page
    listed = client.get(URL, {"figure": "received", "department": department.credit_code})
    assert _numbers(listed) == {complaints["fine"].number, complaints["late"].number}


def test_a_department_head_sees_only_their_departments_complaints(
    client, english, complaints, department
):
    other = complain(department=DepartmentFactory(), received=TODAY - DAY, due=TODAY + 4 * DAY)
    head = MembershipFactory(role=Role.DEPARTMENT_HEAD, organisation=department).user
    client.force_login(head)

    listed = _numbers(client.get(URL))
    refused = client.get(URL, {"department": other.department.credit_code})

    assert listed == {complaints["fine"].number, complaints["late"].number}
    assert other.number not in _numbers(refused)


def test_people_without_a_supervising_role_are_refused(client, complaints, department):
    reviewer = MembershipFactory(role=Role.REVIEWER, organisation=department).user
    client.force_login(reviewer)

    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_list_pages_by_keyset(client, supervisor, department):
    made = [
        complain(department=department, received=TODAY - DAY, due=TODAY + 4 * DAY) for _ in range(3)
    ]
    from supervision.views import figures

    figures.PAGE_SIZE, previous = 2, figures.PAGE_SIZE
    try:
        first = client.get(URL)
        second = client.get(URL + first.context["next_url"])
    finally:
        figures.PAGE_SIZE = previous

    assert [c.number for c in first.context["complaints"]] == [made[2].number, made[1].number]
    assert [c.number for c in second.context["complaints"]] == [made[0].number]


def test_the_complaint_list_downloads_as_csv_without_personal_data(client, supervisor, complaints):
    page = client.get(URL, {"figure": "forwarded_late"}).content.decode()
    assert "/supervision/figures/complaints/export.csv?" in page

    response = client.get(URL + "export.csv", {"figure": "forwarded_late"})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="complaints-')
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:2] == ["Complaint number", "Channel"]
    assert {row[0] for row in rows[1:]} == {
        complaints["late"].number,
        complaints["waiting"].number,
    }
    assert "13800000000" not in text
    assert "李四" not in text
    event = AuditEvent.objects.get(action=exports.COMPLAINTS_EXPORT_ACTION)
    assert event.detail["filters"]["figure"] == "forwarded_late"


def test_a_long_complaint_list_is_written_in_the_background(
    client, supervisor, complaints, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "DIRECT_LIMIT", 1)
    monkeypatch.setattr(exports, "CHUNK", 2)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL + "export.xlsx", {"figure": "received"})

    export = Export.objects.get()
    assert response["Location"] == f"/supervision/exports/{export.pk}/"
    assert (export.kind, export.status, export.total) == ("complaints", ExportStatus.DONE, 3)
    assert "file of the complaints behind" in client.get(response["Location"]).content.decode()
    download = client.get(f"/supervision/exports/{export.pk}/download/")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == [complaints[k].number for k in ("waiting", "late", "fine")]


def test_only_supervising_roles_download_the_complaint_list(client, complaints, department):
    reviewer = MembershipFactory(role=Role.REVIEWER, organisation=department).user
    client.force_login(reviewer)

    assert client.get(URL + "export.csv").status_code == 403
    assert not AuditEvent.objects.filter(action=exports.COMPLAINTS_EXPORT_ACTION).exists()
