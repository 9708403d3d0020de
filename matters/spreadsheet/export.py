"""Writing the catalogue workbook: versions with their materials and fees."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import openpyxl
from django.db.models import QuerySet
from django.utils.translation import gettext
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from matters.models import ImplementationVersion
from matters.spreadsheet.layout import (
    CODE,
    DECIMAL,
    FEE_COLUMNS,
    FEE_FIELDS,
    IMPLEMENTATION_COLUMNS,
    MATERIAL_COLUMNS,
    MATERIAL_FIELDS,
    SHEET_FEES,
    SHEET_IMPLEMENTATIONS,
    SHEET_MATERIALS,
    VERSION_FIELDS,
    Column,
    cell_value,
)


def export_queryset(versions: QuerySet[ImplementationVersion]) -> QuerySet[ImplementationVersion]:
    """Load what the export writes in a fixed number of queries (three)."""
    return (
        versions.select_related(
            "implementation__matter", "implementation__region", "implementation__department"
        )
        .prefetch_related("materials", "fees")
        .order_by("implementation__code")
    )


def _version_row(version: ImplementationVersion) -> dict[str, Any]:
    implementation = version.implementation
    matter = implementation.matter
    row = {
        "code": implementation.code,
        "basic_code": matter.basic_code,
        "matter_name": matter.name,
        "matter_type": matter.matter_type,
        "sector": matter.sector,
        "audience": matter.audience,
        "region": implementation.region.code,
        "department": implementation.department.credit_code,
        "suffix": implementation.suffix,
    }
    row.update({name: getattr(version, name) for name in VERSION_FIELDS})
    return row


def _write_sheet(sheet: Any, columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> None:
    bold = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=str(column.label))
        cell.font = bold
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(
                row=row_number, column=index, value=cell_value(column, row[column.key])
            )
            if isinstance(cell.value, str):
                # Text stays text: "=…" must never become a formula, "000102…" never a number.
                cell.data_type = "s"
            if column.kind == CODE:
                cell.number_format = "@"
            elif column.kind == DECIMAL:
                cell.number_format = "0.00"


def catalogue_export(*, versions: Iterable[ImplementationVersion]) -> bytes:
    """The workbook (.xlsx) of these versions with their materials and fees.

    Titles and labels are in the active language. A QuerySet is loaded in three queries."""
    if isinstance(versions, QuerySet):
        versions = export_queryset(versions)
    versions = list(versions)
    workbook = openpyxl.Workbook()
    implementations = workbook.active
    implementations.title = SHEET_IMPLEMENTATIONS
    _write_sheet(implementations, IMPLEMENTATION_COLUMNS, (_version_row(v) for v in versions))
    _write_sheet(
        workbook.create_sheet(SHEET_MATERIALS),
        MATERIAL_COLUMNS,
        (
            {"code": v.implementation.code} | {name: getattr(m, name) for name in MATERIAL_FIELDS}
            for v in versions
            for m in v.materials.all()
        ),
    )
    _write_sheet(
        workbook.create_sheet(SHEET_FEES),
        FEE_COLUMNS,
        (
            {"code": v.implementation.code} | {name: getattr(f, name) for name in FEE_FIELDS}
            for v in versions
            for f in v.fees.all()
        ),
    )
    workbook.properties.title = gettext("Service catalogue")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
