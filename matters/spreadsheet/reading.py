"""Import, first step: reading an untrusted file into the values of its sheets' rows."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
from django.utils.translation import gettext

from core.errors import ApplicationError
from matters.spreadsheet.layout import MAX_FILE_BYTES, MAX_ROWS_PER_SHEET, MAX_UNPACKED_BYTES
from matters.spreadsheet.report import SpreadsheetTooLarge, SpreadsheetUnreadable


def read(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
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
