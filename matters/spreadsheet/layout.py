"""The workbook's layout: its sheets and limits, the columns of each sheet, and how a
cell is written from a stored value and read back into one (in any offered language)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from identity.constants import Sector
from identity.models import Region
from matters.constants import (
    Audience,
    CrossRegionScope,
    HandlingKind,
    MaterialRequirement,
    MaterialSource,
    MatterType,
    OnlineDepth,
    WindowCategory,
)
from matters.models import FeeItem, Implementation, ImplementationVersion, Material, Matter

SHEET_IMPLEMENTATIONS = "实施清单"
SHEET_MATERIALS = "申请材料"
SHEET_FEES = "收费项目"

MAX_FILE_BYTES = 10 * 1024 * 1024
# A zip can unpack to far more than it weighs; refuse before openpyxl inflates it.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS_PER_SHEET = 20_000

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def in_every_language(text: Promise | str) -> set[str]:
    found = set()
    for language in _languages():
        with translation.override(language):
            found.add(str(text))
    return found


def comparison_key(text: str) -> str:
    """How cells are compared to titles, labels and yes/no: spacing and case do not count."""
    return re.sub(r"\s+", "", text).casefold()


# --- values ------------------------------------------------------------------------------


def _plain_text(value: str) -> str:
    """Text as a cell keeps it: line ends as \\n (XML normalises \\r\\n), no control characters
    that a workbook cannot hold, and only-blank text is empty."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value if value.strip() else ""


def comparable(column: Column, value: Any) -> Any:
    if column.kind in (TEXT, CODE):
        return _plain_text(value or "")
    if column.kind == DECIMAL and value is not None:
        return Decimal(value)
    return value


def cell_value(column: Column, value: Any) -> Any:
    """The Python value written into a cell for a stored value."""
    if column.kind == BOOL:
        return str(YES if value else NO)
    if column.kind == CHOICE:
        return str(column.choices(value).label) if value not in (None, "") else None
    if column.kind in (TEXT, CODE):
        return _plain_text(value or "") or None
    return value


class CellError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass
class Vocabulary:
    """Everything a cell may say for a yes/no or a choice, in every language, built once."""

    booleans: dict[str, bool]
    choices: dict[type[models.Choices], dict[str, Any]]

    @classmethod
    def build(cls) -> Vocabulary:
        booleans = {comparison_key(word): True for word in ("true", "yes", "y", "1", "是")}
        booleans |= {comparison_key(word): False for word in ("false", "no", "n", "0", "否")}
        for word in in_every_language(YES):
            booleans[comparison_key(word)] = True
        for word in in_every_language(NO):
            booleans[comparison_key(word)] = False
        choices: dict[type[models.Choices], dict[str, Any]] = {}
        for _sheet, columns in SHEETS:
            for column in columns:
                if column.choices is None or column.choices in choices:
                    continue
                mapping: dict[str, Any] = {}
                for member in column.choices:
                    for label in in_every_language(member.label):
                        mapping[comparison_key(label)] = member.value
                for member in column.choices:  # the stored code wins over any label
                    mapping[comparison_key(str(member.value))] = member.value
                choices[column.choices] = mapping
        return cls(booleans=booleans, choices=choices)


def is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse(column: Column, raw: Any, vocabulary: Vocabulary) -> Any:
    """The stored value for a cell, or CellError with a message for the person."""
    if is_empty(raw):
        return column.default()
    if column.kind in (TEXT, CODE):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = _plain_text(str(raw))
        return text.strip() if column.kind == CODE else text
    if column.kind == INT:
        if isinstance(raw, bool):
            raise CellError(gettext("Enter a whole number."))
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and re.fullmatch(r"\s*-?\d+\s*", raw):
            return int(raw)
        raise CellError(gettext("Enter a whole number."))
    if column.kind == DECIMAL:
        if isinstance(raw, bool):
            raise CellError(gettext("Enter an amount in yuan, such as 12.50."))
        try:
            amount = Decimal(str(raw).strip().lstrip("¥￥"))
        except InvalidOperation:
            raise CellError(gettext("Enter an amount in yuan, such as 12.50.")) from None
        if not amount.is_finite():
            raise CellError(gettext("Enter an amount in yuan, such as 12.50."))
        return amount
    if column.kind == BOOL:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float) and raw in (0, 1):
            return bool(raw)
        found = vocabulary.booleans.get(comparison_key(str(raw)))
        if found is None:
            raise CellError(gettext("Enter %(yes)s or %(no)s.") % {"yes": YES, "no": NO})
        return found
    # A choice: a label in any language or the stored code.
    assert column.choices is not None  # noqa: S101 - every CHOICE column names its choices
    text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
    found = vocabulary.choices[column.choices].get(comparison_key(text))
    if found is None:
        raise CellError(
            gettext("Choose one of: %(choices)s.")
            % {"choices": "; ".join(str(label) for label in column.choices.labels)}
        )
    return found
