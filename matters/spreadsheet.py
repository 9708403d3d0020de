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
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.errors import ApplicationError, ValidationFailed
from identity.constants import OrganisationKind, Sector
from identity.models import Organisation, Region, User
from matters import services
from matters.constants import (
    IMPLEMENTATION_CODE_PATTERN,
    Audience,
    CrossRegionScope,
    HandlingKind,
    MaterialRequirement,
    MaterialSource,
    MatterType,
    OnlineDepth,
    VersionStatus,
    WindowCategory,
)
from matters.models import (
    FeeItem,
    Implementation,
    ImplementationVersion,
    Material,
    Matter,
)

SHEET_IMPLEMENTATIONS = "实施清单"
SHEET_MATERIALS = "申请材料"
SHEET_FEES = "收费项目"

MAX_FILE_BYTES = 10 * 1024 * 1024
# A zip can unpack to far more than it weighs; refuse before openpyxl inflates it.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS_PER_SHEET = 20_000

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- errors ------------------------------------------------------------------------------


class SpreadsheetUnreadable(ValidationFailed):
    code = "spreadsheet_unreadable"
    default_message = _(
        "This file could not be read as an Excel workbook (.xlsx). Save it from your "
        "spreadsheet program as an Excel workbook and upload it again."
    )


class SpreadsheetTooLarge(ValidationFailed):
    code = "spreadsheet_too_large"
    default_message = _("This file is too large: a catalogue workbook may have at most 10 MB.")


@dataclass(frozen=True)
class RowError:
    """One problem of an import: where it is (sheet, row, column) and what is wrong."""

    sheet: str
    row: int | None
    column: str
    message: str
    column_letter: str = ""

    @property
    def cell(self) -> str:
        return f"{self.column_letter}{self.row or ''}" if self.column_letter else ""

    def __str__(self) -> str:
        where = " · ".join(part for part in (self.sheet, str(self.row or ""), self.column) if part)
        return f"{where}: {self.message}"


class ImportRejected(ValidationFailed):
    """The file has errors; nothing was written. ``row_errors`` lists every one of them."""

    code = "catalogue_import_rejected"

    def __init__(self, row_errors: Sequence[RowError]) -> None:
        self.row_errors = list(row_errors)
        super().__init__(
            ngettext(
                "The file has %(count)d error; nothing was imported.",
                "The file has %(count)d errors; nothing was imported.",
                len(self.row_errors),
            )
            % {"count": len(self.row_errors)},
            errors={"file": [str(error) for error in self.row_errors]},
        )


@dataclass
class ImportReport:
    """What a successful import did, by implementation code (basic code for matters)."""

    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    matters_created: list[str] = field(default_factory=list)


# --- columns -----------------------------------------------------------------------------

TEXT, CODE, INT, DECIMAL, BOOL, CHOICE = "text", "code", "int", "decimal", "bool", "choice"


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise | str
    kind: str
    choices: type[models.Choices] | None = None
    model_field: models.Field | None = None
    width: int = 18

    def default(self) -> Any:
        if self.model_field is not None and self.model_field.has_default():
            return self.model_field.get_default()
        return "" if self.kind in (TEXT, CODE) else None


def _column(
    model: type[models.Model],
    name: str,
    kind: str,
    *,
    key: str | None = None,
    label: Promise | str | None = None,
    choices: type[models.Choices] | None = None,
    width: int = 18,
) -> Column:
    model_field = model._meta.get_field(name)
    return Column(
        key=key or name,
        label=label if label is not None else model_field.verbose_name,
        kind=kind,
        choices=choices,
        model_field=model_field,
        width=width,
    )


_V = ImplementationVersion
IMPLEMENTATION_CODE = Column(
    "code", Implementation._meta.get_field("code").verbose_name, CODE, width=60
)

IMPLEMENTATION_COLUMNS: tuple[Column, ...] = (
    IMPLEMENTATION_CODE,
    _column(Matter, "basic_code", CODE, width=16),
    _column(Matter, "name", TEXT, key="matter_name", width=24),
    _column(Matter, "matter_type", CHOICE, choices=MatterType),
    _column(Matter, "sector", CHOICE, choices=Sector, width=24),
    _column(Matter, "audience", CHOICE, choices=Audience),
    _column(Region, "code", CODE, key="region", width=16),
    Column("department", _("implementing department (unified social credit code)"), CODE, width=22),
    _column(Implementation, "suffix", CODE, width=8),
    _column(_V, "name", TEXT, width=24),
    _column(_V, "legal_basis", TEXT, width=40),
    _column(_V, "conditions", TEXT, width=40),
    _column(_V, "process", TEXT, width=40),
    _column(_V, "handling_kind", CHOICE, choices=HandlingKind),
    _column(_V, "statutory_limit_days", INT, width=10),
    _column(_V, "promised_limit_days", INT, width=10),
    _column(_V, "visits_required", INT, width=10),
    _column(_V, "online_depth", CHOICE, choices=OnlineDepth, width=24),
    _column(_V, "supports_appointment", BOOL, width=10),
    _column(_V, "delivery_window", BOOL, width=10),
    _column(_V, "delivery_post", BOOL, width=10),
    _column(_V, "delivery_electronic", BOOL, width=10),
    _column(_V, "window_category", CHOICE, choices=WindowCategory),
    _column(_V, "notification_commitment", BOOL, width=10),
    _column(_V, "cross_region_scope", CHOICE, choices=CrossRegionScope),
    _column(_V, "result_name", TEXT, width=24),
    _column(_V, "result_certificate_type", TEXT),
    _column(_V, "contact_phone", TEXT),
    _column(_V, "complaint_phone", TEXT),
    _column(_V, "hall_address", TEXT, width=30),
    _column(_V, "hall_hours", TEXT, width=24),
)
MATTER_FIELD_OF_KEY = {
    "basic_code": "basic_code",
    "matter_name": "name",
    "matter_type": "matter_type",
    "sector": "sector",
    "audience": "audience",
}
VERSION_FIELDS: tuple[str, ...] = tuple(c.key for c in IMPLEMENTATION_COLUMNS[9:])

MATERIAL_COLUMNS: tuple[Column, ...] = (
    IMPLEMENTATION_CODE,
    _column(Material, "key", CODE),
    _column(Material, "name", TEXT, width=30),
    _column(Material, "requirement", CHOICE, choices=MaterialRequirement),
    _column(Material, "condition_note", TEXT, width=24),
    _column(Material, "original_count", INT, width=8),
    _column(Material, "copy_count", INT, width=8),
    _column(Material, "source", CHOICE, choices=MaterialSource),
    _column(Material, "certificate_type", TEXT),
    _column(Material, "shared_resource", TEXT),
    _column(Material, "tolerable", BOOL, width=10),
    _column(Material, "notes", TEXT, width=30),
)
MATERIAL_FIELDS: tuple[str, ...] = tuple(c.key for c in MATERIAL_COLUMNS[1:])

FEE_COLUMNS: tuple[Column, ...] = (
    IMPLEMENTATION_CODE,
    _column(FeeItem, "name", TEXT, width=24),
    _column(FeeItem, "amount", DECIMAL, width=12),
    _column(FeeItem, "basis", TEXT, width=30),
    _column(FeeItem, "waivable", BOOL, width=10),
    _column(FeeItem, "waiver_basis", TEXT, width=30),
)
FEE_FIELDS: tuple[str, ...] = tuple(c.key for c in FEE_COLUMNS[1:])

SHEETS: tuple[tuple[str, tuple[Column, ...]], ...] = (
    (SHEET_IMPLEMENTATIONS, IMPLEMENTATION_COLUMNS),
    (SHEET_MATERIALS, MATERIAL_COLUMNS),
    (SHEET_FEES, FEE_COLUMNS),
)

YES = _("Yes")
NO = _("No")


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _in_every_language(text: Promise | str) -> set[str]:
    found = set()
    for language in _languages():
        with translation.override(language):
            found.add(str(text))
    return found


def _key(text: str) -> str:
    """How cells are compared to titles, labels and yes/no: spacing and case do not count."""
    return re.sub(r"\s+", "", text).casefold()


# --- values ------------------------------------------------------------------------------


def _plain_text(value: str) -> str:
    """Text as a cell keeps it: line ends as \\n (XML normalises \\r\\n), no control characters
    that a workbook cannot hold, and only-blank text is empty."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value if value.strip() else ""


def _comparable(column: Column, value: Any) -> Any:
    if column.kind in (TEXT, CODE):
        return _plain_text(value or "")
    if column.kind == DECIMAL and value is not None:
        return Decimal(value)
    return value


def _cell_value(column: Column, value: Any) -> Any:
    """The Python value written into a cell for a stored value."""
    if column.kind == BOOL:
        return str(YES if value else NO)
    if column.kind == CHOICE:
        return str(column.choices(value).label) if value not in (None, "") else None
    if column.kind in (TEXT, CODE):
        return _plain_text(value or "") or None
    return value


class _CellError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass
class _Vocabulary:
    """Everything a cell may say for a yes/no or a choice, in every language, built once."""

    booleans: dict[str, bool]
    choices: dict[type[models.Choices], dict[str, Any]]

    @classmethod
    def build(cls) -> _Vocabulary:
        booleans = {_key(word): True for word in ("true", "yes", "y", "1", "是")}
        booleans |= {_key(word): False for word in ("false", "no", "n", "0", "否")}
        for word in _in_every_language(YES):
            booleans[_key(word)] = True
        for word in _in_every_language(NO):
            booleans[_key(word)] = False
        choices: dict[type[models.Choices], dict[str, Any]] = {}
        for _sheet, columns in SHEETS:
            for column in columns:
                if column.choices is None or column.choices in choices:
                    continue
                mapping: dict[str, Any] = {}
                for member in column.choices:
                    for label in _in_every_language(member.label):
                        mapping[_key(label)] = member.value
                for member in column.choices:  # the stored code wins over any label
                    mapping[_key(str(member.value))] = member.value
                choices[column.choices] = mapping
        return cls(booleans=booleans, choices=choices)


def _is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _parse(column: Column, raw: Any, vocabulary: _Vocabulary) -> Any:
    """The stored value for a cell, or _CellError with a message for the person."""
    if _is_empty(raw):
        return column.default()
    if column.kind in (TEXT, CODE):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = _plain_text(str(raw))
        return text.strip() if column.kind == CODE else text
    if column.kind == INT:
        if isinstance(raw, bool):
            raise _CellError(gettext("Enter a whole number."))
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and re.fullmatch(r"\s*-?\d+\s*", raw):
            return int(raw)
        raise _CellError(gettext("Enter a whole number."))
    if column.kind == DECIMAL:
        if isinstance(raw, bool):
            raise _CellError(gettext("Enter an amount in yuan, such as 12.50."))
        try:
            amount = Decimal(str(raw).strip().lstrip("¥￥"))
        except InvalidOperation:
            raise _CellError(gettext("Enter an amount in yuan, such as 12.50.")) from None
        if not amount.is_finite():
            raise _CellError(gettext("Enter an amount in yuan, such as 12.50."))
        return amount
    if column.kind == BOOL:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float) and raw in (0, 1):
            return bool(raw)
        found = vocabulary.booleans.get(_key(str(raw)))
        if found is None:
            raise _CellError(gettext("Enter %(yes)s or %(no)s.") % {"yes": YES, "no": NO})
        return found
    # A choice: a label in any language or the stored code.
    assert column.choices is not None  # noqa: S101 - every CHOICE column names its choices
    text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
    found = vocabulary.choices[column.choices].get(_key(text))
    if found is None:
        raise _CellError(
            gettext("Choose one of: %(choices)s.")
            % {"choices": "; ".join(str(label) for label in column.choices.labels)}
        )
    return found


# --- export ------------------------------------------------------------------------------


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
                row=row_number, column=index, value=_cell_value(column, row[column.key])
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


# --- import: reading ---------------------------------------------------------------------


def _read(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the workbook's sheets, as values; the file is not trusted."""
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetTooLarge(field="file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise SpreadsheetTooLarge(field="file")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = {}
            for sheet in workbook.worksheets:
                rows = []
                for row in sheet.iter_rows(values_only=True):
                    rows.append(tuple(row))
                    if len(rows) > MAX_ROWS_PER_SHEET + 1:
                        raise SpreadsheetTooLarge(
                            gettext("A sheet may have at most %(count)d rows.")
                            % {"count": MAX_ROWS_PER_SHEET},
                            field="file",
                        )
                sheets[sheet.title] = rows
        finally:
            workbook.close()
    except ApplicationError:
        raise
    except Exception:  # whatever a foreign file makes the reader raise
        raise SpreadsheetUnreadable(field="file") from None
    return sheets


# --- import: checking --------------------------------------------------------------------


@dataclass
class _ParsedRow:
    sheet: str
    number: int
    values: dict[str, Any]
    bad: set[str]  # keys of the columns whose cells could not be read


@dataclass
class _ImplementationRow:
    """A checked row of the first sheet with everything needed to write it."""

    number: int
    code: str
    matter: Matter  # unsaved when matter_is_new
    matter_is_new: bool
    region: Region
    department: Organisation
    suffix: str
    fields: dict[str, Any]
    implementation: Implementation | None
    materials: list[dict[str, Any]] = field(default_factory=list)
    fees: list[dict[str, Any]] = field(default_factory=list)


_SHEET_ORDER = [sheet for sheet, _columns in SHEETS]
_COLUMNS_OF = dict(SHEETS)


class _Check:
    """Collects every problem of a file, reported in sheet, row and column order."""

    def __init__(self, sheets: dict[str, list[tuple[Any, ...]]]) -> None:
        self.sheets = sheets
        self.vocabulary = _Vocabulary.build()
        self._errors: list[tuple[tuple[int, int, int], RowError]] = []
        self._rows_with_errors: set[tuple[str, int]] = set()
        # Every implementation code of the first sheet, on a valid row or not.
        self.known_codes: set[str] = set()

    @property
    def errors(self) -> list[RowError]:
        return [error for _order, error in sorted(self._errors, key=lambda item: item[0])]

    @property
    def error_count(self) -> int:
        return len(self._errors)

    def add(self, sheet: str, row: int | None, index: int, title: str, message: str) -> None:
        """A problem at a cell (index is the 1-based column, 0 for the whole row)."""
        self._errors.append(
            (
                (_SHEET_ORDER.index(sheet), row or 0, index),
                RowError(
                    sheet=sheet,
                    row=row,
                    column=title,
                    message=message,
                    column_letter=get_column_letter(index) if index else "",
                ),
            )
        )
        if row is not None:
            self._rows_with_errors.add((sheet, row))

    def at(self, row: _ParsedRow, key: str | None, message: str | Promise) -> None:
        """A problem of a row, in the column of this key (or of the whole row)."""
        columns = _COLUMNS_OF[row.sheet]
        index = next((i for i, c in enumerate(columns, start=1) if c.key == key), 0)
        title = str(columns[index - 1].label) if index else ""
        self.add(row.sheet, row.number, index, title, str(message))

    def has_errors(self, row: _ParsedRow) -> bool:
        return (row.sheet, row.number) in self._rows_with_errors

    def titles_fine(self) -> bool:
        """Every sheet is there with the expected column titles, in any offered language."""
        for sheet, columns in SHEETS:
            rows = self.sheets.get(sheet)
            if rows is None:
                message = gettext("The workbook has no sheet named %(sheet)s.") % {"sheet": sheet}
                self.add(sheet, None, 0, "", message)
                continue
            titles = list(rows[0]) if rows else []
            titles += [None] * (len(columns) - len(titles))
            for index, (column, found) in enumerate(zip(columns, titles, strict=False), start=1):
                expected = {_key(label) for label in _in_every_language(column.label)}
                if found is None or _key(str(found)) not in expected:
                    message = gettext(
                        "The title of this column should be “%(expected)s”, not “%(found)s”."
                    ) % {"expected": column.label, "found": "" if found is None else found}
                    self.add(sheet, 1, index, str(column.label), message)
            for index, found in enumerate(titles[len(columns) :], start=len(columns) + 1):
                if not _is_empty(found):
                    message = gettext("This column is not part of the catalogue format: remove it.")
                    self.add(sheet, 1, index, str(found), message)
        return not self._errors

    def rows(self, sheet: str) -> list[_ParsedRow]:
        """The non-empty rows below the titles, each cell read into its stored value."""
        columns = _COLUMNS_OF[sheet]
        parsed = []
        for number, raw in enumerate(self.sheets[sheet][1:], start=2):
            cells = list(raw[: len(columns)]) + [None] * (len(columns) - len(raw))
            if all(_is_empty(cell) for cell in cells):
                continue
            row = _ParsedRow(sheet=sheet, number=number, values={}, bad=set())
            for column, cell in zip(columns, cells, strict=True):
                try:
                    row.values[column.key] = _parse(column, cell, self.vocabulary)
                except _CellError as problem:
                    self.at(row, column.key, problem.message)
                    row.values[column.key] = column.default()
                    row.bad.add(column.key)
            parsed.append(row)
        return parsed

    def model_rules(
        self,
        row: _ParsedRow,
        instance: models.Model,
        *,
        columns: dict[str, str],
        exclude: Iterable[str] = (),
    ) -> None:
        """The model's own rules (full_clean of the unsaved instance), each message put on
        the column of its field; fields whose cell could not be read are not checked again.

        The database check constraints are not run here: each costs a query per row, and every
        one of them is mirrored by a field validator or the model's clean(), which do run.
        The database still enforces them when the rows are written, in one transaction."""
        skip = set(exclude) | {name for name, key in columns.items() if key in row.bad}
        try:
            instance.full_clean(exclude=sorted(skip), validate_constraints=False)
        except ValidationError as problem:
            for name, messages in problem.message_dict.items():
                for message in messages:
                    if name == NON_FIELD_ERRORS or name in columns:
                        self.at(row, columns.get(name), message)
                    else:
                        self.at(row, None, f"{name}: {message}")


class _ImplementationSheet:
    """Checks the rows of 实施清单 against the catalogue and against each other."""

    def __init__(self, check: _Check) -> None:
        self.check = check
        self.rows = check.rows(SHEET_IMPLEMENTATIONS)
        values = [row.values for row in self.rows]
        self.matters = Matter.objects.in_bulk(
            {v["basic_code"] for v in values}, field_name="basic_code"
        )
        self.regions = Region.objects.in_bulk({v["region"] for v in values}, field_name="code")
        self.departments = Organisation.objects.in_bulk(
            {v["department"] for v in values}, field_name="credit_code"
        )
        current = ImplementationVersion.objects.filter(
            status__in=[VersionStatus.PUBLISHED, VersionStatus.DRAFT]
        ).prefetch_related("materials", "fees")
        self.implementations = {
            implementation.code: implementation
            for implementation in Implementation.objects.filter(
                code__in={v["code"] for v in values}
            ).prefetch_related(Prefetch("versions", queryset=current))
        }
        self.new_matters: dict[str, tuple[int, Matter]] = {}
        self.first_row_of_code: dict[str, int] = {}

    def checked(self) -> dict[str, _ImplementationRow]:
        valid = {}
        for row in self.rows:
            checked = self._row(row)
            if checked is not None and not self.check.has_errors(row):
                valid[checked.code] = checked
        self.check.known_codes = set(self.first_row_of_code)
        return valid

    def _row(self, row: _ParsedRow) -> _ImplementationRow | None:
        v = row.values
        matter, matter_is_new = self._matter(row)
        region = self._region(row)
        department = self._department(row)
        code = self._code(row, matter, region, department)
        existing = self.implementations.get(code)
        if existing is None and region is not None and department is not None:
            implementation = Implementation(
                matter=None if matter_is_new else matter,
                region=region,
                department=department,
                suffix=v["suffix"],
                code=code,
            )
            self.check.model_rules(
                row,
                implementation,
                columns={
                    "matter": "basic_code",
                    "region": "region",
                    "department": "department",
                    "suffix": "suffix",
                },
                # The code is checked by _code; a new matter has no primary key yet, its
                # sector is compared below.
                exclude=["code", "matter"] if matter_is_new else ["code"],
            )
            if matter_is_new and matter is not None and matter.sector != department.sector:
                self.check.at(
                    row,
                    "department",
                    gettext(
                        "This department does not belong to the line of government that "
                        "owns the matter."
                    ),
                )
        fields = {name: v[name] for name in VERSION_FIELDS}
        self.check.model_rules(
            row,
            ImplementationVersion(number=1, **fields),
            columns={name: name for name in VERSION_FIELDS},
            exclude=["implementation", "number"],
        )
        if matter is None or region is None or department is None or not code:
            return None
        return _ImplementationRow(
            number=row.number,
            code=code,
            matter=matter,
            matter_is_new=matter_is_new,
            region=region,
            department=department,
            suffix=v["suffix"],
            fields=fields,
            implementation=existing,
        )

    def _matter(self, row: _ParsedRow) -> tuple[Matter | None, bool]:
        """An existing matter must agree with the row; a new one must be valid, and agree
        with the other rows of its basic code."""
        basic_code = row.values["basic_code"]
        if "basic_code" in row.bad:
            return None, True
        wanted = {name: row.values[key] for key, name in MATTER_FIELD_OF_KEY.items()}
        matter = self.matters.get(basic_code)
        if matter is not None:
            for key, name in MATTER_FIELD_OF_KEY.items():
                if key not in row.bad and getattr(matter, name) != wanted[name]:
                    column = _column_of(IMPLEMENTATION_COLUMNS, key)
                    self.check.at(
                        row,
                        key,
                        gettext(
                            "The catalogue's matter %(code)s has “%(value)s” here. Matters are "
                            "changed in the admin site, not by import."
                        )
                        % {"code": basic_code, "value": _cell_value(column, getattr(matter, name))},
                    )
            return matter, False
        if basic_code in self.new_matters:
            first, matter = self.new_matters[basic_code]
            for key, name in MATTER_FIELD_OF_KEY.items():
                if key not in row.bad and getattr(matter, name) != wanted[name]:
                    self.check.at(
                        row,
                        key,
                        gettext("Row %(row)d gives the same matter a different value.")
                        % {"row": first},
                    )
            return matter, True
        matter = Matter(**wanted)
        errors_before = self.check.error_count
        self.check.model_rules(
            row, matter, columns={name: key for key, name in MATTER_FIELD_OF_KEY.items()}
        )
        if self.check.error_count > errors_before:
            return None, True
        self.new_matters[basic_code] = (row.number, matter)
        return matter, True

    def _region(self, row: _ParsedRow) -> Region | None:
        code = row.values["region"]
        if "region" in row.bad:
            return None
        region = self.regions.get(code)
        if region is None:
            self.check.at(
                row,
                "region",
                gettext("No region has the code %(code)s.") % {"code": code}
                if code
                else gettext("Enter the 12-digit code of the region."),
            )
        return region

    def _department(self, row: _ParsedRow) -> Organisation | None:
        code = row.values["department"]
        if "department" in row.bad:
            return None
        department = self.departments.get(code)
        if department is None:
            self.check.at(
                row,
                "department",
                gettext("No organisation has the unified social credit code %(code)s.")
                % {"code": code}
                if code
                else gettext("Enter the unified social credit code of the department."),
            )
        elif department.kind != OrganisationKind.DEPARTMENT:
            self.check.at(
                row,
                "department",
                gettext("%(name)s is not a government department.") % {"name": department.name},
            )
            return None
        return department

    def _code(
        self,
        row: _ParsedRow,
        matter: Matter | None,
        region: Region | None,
        department: Organisation | None,
    ) -> str:
        """The code is derived from the parts; a code in the cell must be well formed, agree
        with them and not be on an earlier row."""
        given = row.values["code"]
        derived = ""
        if matter is not None and region is not None and department is not None:
            derived = Implementation.build_code(
                basic_code=row.values["basic_code"],
                region_code=region.code,
                credit_code=department.credit_code,
                suffix=row.values["suffix"],
            )
        if given and not re.fullmatch(IMPLEMENTATION_CODE_PATTERN, given):
            self.check.at(
                row,
                "code",
                gettext(
                    "An implementation code is the basic code, the region code, 000, the "
                    "department's credit code and the suffix, joined by hyphens, such as "
                    "%(example)s."
                )
                % {"example": "000102001000-420500000000-000-11420500MB0000006G-1-00"},
            )
        elif given and derived and given != derived:
            self.check.at(
                row,
                "code",
                gettext(
                    "This code does not match the row's basic code, region, department and "
                    "suffix, which give %(code)s."
                )
                % {"code": derived},
            )
        code = given or derived
        if code in self.first_row_of_code:
            self.check.at(
                row,
                "code",
                gettext("This implementation is already on row %(row)d.")
                % {"row": self.first_row_of_code[code]},
            )
        elif code:
            self.first_row_of_code[code] = row.number
        return code


def _column_of(columns: Sequence[Column], key: str) -> Column:
    return next(column for column in columns if column.key == key)


def _checked_children(
    check: _Check,
    sheet: str,
    model: type[models.Model],
    names: Sequence[str],
    *,
    exclude: Sequence[str],
    keyed: bool,
) -> dict[str, list[dict[str, Any]]]:
    """The rows of 申请材料 or 收费项目 by implementation code, in order; each belongs to an
    implementation of the first sheet and, for materials, has a key unique within it."""
    children: dict[str, list[dict[str, Any]]] = {}
    first_row_of_key: dict[tuple[str, str], int] = {}
    for row in check.rows(sheet):
        code = row.values["code"]
        if "code" not in row.bad and code not in check.known_codes:
            check.at(
                row,
                "code",
                gettext("This implementation code is not on the sheet %(sheet)s.")
                % {"sheet": SHEET_IMPLEMENTATIONS},
            )
        if keyed and "key" not in row.bad:
            first = first_row_of_key.setdefault((code, row.values["key"]), row.number)
            if first != row.number:
                check.at(
                    row,
                    "key",
                    gettext(
                        "The key %(key)s is already used for this implementation on row %(row)d."
                    )
                    % {"key": row.values["key"], "row": first},
                )
        fields = {name: row.values[name] for name in names}
        check.model_rules(row, model(**fields), columns={n: n for n in names}, exclude=exclude)
        children.setdefault(code, []).append(fields)
    return children


# --- import: writing ---------------------------------------------------------------------


_VERSION_COLUMNS = tuple(c for c in IMPLEMENTATION_COLUMNS if c.key in VERSION_FIELDS)
_MATERIAL_COLUMNS = MATERIAL_COLUMNS[1:]
_FEE_COLUMNS = FEE_COLUMNS[1:]


def _differences(
    columns: Sequence[Column], stored: models.Model, wanted: dict[str, Any]
) -> dict[str, Any]:
    return {
        column.key: wanted[column.key]
        for column in columns
        if _comparable(column, getattr(stored, column.key))
        != _comparable(column, wanted[column.key])
    }


def _same_list(
    columns: Sequence[Column], stored: Sequence[models.Model], wanted: Sequence[dict[str, Any]]
) -> bool:
    return len(stored) == len(wanted) and not any(
        _differences(columns, s, w) for s, w in zip(stored, wanted, strict=True)
    )


def _matches(version: ImplementationVersion, row: _ImplementationRow) -> bool:
    return (
        not _differences(_VERSION_COLUMNS, version, row.fields)
        and _same_list(_MATERIAL_COLUMNS, list(version.materials.all()), row.materials)
        and _same_list(_FEE_COLUMNS, list(version.fees.all()), row.fees)
    )


def _write_lists(
    version: ImplementationVersion, row: _ImplementationRow, actor: User | None
) -> None:
    if not _same_list(_MATERIAL_COLUMNS, list(version.materials.all()), row.materials):
        services.version_set_materials(version=version, materials=row.materials, actor=actor)
    if not _same_list(_FEE_COLUMNS, list(version.fees.all()), row.fees):
        services.version_set_fees(version=version, fees=row.fees, actor=actor)


def _create(
    row: _ImplementationRow, *, actor: User | None, report: ImportReport
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
    row: _ImplementationRow, *, actor: User | None, publish: bool
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
    nothing is written. What each row does is told in the module's docstring."""
    check = _Check(_read(data))
    if not check.titles_fine():
        raise ImportRejected(check.errors)
    rows = _ImplementationSheet(check).checked()
    materials = _checked_children(
        check,
        SHEET_MATERIALS,
        Material,
        MATERIAL_FIELDS,
        exclude=["version", "blank_form", "sample", "order"],
        keyed=True,
    )
    fees = _checked_children(
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
