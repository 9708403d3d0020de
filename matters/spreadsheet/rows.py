"""Import, checking against the catalogue: the rows of 实施清单 against the matters,
regions, departments and implementations, and the materials and fees against them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext

from identity.constants import OrganisationKind
from identity.models import Organisation, Region
from matters.constants import IMPLEMENTATION_CODE_PATTERN, VersionStatus
from matters.models import Implementation, ImplementationVersion, Matter
from matters.spreadsheet.checking import Check, ParsedRow
from matters.spreadsheet.layout import (
    IMPLEMENTATION_COLUMNS,
    MATTER_FIELD_OF_KEY,
    SHEET_IMPLEMENTATIONS,
    VERSION_FIELDS,
    Column,
    cell_value,
)


@dataclass
class ImplementationRow:
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


class ImplementationSheet:
    """Checks the rows of 实施清单 against the catalogue and against each other."""

    def __init__(self, check: Check) -> None:
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

    def checked(self) -> dict[str, ImplementationRow]:
        valid = {}
        for row in self.rows:
            checked = self._row(row)
            if checked is not None and not self.check.has_errors(row):
                valid[checked.code] = checked
        self.check.known_codes = set(self.first_row_of_code)
        return valid

    def _row(self, row: ParsedRow) -> ImplementationRow | None:
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
        return ImplementationRow(
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

    def _matter(self, row: ParsedRow) -> tuple[Matter | None, bool]:
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
                        % {"code": basic_code, "value": cell_value(column, getattr(matter, name))},
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

    def _region(self, row: ParsedRow) -> Region | None:
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

    def _department(self, row: ParsedRow) -> Organisation | None:
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
        row: ParsedRow,
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


def checked_children(
    check: Check,
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
