"""Import, checking: the collector of every problem of a file, which checks the titles,
reads the cells and applies the models' own rules, row by row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from openpyxl.utils import get_column_letter

from matters.spreadsheet.layout import (
    SHEETS,
    CellError,
    Vocabulary,
    comparison_key,
    in_every_language,
    is_empty,
    parse,
)
from matters.spreadsheet.report import RowError


@dataclass
class ParsedRow:
    sheet: str
    number: int
    values: dict[str, Any]
    bad: set[str]  # keys of the columns whose cells could not be read


_SHEET_ORDER = [sheet for sheet, _columns in SHEETS]
_COLUMNS_OF = dict(SHEETS)


class Check:
    """Collects every problem of a file, reported in sheet, row and column order."""

    def __init__(self, sheets: dict[str, list[tuple[Any, ...]]]) -> None:
        self.sheets = sheets
        self.vocabulary = Vocabulary.build()
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

    def at(self, row: ParsedRow, key: str | None, message: str | Promise) -> None:
        """A problem of a row, in the column of this key (or of the whole row)."""
        columns = _COLUMNS_OF[row.sheet]
        index = next((i for i, c in enumerate(columns, start=1) if c.key == key), 0)
        title = str(columns[index - 1].label) if index else ""
        self.add(row.sheet, row.number, index, title, str(message))

    def has_errors(self, row: ParsedRow) -> bool:
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
                expected = {comparison_key(label) for label in in_every_language(column.label)}
                if found is None or comparison_key(str(found)) not in expected:
                    message = gettext(
                        "The title of this column should be “%(expected)s”, not “%(found)s”."
                    ) % {"expected": column.label, "found": "" if found is None else found}
                    self.add(sheet, 1, index, str(column.label), message)
            for index, found in enumerate(titles[len(columns) :], start=len(columns) + 1):
                if not is_empty(found):
                    message = gettext("This column is not part of the catalogue format: remove it.")
                    self.add(sheet, 1, index, str(found), message)
        return not self._errors

    def rows(self, sheet: str) -> list[ParsedRow]:
        """The non-empty rows below the titles, each cell read into its stored value."""
        columns = _COLUMNS_OF[sheet]
        parsed = []
        for number, raw in enumerate(self.sheets[sheet][1:], start=2):
            cells = list(raw[: len(columns)]) + [None] * (len(columns) - len(raw))
            if all(is_empty(cell) for cell in cells):
                continue
            row = ParsedRow(sheet=sheet, number=number, values={}, bad=set())
            for column, cell in zip(columns, cells, strict=True):
                try:
                    row.values[column.key] = parse(column, cell, self.vocabulary)
                except CellError as problem:
                    self.at(row, column.key, problem.message)
                    row.values[column.key] = column.default()
                    row.bad.add(column.key)
            parsed.append(row)
        return parsed

    def model_rules(
        self,
        row: ParsedRow,
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
