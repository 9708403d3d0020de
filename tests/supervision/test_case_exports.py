"""The cases behind a dashboard figure as CSV and XLSX: streamed when short, written by the
Celery task with its progress when long; limited to what the person may see."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cases.constants import CaseState
from identity.constants import Role
from identity.models import AuditEvent
from supervision import exports
from supervision.constants import ExportStatus
from supervision.models import Export
from tests.factories import MembershipFactory
from tests.factories.matters import VersionFactory
from tests.supervision.dashboard_data import make_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def supervisor(client, english):
    user = MembershipFactory(role=Role.SUPERVISOR).user
    client.force_login(user)
    return user


@pytest.fixture
def service():
    return VersionFactory(name="企业设立登记", promised_limit_days=5, statutory_limit_days=20)


def _late(service):
    return make_case(
        service,
        state=CaseState.APPROVED,
        accepted=TODAY - timedelta(days=10),
        decided=TODAY - timedelta(days=1),
        deadline=TODAY - timedelta(days=3),
    )


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_case_list_links_to_its_download(client, supervisor, service):
    _late(service)

    page = client.get("/supervision/cases/", {"figure": "decided_late"}).content.decode()

    assert "/supervision/cases/export.csv?" in page
    assert "figure=decided_late" in page.split("/supervision/cases/export.xlsx?")[1]


def test_a_short_case_list_is_streamed_with_the_figures_filter(client, supervisor, service):
    late = _late(service)
    open_case = make_case(service, state=CaseState.SUBMITTED)

    response = client.get("/supervision/cases/export.csv", {"figure": "decided_late"})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    rows = _csv_rows(response)
    assert rows[0] == [
        "Case number",
        "Service",
        "Department",
        "State",
        "Accepted",
        "Deadline",
        "Decided",
    ]
    assert [row[0] for row in rows[1:]] == [late.number]
    assert rows[1][1:4] == ["企业设立登记", late.department.name, "Approved"]
    assert rows[1][5] == (TODAY - timedelta(days=3)).isoformat()
    assert open_case.number not in {row[0] for row in rows}
    event = AuditEvent.objects.get(action=exports.CASES_EXPORT_ACTION)
    assert (event.actor, event.detail["filters"]["figure"]) == (supervisor, "decided_late")
    assert not Export.objects.exists()


def test_a_long_case_list_runs_in_the_background_with_progress(
    client, supervisor, service, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "DIRECT_LIMIT", 2)
    monkeypatch.setattr(exports, "CHUNK", 2)
    cases = [make_case(service, state=CaseState.SUBMITTED) for _ in range(5)]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/supervision/cases/export.xlsx", {"figure": "open"})

    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/exports/{export.pk}/"
    assert (export.kind, export.status, export.progress, export.total) == (
        "cases",
        ExportStatus.DONE,
        5,
        5,
    )
    page = client.get(response["Location"]).content.decode()
    assert "file of the cases behind a dashboard figure" in page
    download = client.get(f"/supervision/exports/{export.pk}/download/")
    assert 'filename="cases-' in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # Newest first, every case once across the keyset chunks.
    assert numbers == [case.number for case in reversed(cases)]


def test_a_department_head_exports_only_their_department(client, english, service):
    mine = make_case(service, state=CaseState.SUBMITTED)
    other = make_case(VersionFactory(name="食品经营许可"), state=CaseState.SUBMITTED)
    head = MembershipFactory(role=Role.DEPARTMENT_HEAD, organisation=mine.department).user
    client.force_login(head)

    rows = _csv_rows(client.get("/supervision/cases/export.csv", {"figure": "open"}))
    refused = client.get(
        "/supervision/cases/export.csv", {"department": other.department.credit_code}
    )

    assert [row[0] for row in rows[1:]] == [mine.number]
    # Another department's code is a bad filter for them: back to the list, nothing sent.
    assert refused.status_code == 302
    assert refused["Location"].startswith("/supervision/cases/?")


def test_a_background_export_fails_when_its_requester_lost_the_right(supervisor, service):
    make_case(service, state=CaseState.SUBMITTED)
    export = Export.objects.create(
        requested_by=supervisor, kind="cases", params={"figure": "open"}, format="csv"
    )
    supervisor.memberships.update(is_active=False)

    exports.export_run(export_id=str(export.pk))

    export.refresh_from_db()
    assert (export.status, bool(export.file)) == (ExportStatus.FAILED, False)


def test_people_without_a_supervising_role_may_not_export_cases(client, service):
    make_case(service, state=CaseState.SUBMITTED)
    reviewer = MembershipFactory(role=Role.REVIEWER, organisation=service.implementation.department)
    client.force_login(reviewer.user)

    assert client.get("/supervision/cases/export.csv").status_code == 403
    client.logout()
    assert client.get("/supervision/cases/export.csv").status_code == 302
    assert not Export.objects.exists()


def test_unknown_formats_are_not_found(client, supervisor):
    assert client.get("/supervision/cases/export.pdf").status_code == 404
