"""What an import tells: the errors that refuse a file (every problem of a rejected file
as a RowError) and the ImportReport of a successful one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import ValidationFailed


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
