"""Import, last step: the whole import, checked first and then written in one
transaction through the catalogue services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext

from core.errors import ApplicationError
from identity.models import User
from matters import services
from matters.constants import VersionStatus
from matters.models import FeeItem, ImplementationVersion, Material, Matter
from matters.spreadsheet.checking import Check
from matters.spreadsheet.layout import (
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
    comparable,
)
from matters.spreadsheet.reading import read
from matters.spreadsheet.report import ImportRejected, ImportReport, RowError
from matters.spreadsheet.rows import ImplementationRow, ImplementationSheet, checked_children

_VERSION_COLUMNS = tuple(c for c in IMPLEMENTATION_COLUMNS if c.key in VERSION_FIELDS)
_MATERIAL_COLUMNS = MATERIAL_COLUMNS[1:]
_FEE_COLUMNS = FEE_COLUMNS[1:]


def _differences(
    columns: Sequence[Column], stored: models.Model, wanted: dict[str, Any]
) -> dict[str, Any]:
    return {
        column.key: wanted[column.key]
        for column in columns
        if comparable(column, getattr(stored, column.key)) != comparable(column, wanted[column.key])
    }


def _same_list(
    columns: Sequence[Column], stored: Sequence[models.Model], wanted: Sequence[dict[str, Any]]
) -> bool:
    return len(stored) == len(wanted) and not any(
        _differences(columns, s, w) for s, w in zip(stored, wanted, strict=True)
    )


def _matches(version: ImplementationVersion, row: ImplementationRow) -> bool:
    return (
        not _differences(_VERSION_COLUMNS, version, row.fields)
        and _same_list(_MATERIAL_COLUMNS, list(version.materials.all()), row.materials)
        and _same_list(_FEE_COLUMNS, list(version.fees.all()), row.fees)
    )


def _write_lists(
    version: ImplementationVersion, row: ImplementationRow, actor: User | None
) -> None:
    if not _same_list(_MATERIAL_COLUMNS, list(version.materials.all()), row.materials):
        services.version_set_materials(version=version, materials=row.materials, actor=actor)
    if not _same_list(_FEE_COLUMNS, list(version.fees.all()), row.fees):
        services.version_set_fees(version=version, fees=row.fees, actor=actor)


def _create(
    row: ImplementationRow, *, actor: User | None, report: ImportReport
) -> ImplementationVersion:
    """A new implementation (and matter, when its basic code is new) with a first draft."""
    matter = row.matter
    if row.matter_is_new:
        created = Matter.objects.filter(basic_code=matter.basic_code).first()
        if created is None:  # not made by an earlier row of this file
            created = services.matter_create(
                basic_code=matter.basic_code,
                name=matter.name,
                matter_type=matter.matter_type,
                sector=matter.sector,
                audience=matter.audience,
                actor=actor,
            )
            report.matters_created.append(created.basic_code)
        matter = created
    draft = services.implementation_create(
        matter=matter,
        region=row.region,
        department=row.department,
        suffix=row.suffix,
        actor=actor,
        **row.fields,
    )
    _write_lists(draft, row, actor)
    return draft


def _revise(
    row: ImplementationRow, *, actor: User | None, publish: bool
) -> ImplementationVersion | None:
    """The draft carrying the row's changes, or None when the row changes nothing."""
    assert row.implementation is not None  # noqa: S101 - only called for known codes
    versions = list(row.implementation.versions.all())
    published = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    if published is not None and _matches(published, row):
        return None
    if draft is not None and _matches(draft, row):
        return draft if publish else None
    if draft is None:
        source = published or row.implementation.versions.order_by("-number").first()
        draft = services.version_draft_from(
            version=source, actor=actor, change_note=gettext("Imported from a spreadsheet.")
        )
    changed = _differences(_VERSION_COLUMNS, draft, row.fields)
    if changed:
        services.version_update(version=draft, actor=actor, **changed)
    _write_lists(draft, row, actor)
    return draft


def catalogue_import(*, data: bytes, actor: User | None, publish: bool = False) -> ImportReport:
    """Import a catalogue workbook: all rows are checked first, then written in one transaction.

    Raises SpreadsheetUnreadable or SpreadsheetTooLarge for a file that is not a usable
    workbook, and ImportRejected (listing every problem) when any row is bad; in both cases
    nothing is written. What each row does is told in the docstring of matters.spreadsheet."""
    check = Check(read(data))
    if not check.titles_fine():
        raise ImportRejected(check.errors)
    rows = ImplementationSheet(check).checked()
    materials = checked_children(
        check,
        SHEET_MATERIALS,
        Material,
        MATERIAL_FIELDS,
        exclude=["version", "blank_form", "sample", "order"],
        keyed=True,
    )
    fees = checked_children(
        check, SHEET_FEES, FeeItem, FEE_FIELDS, exclude=["version"], keyed=False
    )
    if check.errors:
        raise ImportRejected(check.errors)

    report = ImportReport()
    with transaction.atomic():
        for row in rows.values():
            row.materials = materials.get(row.code, [])
            row.fees = fees.get(row.code, [])
            try:
                if row.implementation is None:
                    draft = _create(row, actor=actor, report=report)
                    report.created.append(row.code)
                else:
                    draft = _revise(row, actor=actor, publish=publish)
                    if draft is None:
                        report.unchanged.append(row.code)
                        continue
                    report.changed.append(row.code)
                if publish:
                    services.version_publish(version=draft, actor=actor)
                    report.published.append(row.code)
            except (ApplicationError, IntegrityError) as problem:
                # The catalogue changed between the check and the writing: undo everything.
                message = (
                    str(problem.message)
                    if isinstance(problem, ApplicationError)
                    else gettext("The catalogue changed during the import. Please try again.")
                )
                raise ImportRejected(
                    [
                        RowError(
                            sheet=SHEET_IMPLEMENTATIONS, row=row.number, column="", message=message
                        )
                    ]
                ) from None
    return report
