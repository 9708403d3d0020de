"""Audit exports: streamed when short, written by a Celery task with progress when long;
only the person who asked may see the progress or download the file."""

import csv
import io

import pytest
from openpyxl import load_workbook

from identity import services
from identity.constants import AuditAction, Role
from identity.models import AuditEvent
from supervision import exports
from supervision.constants import ExportStatus
from supervision.models import Export
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(client, english):
    user = MembershipFactory(role=Role.SUPERVISOR).user
    client.force_login(user)
    return user


def _search(client, **filters) -> str:
    location = client.post("/supervision/audit/", filters)["Location"]
    return location.split("?", 1)[1]


def test_a_short_export_is_streamed_at_once(client, supervisor):
    services.audit_record(action="test.export", detail={"note": "=cmd()"})
    query = _search(client, action="test.export")

    response = client.get(f"/supervision/audit/export.csv?{query}")

    assert response.status_code == 200
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))
    assert rows[0][:3] == ["Entry", "Time", "Action"]
    assert [row[2] for row in rows[1:]] == ["test.export"]
    assert rows[1][-1] == '{"note": "=cmd()"}'  # JSON text: starts with "{", not "="
    exported = AuditEvent.objects.get(action=AuditAction.AUDIT_EXPORT)
    assert exported.detail["filters"] == {"action": "test.export"}
    assert not Export.objects.exists()


def test_a_long_export_runs_in_the_background_with_progress(
    client, supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "DIRECT_LIMIT", 2)
    monkeypatch.setattr(exports, "CHUNK", 2)
    for n in range(5):
        services.audit_record(action="test.long", detail={"n": n})
    query = _search(client, action="test.long")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/supervision/audit/export.xlsx?{query}")

    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/exports/{export.pk}/"
    assert (export.status, export.progress, export.total, export.requested_by) == (
        ExportStatus.DONE,
        5,
        5,
        supervisor,
    )
    status = client.get(f"/supervision/exports/{export.pk}/status/").json()
    assert status["download_url"] == f"/supervision/exports/{export.pk}/download/"
    page = client.get(response["Location"]).content.decode()
    assert "Download the file" in page
    assert "export-progress.js" in page
    download = client.get(status["download_url"])
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["test.long"] * 5


def test_only_the_requester_sees_or_downloads_an_export(client, supervisor):
    services.audit_record(action="test.mine")
    export = Export.objects.create(
        requested_by=supervisor, kind="audit", params={"action": "test.mine"}, format="csv"
    )
    exports.export_run(export_id=str(export.pk))
    urls = [
        f"/supervision/exports/{export.pk}/",
        f"/supervision/exports/{export.pk}/status/",
        f"/supervision/exports/{export.pk}/download/",
    ]
    assert client.get(urls[2]).status_code == 200

    client.force_login(MembershipFactory(role=Role.SUPERVISOR).user)

    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.logout()
    assert [client.get(url).status_code for url in urls] == [302, 302, 302]


def test_an_unfinished_export_has_no_file_yet(client, supervisor):
    export = Export.objects.create(requested_by=supervisor, kind="audit", format="csv")

    page = client.get(f"/supervision/exports/{export.pk}/").content.decode()

    assert client.get(f"/supervision/exports/{export.pk}/download/").status_code == 404
    assert "Refresh to see the progress" in page
    assert client.get(f"/supervision/exports/{export.pk}/status/").json()["download_url"] == ""


def test_running_an_export_twice_writes_it_once(supervisor):
    services.audit_record(action="test.twice")
    export = Export.objects.create(
        requested_by=supervisor, kind="audit", params={"action": "test.twice"}, format="csv"
    )

    first = exports.export_run(export_id=str(export.pk))
    name = first.file.name
    second = exports.export_run(export_id=str(export.pk))

    assert (second.status, second.file.name, second.progress) == (ExportStatus.DONE, name, 1)


def test_a_failed_export_says_so(supervisor, monkeypatch):
    export = Export.objects.create(requested_by=supervisor, kind="audit", format="csv")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "csv_chunks", broken)
    with pytest.raises(OSError, match="disk full"):
        exports.export_run(export_id=str(export.pk))

    export.refresh_from_db()
    assert (export.status, export.error) == (ExportStatus.FAILED, "disk full")


def test_unknown_export_kinds_and_formats_are_refused(supervisor):
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        exports.export_request(user=supervisor, kind="ratings", params={}, fmt="csv")
    with pytest.raises(ValidationFailed):
        exports.export_request(user=supervisor, kind="audit", params={}, fmt="pdf")
    assert not Export.objects.exists()
