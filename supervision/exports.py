"""Exports of the supervision pages as CSV and XLSX: every dashboard table, the cases and the
complaints behind a figure, and the audit search. Small ones are streamed in the response; a
list or an audit search longer than DIRECT_LIMIT rows becomes an `Export` written by a
Celery task (export_tasks) that reports its progress, and only the person who asked may
download the file."""

import csv
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from cases.constants import CaseState
from core.errors import NotFound, ValidationFailed
from identity import selectors as identity_selectors
from identity.constants import AuditAction
from identity.models import AuditEvent, User
from identity.services import audit_record
from matters.constants import OnlineDepth
from supervision import dashboards, kpis
from supervision.constants import ExportFormat, ExportStatus, RatingScore
from supervision.models import Export

# Above this many rows an audit export runs in the background with a progress bar.
DIRECT_LIMIT = 5000
CHUNK = 2000
CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Spreadsheet programs run a cell starting with these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    title: str | Promise
    headers: list[str | Promise]
    rows: Iterable[list[Any]]


def safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Echo:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(table: Table) -> Iterator[str]:
    """The table as CSV text, row by row; starts with a BOM so that Excel reads UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([str(header) for header in table.headers])
    for row in table.rows:
        yield writer.writerow([safe_cell(value) for value in row])


def write_xlsx(
    table: Table, target: IO[bytes], progress: Callable[[int], None] | None = None
) -> None:
    """The table as one worksheet (openpyxl's write-only mode: flat memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(table.title)[:31])
    sheet.append([str(header) for header in table.headers])
    for index, row in enumerate(table.rows, start=1):
        sheet.append([safe_cell(value) for value in row])
        if progress is not None and index % CHUNK == 0:
            progress(index)
    workbook.save(target)


# --- Dashboard tables -------------------------------------------------------------------------


def _kpi_table(scope: dashboards.Scope) -> Table:
    figures = kpis.dashboard_figures(scope)
    return Table(
        title=_("Reform targets"),
        headers=[_("Figure"), _("Value"), _("Unit"), _("Counted"), _("Out of"), _("Target")],
        rows=(
            [
                kpi.label,
                kpi.value,
                kpi.unit,
                kpi.numerator,
                kpi.denominator,
                kpi.target.source if kpi.target else "",
            ]
            for kpi in figures.kpis
        ),
    )


def _performance_table(scope: dashboards.Scope) -> Table:
    rows = dashboards.case_table(scope)
    return Table(
        title=_("Case handling"),
        headers=[
            _("Department"),
            _("Decided"),
            _("Decided on time"),
            _("On time (%)"),
            _("Average handling (days)"),
            _("Average promised (days)"),
            _("Accepted"),
        ],
        rows=(
            [
                row.name,
                row.decided,
                row.on_time,
                row.on_time_rate,
                row.average_handling_days,
                row.average_promised_days,
                row.accepted,
            ]
            for row in rows
        ),
    )


def _queue_table(scope: dashboards.Scope) -> Table:
    rows = dashboards.case_table(scope)
    return Table(
        title=_("Queues now"),
        headers=[
            _("Department"),
            *[CaseState(state).label for state in dashboards.OPEN_STATES],
            _("Overdue"),
        ],
        rows=(
            [row.name, *[row.open_by_state[s] for s in dashboards.OPEN_STATES], row.overdue]
            for row in rows
        ),
    )


def _card_table(scope: dashboards.Scope) -> Table:
    return Table(
        title=_("Deadline cards"),
        headers=[
            _("Department"),
            _("Open yellow cards"),
            _("Open red cards"),
            _("Raised in the period"),
            _("Closed in the period"),
        ],
        rows=(
            [row.name, row.open_yellow, row.open_red, row.raised, row.closed]
            for row in dashboards.card_table(scope)
        ),
    )


def _rating_table(scope: dashboards.Scope) -> Table:
    distribution = dashboards.rating_distribution(scope)
    return Table(
        title=_("Ratings"),
        headers=[_("Rating"), _("Score"), _("Ratings")],
        rows=([RatingScore(s).label, s, n] for s, n in sorted(distribution.items(), reverse=True)),
    )


def _complaint_table(scope: dashboards.Scope) -> Table:
    return Table(
        title=_("Complaints"),
        headers=[
            _("Handling department"),
            _("Received"),
            _("Assignment due or done"),
            _("Forwarded in time"),
            _("Forwarded in time (%)"),
            _("Reply due or given"),
            _("Answered on time"),
            _("Answered on time (%)"),
            _("Waiting for a reply"),
        ],
        rows=(
            [
                row.name,
                row.received,
                row.assignment_due,
                row.forwarded_in_time,
                row.forwarding_rate,
                row.reply_due,
                row.replied_on_time,
                row.on_time_reply_rate,
                row.waiting,
            ]
            for row in dashboards.complaint_table(scope)
        ),
    )


def _depth_table(scope: dashboards.Scope) -> Table:
    return Table(
        title=_("Services by online depth"),
        headers=[_("Online depth"), _("Published services")],
        rows=(
            [OnlineDepth(depth).label, count]
            for depth, count in kpis.depth_distribution(scope).items()
        ),
    )


DASHBOARD_TABLES: dict[str, Callable[[dashboards.Scope], Table]] = {
    "kpis": _kpi_table,
    "performance": _performance_table,
    "queues": _queue_table,
    "cards": _card_table,
    "ratings": _rating_table,
    "complaints": _complaint_table,
    "depth": _depth_table,
}


def dashboard_table(name: str, scope: dashboards.Scope) -> Table:
    producer = DASHBOARD_TABLES.get(name)
    if producer is None:
        raise NotFound()
    with dashboards.aggregate_queries():
        return producer(scope)


# --- Audit search -----------------------------------------------------------------------------


def audit_filter_to_params(filters: identity_selectors.AuditFilter) -> dict[str, Any]:
    """The filter as JSON-safe values (for a signed URL token and an Export's params)."""
    params = {
        "person": filters.person,
        "actor": filters.actor,
        "object_type": filters.object_type,
        "object_id": filters.object_id,
        "action": filters.action,
        "outcome": filters.outcome,
        "since": filters.since.isoformat() if filters.since else None,
        "until": filters.until.isoformat() if filters.until else None,
    }
    return {key: value for key, value in params.items() if value not in (None, "")}


def audit_filter_from_params(params: dict[str, Any]) -> identity_selectors.AuditFilter:
    def moment(name: str) -> datetime | None:
        value = params.get(name)
        return parse_datetime(value) if isinstance(value, str) else None

    def number(name: str) -> int | None:
        value = params.get(name)
        return value if isinstance(value, int) else None

    def text(name: str) -> str:
        value = params.get(name)
        return value if isinstance(value, str) else ""

    return identity_selectors.AuditFilter(
        person=number("person"),
        actor=number("actor"),
        object_type=text("object_type"),
        object_id=text("object_id"),
        action=text("action"),
        outcome=text("outcome"),
        since=moment("since"),
        until=moment("until"),
    )


def _masked(user: User | None) -> str:
    return f"{user.name} ({user.masked_id_number})" if user is not None else ""


def audit_rows(filters: identity_selectors.AuditFilter) -> Iterator[list[Any]]:
    """Every matching entry, newest first, read in keyset chunks (flat memory)."""
    events = identity_selectors.audit_search(filters)
    before = None
    while True:
        page, before = identity_selectors.audit_page(events, before=before, size=CHUNK)
        for event in page:
            yield audit_row(event)
        if before is None:
            return


def audit_row(event: AuditEvent) -> list[Any]:
    return [
        event.pk,
        event.occurred_at,
        event.action,
        event.get_outcome_display(),
        event.actor_label,
        _masked(event.subject),
        event.object_type,
        event.object_id,
        event.ip_address or "",
        json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
    ]


AUDIT_HEADERS: list[str | Promise] = [
    _("Entry"),
    _("Time"),
    _("Action"),
    _("Outcome"),
    _("Actor"),
    _("Person concerned"),
    _("Object type"),
    _("Object"),
    _("IP address"),
    _("Detail"),
]


def audit_table(filters: identity_selectors.AuditFilter) -> Table:
    return Table(title=_("Audit trail"), headers=AUDIT_HEADERS, rows=audit_rows(filters))


def audit_is_large(filters: identity_selectors.AuditFilter) -> bool:
    """More rows than a response should carry? Reads at most DIRECT_LIMIT + 1 ids."""
    return identity_selectors.audit_search(filters)[DIRECT_LIMIT : DIRECT_LIMIT + 1].exists()


# --- The cases behind a dashboard figure ------------------------------------------------------

CASE_HEADERS: list[str | Promise] = [
    _("Case number"),
    _("Service"),
    _("Department"),
    _("State"),
    _("Accepted"),
    _("Deadline"),
    _("Decided"),
]
CASE_FILTERS = ("region", "department", "since", "until", "figure", "state")


def cases_params(scope: dashboards.Scope, figure: str, state: str) -> dict[str, str]:
    """The drill-down as JSON-safe public values (an Export's params)."""
    params = {**scope.query(), "figure": figure, "state": state}
    return {key: value for key, value in params.items() if value}


def cases_from_params(user: User, params: dict[str, Any]) -> Any:
    """The cases the drill-down lists, checked again for the person (NotFound when they may
    no longer see the dashboards, ValidationFailed when a filter no longer holds)."""
    text = {name: str(params.get(name) or "") for name in CASE_FILTERS}
    scope = dashboards.scope_for(
        user,
        region=text["region"],
        department=text["department"],
        since=text["since"],
        until=text["until"],
    )
    return dashboards.cases_behind(user, scope, text["figure"], text["state"])


def _newest_first(rows: Any) -> Iterator[Any]:
    """Every row of a queryset ordered newest (highest pk) first, read in keyset chunks, so
    memory stays flat at a million rows."""
    before = None
    while True:
        chunk = rows if before is None else rows.filter(pk__lt=before)
        page = list(chunk[:CHUNK])
        yield from page
        if len(page) < CHUNK:
            return
        before = page[-1].pk


def case_rows(cases: Any) -> Iterator[list[Any]]:
    """Every case, newest first."""
    for case in _newest_first(cases):
        yield [
            case.number,
            case.version.name,
            case.department.name,
            case.get_state_display(),
            case.accepted_at,
            case.deadline.isoformat() if case.deadline else "",
            case.decided_at,
        ]


def cases_table(cases: Any) -> Table:
    return Table(title=_("Cases"), headers=CASE_HEADERS, rows=case_rows(cases))


def is_large(rows: Any) -> bool:
    """More rows than a response should carry? Reads at most DIRECT_LIMIT + 1 ids."""
    return rows.values("pk")[DIRECT_LIMIT : DIRECT_LIMIT + 1].exists()


# --- The complaints behind a dashboard figure -------------------------------------------------

COMPLAINT_HEADERS: list[str | Promise] = [
    _("Complaint number"),
    _("Channel"),
    _("Received"),
    _("About"),
    _("Handling department"),
    _("State"),
    _("Assignment due"),
    _("Reply due"),
    _("Answered"),
]
COMPLAINT_FILTERS = ("region", "department", "since", "until", "figure")


def complaints_params(scope: dashboards.Scope, figure: str) -> dict[str, str]:
    params = {**scope.query(), "figure": figure}
    return {key: value for key, value in params.items() if value}


def complaints_from_params(user: User, params: dict[str, Any]) -> Any:
    """The complaints the list shows, checked again for the person (as cases_from_params)."""
    text = {name: str(params.get(name) or "") for name in COMPLAINT_FILTERS}
    scope = dashboards.scope_for(
        user,
        region=text["region"],
        department=text["department"],
        since=text["since"],
        until=text["until"],
    )
    return dashboards.complaints_behind(user, scope, text["figure"])


def complaint_rows(complaints: Any) -> Iterator[list[Any]]:
    """Every complaint, newest first. No personal data: the complaint page shows it to those
    who handle the complaint."""
    for complaint in _newest_first(complaints.select_related("department")):
        yield [
            complaint.number,
            complaint.get_channel_display(),
            complaint.created_at,
            complaint.get_subject_display(),
            complaint.department.name if complaint.department else "",
            complaint.get_state_display(),
            complaint.assign_due.isoformat(),
            complaint.due.isoformat(),
            complaint.answered_at,
        ]


def complaints_table(complaints: Any) -> Table:
    return Table(title=_("Complaints"), headers=COMPLAINT_HEADERS, rows=complaint_rows(complaints))


# --- Background exports -----------------------------------------------------------------------

EXPORT_KINDS = ("audit", "cases", "complaints")
# The audit actions of exports of the cases and the complaints behind a figure.
CASES_EXPORT_ACTION = "supervision.cases_export"
COMPLAINTS_EXPORT_ACTION = "supervision.complaints_export"
EXPORT_ACTIONS = {
    "audit": AuditAction.AUDIT_EXPORT,
    "cases": CASES_EXPORT_ACTION,
    "complaints": COMPLAINTS_EXPORT_ACTION,
}


def export_request(*, user: User, kind: str, params: dict[str, Any], fmt: str) -> Export:
    """Record an export and start writing it once the request commits."""
    if kind not in EXPORT_KINDS:
        raise ValidationFailed(_("This table cannot be exported."), field="kind")
    if fmt not in ExportFormat.values:
        raise ValidationFailed(_("Choose CSV or XLSX."), field="format")
    with transaction.atomic():
        export = Export.objects.create(requested_by=user, kind=kind, params=params, format=fmt)
        audit_record(
            action=EXPORT_ACTIONS[kind],
            actor=user,
            target=export,
            detail={"kind": kind, "format": fmt, "filters": params, "background": True},
        )
        from supervision.export_tasks import run_export

        transaction.on_commit(lambda: run_export.delay(str(export.pk)))
    return export


def _source(export: Export) -> tuple[Table, int]:
    """The export's table and how many rows it will have."""
    if export.kind == "cases":
        cases = cases_from_params(export.requested_by, export.params)
        return cases_table(cases), cases.count()
    if export.kind == "complaints":
        complaints = complaints_from_params(export.requested_by, export.params)
        return complaints_table(complaints), complaints.count()
    filters = audit_filter_from_params(export.params)
    return audit_table(filters), identity_selectors.audit_search(filters).count()


def export_run(*, export_id: str) -> Export | None:
    """Write the export's file, saving progress every CHUNK rows. Safe to run again: a
    finished export is left alone; an interrupted one starts over."""
    export = Export.objects.filter(pk=export_id).select_related("requested_by").first()
    if export is None or export.status == ExportStatus.DONE:
        return export
    try:
        table, total = _source(export)
    except (NotFound, ValidationFailed) as error:
        # The person lost the right to the table, or its filters no longer hold.
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=str(error.message)[:500], finished_at=timezone.now()
        )
        export.refresh_from_db()
        return export
    export.status = ExportStatus.RUNNING
    export.progress = 0
    export.total = total
    export.error = ""
    export.save(update_fields=["status", "progress", "total", "error"])

    def progress(rows: int) -> None:
        Export.objects.filter(pk=export.pk).update(progress=rows)

    try:
        with tempfile.TemporaryFile() as target:
            if export.format == ExportFormat.XLSX:
                write_xlsx(table, target, progress)
            else:
                # The first two chunks are the BOM and the header line.
                for written, chunk in enumerate(csv_chunks(table), start=-1):
                    target.write(chunk.encode("utf-8"))
                    if written > 0 and written % CHUNK == 0:
                        progress(written)
            target.seek(0)
            name = f"exports/{export.kind}-{export.pk}.{export.format}"
            export.file.save(name, File(target), save=False)
    except Exception as error:  # reported on the progress page, then re-raised for the log
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        raise
    export.status = ExportStatus.DONE
    export.progress = export.total
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "progress", "file", "finished_at"])
    return export


def export_for(user: Any, export_id: Any) -> Export:
    """The export, for the person who asked for it only (NotFound for anyone else)."""
    export = Export.objects.filter(pk=export_id, requested_by_id=getattr(user, "pk", None)).first()
    if export is None:
        raise NotFound()
    return export


def export_filename(export: Export) -> str:
    stamp = timezone.localtime(export.created_at).strftime("%Y%m%d-%H%M%S")
    return f"{export.kind}-{stamp}.{export.format}"
