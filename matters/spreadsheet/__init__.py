"""Excel import and export of the catalogue: implementations with their materials and fees.

The workbook has three sheets, named in Chinese as government catalogues are kept:

- ``实施清单``: one row per implementation (its matter, region, department, suffix and every
  element of the service guide);
- ``申请材料``: one row per material, in order, keyed by the implementation code;
- ``收费项目``: one row per fee item, in order, keyed by the implementation code.

Row 1 of each sheet holds the column titles, translated into the exporting person's language.
The importer reads columns **by position** and refuses a sheet whose titles are not the
expected ones (in any language the portal offers), so a moved or missing column cannot put
values into the wrong field. Choices are written as their labels and read back from a label
in any language or from the stored code (``promised``); yes/no cells are written as
"Yes"/"No" in the exporting language (``是``/``否`` in Chinese) and read back from either
language, ``TRUE``/``FALSE`` or ``1``/``0``. An empty cell takes the field's default value.
Numbers typed as text are accepted.

Import semantics (:func:`catalogue_import`):

1. **Validate everything first**, without writing: the titles, every cell, every row with the
   same model rules as the admin site (``full_clean`` of unsaved instances: code formats,
   promised ≤ statutory, level IV ⇒ no visit, immediate ⇒ 0 days, material sources …), plus
   what only the file can break: an implementation twice, a material key twice for one
   implementation, a material or fee of an implementation that is not on the first sheet, a
   region or department that does not exist, a code that does not match its parts. When
   anything is wrong, :class:`ImportRejected` lists every problem as (sheet, row, column,
   message) and **nothing is written**.
2. Then, in one transaction, through the catalogue services, per implementation row:

   - **unknown implementation code** → the matter is created if its basic code is new, then
     the implementation with a first draft version, its materials and fees;
   - **known code, same elements, materials and fees as the published version** → unchanged:
     no new version, no audit event. So importing a file just exported changes nothing;
   - **known code, same as its current draft** → unchanged: the draft stays as it is (with
     ``publish=True`` it is published);
   - **otherwise** → the current draft is updated, or a new draft version is made from the
     published (or latest) version, with the row's elements, materials and fees.

   New and changed versions stay **drafts** for a catalogue admin to review and publish,
   unless the caller passes ``publish=True``: then each is published at once, retiring the
   version it replaces. The materials and fees of an implementation on the file are its
   complete lists; its form fields are kept from the version the draft was made from.
   Implementations that are not in the file are left as they are; an import never retires.

Matters are not versioned and not changed by an import: a row of an existing basic code must
agree with the matter's name, type, sector and audience (change those in the admin site).

The package: :mod:`~matters.spreadsheet.layout` (sheets, limits, columns, reading and writing
a cell), :mod:`~matters.spreadsheet.report` (errors and the import report),
:mod:`~matters.spreadsheet.export`, and the import in steps: :mod:`~matters.spreadsheet.reading`
(the file), :mod:`~matters.spreadsheet.checking` (titles, cells, model rules),
:mod:`~matters.spreadsheet.rows` (against the catalogue and each other) and
:mod:`~matters.spreadsheet.importer` (the writing).
"""

from matters.spreadsheet.export import catalogue_export, export_queryset
from matters.spreadsheet.importer import catalogue_import
from matters.spreadsheet.layout import (
    CONTENT_TYPE,
    FEE_COLUMNS,
    IMPLEMENTATION_COLUMNS,
    MATERIAL_COLUMNS,
    MAX_FILE_BYTES,
    SHEET_FEES,
    SHEET_IMPLEMENTATIONS,
    SHEET_MATERIALS,
)
from matters.spreadsheet.report import (
    ImportRejected,
    ImportReport,
    RowError,
    SpreadsheetTooLarge,
    SpreadsheetUnreadable,
)

__all__ = [
    "CONTENT_TYPE",
    "FEE_COLUMNS",
    "IMPLEMENTATION_COLUMNS",
    "MATERIAL_COLUMNS",
    "MAX_FILE_BYTES",
    "SHEET_FEES",
    "SHEET_IMPLEMENTATIONS",
    "SHEET_MATERIALS",
    "ImportRejected",
    "ImportReport",
    "RowError",
    "SpreadsheetTooLarge",
    "SpreadsheetUnreadable",
    "catalogue_export",
    "catalogue_import",
    "export_queryset",
]
