"""Excel export and import of the catalogue: the format, the round trip, what a changed row
does, and bad files and rows that are refused with every error listed and nothing written."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from identity.constants import Sector
from identity.models import AuditEvent
from matters import selectors
from matters.constants import HandlingKind, MaterialSource, OnlineDepth, VersionStatus
from matters.models import FeeItem, Implementation, ImplementationVersion, Material, Matter
from matters.spreadsheet import (
    FEE_COLUMNS,
    IMPLEMENTATION_COLUMNS,
    MATERIAL_COLUMNS,
    SHEET_FEES,
    SHEET_IMPLEMENTATIONS,
    SHEET_MATERIALS,
    ImportRejected,
    RowError,
    SpreadsheetUnreadable,
    catalogue_export,
    catalogue_import,
)
from tests.factories.identity import DepartmentFactory, EnterpriseFactory, UserFactory
from tests.factories.matters import (
    FeeItemFactory,
    FormFieldFactory,
    MaterialFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db

COLUMNS = {
    SHEET_IMPLEMENTATIONS: IMPLEMENTATION_COLUMNS,
    SHEET_MATERIALS: MATERIAL_COLUMNS,
    SHEET_FEES: FEE_COLUMNS,
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def published():
    """A published implementation with two materials and a fee, and a second one without."""
    version = VersionFactory(
        legal_basis="《行政许可法》\r\n第二十九条",
        process="=SUM(A1:A2)",
        supports_appointment=True,
    )
    MaterialFactory(version=version, key="id_card", name="身份证", tolerable=True)
    MaterialFactory(
        version=version,
        key="licence",
        name="营业执照",
        source=MaterialSource.CERTIFICATE,
        certificate_type="business_licence",
    )
    FeeItemFactory(version=version, amount=Decimal("10.50"), waivable=True, waiver_basis="文件")
    FormFieldFactory(version=version, key="applicant_name")
    other = VersionFactory(
        implementation__region=version.implementation.region,
        handling_kind=HandlingKind.IMMEDIATE,
        promised_limit_days=0,
    )
    return version, other


def _column(sheet: str, key: str) -> int:
    return next(i for i, c in enumerate(COLUMNS[sheet], start=1) if c.key == key)


def _edit(data: bytes, *changes: tuple[str, int, str, object]) -> bytes:
    """The workbook with cells changed: (sheet, row, column key, value)."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for sheet, row, key, value in changes:
        workbook[sheet].cell(row=row, column=_column(sheet, key), value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _append(data: bytes, sheet: str, values: dict) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook[sheet].append([values.get(column.key) for column in COLUMNS[sheet]])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rows(data: bytes, sheet: str) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return list(workbook[sheet].iter_rows(values_only=True))


def _exported() -> bytes:
    return catalogue_export(versions=selectors.published_versions())


def _state() -> tuple[int, ...]:
    return (
        Matter.objects.count(),
        Implementation.objects.count(),
        ImplementationVersion.objects.count(),
        Material.objects.count(),
        FeeItem.objects.count(),
        AuditEvent.objects.count(),
    )


def _rejected(data: bytes) -> list[RowError]:
    with pytest.raises(ImportRejected) as refused:
        catalogue_import(data=data, actor=UserFactory())
    return refused.value.row_errors


# --- export ------------------------------------------------------------------------------


def test_the_export_has_three_sheets_with_titles_in_the_active_language(published):
    with translation.override("en"):
        data = _exported()

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["实施清单", "申请材料", "收费项目"]
    assert _rows(data, SHEET_IMPLEMENTATIONS)[0][:10] == (
        "implementation code",
        "basic code",
        "matter name",
        "matter type",
        "owning sector",
        "audience",
        "region code",
        "implementing department (unified social credit code)",
        "handling-item suffix",
        "name",
    )
    assert _rows(data, SHEET_FEES)[0] == (
        "implementation code",
        "fee item",
        "amount (yuan)",
        "basis for the fee",
        "can be reduced or waived",
        "basis for reduction",
    )


def test_the_export_writes_one_row_per_published_implementation_and_its_lists_in_order(
    published,
):
    version, other = published
    VersionFactory(status=VersionStatus.DRAFT, published_at=None)  # not exported

    data = _exported()

    implementations = _rows(data, SHEET_IMPLEMENTATIONS)[1:]
    assert sorted(row[0] for row in implementations) == sorted(
        [version.implementation.code, other.implementation.code]
    )
    row = next(r for r in implementations if r[0] == version.implementation.code)
    values = dict(zip([c.key for c in IMPLEMENTATION_COLUMNS], row, strict=True))
    assert values["handling_kind"] == "Promised (decided within the promised time)"
    assert values["online_depth"] == "Level IV: fully online"
    assert (values["statutory_limit_days"], values["promised_limit_days"]) == (20, 5)
    assert (values["supports_appointment"], values["delivery_post"]) == ("Yes", "No")
    assert values["legal_basis"] == "《行政许可法》\n第二十九条"
    assert values["process"] == "=SUM(A1:A2)"  # text, never a formula
    assert values["result_name"] is None
    assert _rows(data, SHEET_MATERIALS)[1:] == [
        (
            *(version.implementation.code, "id_card", "身份证", "Required", None, 1, 0),
            *("Provided by the applicant", None, None, "Yes", None),
        ),
        (
            *(version.implementation.code, "licence", "营业执照", "Required", None, 1, 0),
            *("Electronic certificate", "business_licence", None, "No", None),
        ),
    ]
    assert _rows(data, SHEET_FEES)[1:] == [
        (version.implementation.code, "工本费", 10.5, "收费文件", "Yes", "文件")
    ]


def test_the_export_reads_the_catalogue_in_three_queries(published, django_assert_num_queries):
    VersionFactory()

    with django_assert_num_queries(3):
        catalogue_export(versions=selectors.published_versions())


# --- round trip --------------------------------------------------------------------------


def test_importing_the_exported_file_changes_nothing(published):
    data = _exported()
    before = _state()

    report = catalogue_import(data=data, actor=UserFactory())

    assert _state()[:5] == before[:5]
    assert AuditEvent.objects.count() == before[5]
    assert sorted(report.unchanged) == sorted(v.implementation.code for v in published)
    assert (report.created, report.changed, report.published, report.matters_created) == (
        [],
        [],
        [],
        [],
    )


def test_a_file_exported_in_english_imports_unchanged_in_chinese(published):
    with translation.override("en"):
        data = _exported()

    with translation.override("zh-hans"):
        report = catalogue_import(data=data, actor=UserFactory())

    assert (report.created, report.changed) == ([], [])
    assert len(report.unchanged) == 2


def test_choices_may_be_given_by_their_codes_and_yes_no_as_true_false(published):
    version, _other = published
    data = _edit(
        _exported(),
        (SHEET_IMPLEMENTATIONS, 2, "handling_kind", version.handling_kind),
        (SHEET_IMPLEMENTATIONS, 3, "handling_kind", "promised"),
        (SHEET_IMPLEMENTATIONS, 2, "online_depth", 4),
        (SHEET_IMPLEMENTATIONS, 2, "supports_appointment", True),
        (SHEET_IMPLEMENTATIONS, 3, "supports_appointment", "FALSE"),
        (SHEET_IMPLEMENTATIONS, 3, "handling_kind", "immediate"),
    )

    report = catalogue_import(data=data, actor=UserFactory())

    assert (report.created, report.changed, len(report.unchanged)) == ([], [], 2)


# --- changes -----------------------------------------------------------------------------


def _row_of(data: bytes, code: str) -> int:
    rows = _rows(data, SHEET_IMPLEMENTATIONS)
    return next(i for i, row in enumerate(rows, start=1) if row[0] == code)


def test_a_changed_row_becomes_a_new_draft_and_the_published_version_stays(published):
    version, other = published
    data = _exported()
    row = _row_of(data, version.implementation.code)
    data = _edit(data, (SHEET_IMPLEMENTATIONS, row, "promised_limit_days", 3))
    actor = UserFactory()

    report = catalogue_import(data=data, actor=actor)

    assert report.changed == [version.implementation.code]
    assert report.unchanged == [other.implementation.code]
    draft = ImplementationVersion.objects.get(implementation=version.implementation, number=2)
    assert (draft.status, draft.promised_limit_days, draft.created_by) == (
        VersionStatus.DRAFT,
        3,
        actor,
    )
    assert draft.change_note == "Imported from a spreadsheet."
    assert list(draft.materials.values_list("key", flat=True)) == ["id_card", "licence"]
    assert list(draft.form_fields.values_list("key", flat=True)) == ["applicant_name"]
    version.refresh_from_db()
    assert (version.status, version.promised_limit_days) == (VersionStatus.PUBLISHED, 5)
    assert list(
        AuditEvent.objects.filter(actor=actor).order_by("id").values_list("action", flat=True)
    ) == ["matters.version_draft", "matters.version_update"]


def test_importing_the_same_changed_file_twice_keeps_one_draft(published):
    version, _other = published
    data = _exported()
    data = _edit(
        data, (SHEET_IMPLEMENTATIONS, _row_of(data, version.implementation.code), "name", "新名称")
    )
    catalogue_import(data=data, actor=UserFactory())
    before = _state()

    report = catalogue_import(data=data, actor=UserFactory())

    assert _state() == before
    assert report.changed == []
    assert version.implementation.versions.count() == 2


def test_with_publish_the_changed_version_is_published_and_the_previous_one_retired(published):
    version, _other = published
    data = _exported()
    data = _edit(
        data,
        (SHEET_IMPLEMENTATIONS, _row_of(data, version.implementation.code), "visits_required", 0),
    )
    data = _edit(data, (SHEET_FEES, 2, "amount", 12))

    report = catalogue_import(data=data, actor=UserFactory(), publish=True)

    assert report.published == [version.implementation.code]
    current = selectors.published_version(version.implementation.code)
    assert (current.number, [f.amount for f in current.fees.all()]) == (2, [Decimal("12.00")])
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED


def test_the_material_and_fee_lists_of_a_row_become_exactly_those_of_the_file(published):
    version, _other = published
    code = version.implementation.code
    data = _exported()
    # Drop id_card (row 2), keep licence, add a new material; remove the fee, add two.
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook[SHEET_MATERIALS].delete_rows(2)
    workbook[SHEET_FEES].delete_rows(2)
    out = io.BytesIO()
    workbook.save(out)
    data = _append(
        out.getvalue(),
        SHEET_MATERIALS,
        {"code": code, "key": "photo", "name": "照片", "original_count": 2, "tolerable": "是"},
    )
    data = _append(data, SHEET_FEES, {"code": code, "name": "证书费", "amount": "5", "basis": "文"})
    data = _append(data, SHEET_FEES, {"code": code, "name": "邮寄费", "amount": 0, "basis": "文"})

    catalogue_import(data=data, actor=UserFactory())

    draft = version.implementation.versions.get(status=VersionStatus.DRAFT)
    assert [(m.key, m.order, m.original_count, m.tolerable) for m in draft.materials.all()] == [
        ("licence", 1, 1, False),
        ("photo", 2, 2, True),
    ]
    assert [(f.name, f.amount) for f in draft.fees.all()] == [
        ("证书费", Decimal("5.00")),
        ("邮寄费", Decimal("0.00")),
    ]
    assert [m.key for m in version.materials.all()] == ["id_card", "licence"]


def test_an_unknown_code_creates_the_matter_the_implementation_and_a_first_draft(published):
    version, _other = published
    department = DepartmentFactory(
        credit_code="11420500MB0000007K",
        region=version.implementation.region,
        sector=Sector.PUBLIC_SECURITY,
    )
    code = "000103000000-420500000000-000-11420500MB0000007K-1-00"
    row = {
        "basic_code": "000103000000",
        "matter_name": "户口迁移",
        "matter_type": "Administrative confirmation",
        "sector": "public_security",
        "audience": "Natural persons",
        "region": version.implementation.region.code,
        "department": department.credit_code,
        "name": "户口迁入",
        "legal_basis": "《户口登记条例》",
        "conditions": "符合迁入条件。",
        "handling_kind": "promised",
        "statutory_limit_days": 20,
        "promised_limit_days": 5,
        "visits_required": 1,
        "online_depth": 3,
        "window_category": "livelihood",
        "contact_phone": "0717-110",
        "hall_address": "宜昌市政务服务中心",
        "hall_hours": "工作日",
    }
    data = _append(_exported(), SHEET_IMPLEMENTATIONS, row)
    data = _append(data, SHEET_MATERIALS, {"code": code, "key": "id_card", "name": "身份证"})
    actor = UserFactory()

    report = catalogue_import(data=data, actor=actor)

    assert (report.created, report.matters_created) == ([code], ["000103000000"])
    matter = Matter.objects.get(basic_code="000103000000")
    assert (matter.name, matter.matter_type, matter.audience) == (
        "户口迁移",
        "confirmation",
        "person",
    )
    draft = ImplementationVersion.objects.get(implementation__code=code)
    assert (draft.number, draft.status, draft.name) == (
        1,
        VersionStatus.DRAFT,
        "户口迁入",
    )
    assert (draft.online_depth, draft.complaint_phone, draft.supports_appointment) == (
        OnlineDepth.PRE_CHECK,
        "12345",
        False,
    )
    assert [(m.key, m.original_count) for m in draft.materials.all()] == [("id_card", 0)]
    assert list(
        AuditEvent.objects.filter(actor=actor).order_by("id").values_list("action", flat=True)
    ) == [
        "matters.matter_create",
        "matters.implementation_create",
        "matters.version_materials_set",
    ]


# --- refusals: nothing is written --------------------------------------------------------


def _new_row(published, **changes) -> dict:
    version, _other = published
    department = DepartmentFactory(
        region=version.implementation.region, sector=version.implementation.matter.sector
    )
    row = {
        "basic_code": version.implementation.matter.basic_code,
        "matter_name": version.implementation.matter.name,
        "matter_type": "licensing",
        "sector": version.implementation.matter.sector,
        "audience": "both",
        "region": version.implementation.region.code,
        "department": department.credit_code,
        "name": "新实施",
        "legal_basis": "法",
        "conditions": "条件",
        "handling_kind": "promised",
        "statutory_limit_days": 10,
        "promised_limit_days": 5,
        "visits_required": 1,
        "online_depth": 3,
        "window_category": "livelihood",
        "contact_phone": "0717-1",
        "hall_address": "中心",
        "hall_hours": "工作日",
    }
    return row | changes


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        (
            {"promised_limit_days": 11},
            "promised time limit (working days)",
            "The promised time limit cannot be longer than the statutory one.",
        ),
        (
            {"online_depth": 4, "visits_required": 1},
            "visits to the hall",
            "A fully online (level IV) service cannot require a visit to the hall.",
        ),
        (
            {"handling_kind": "immediate", "promised_limit_days": 1},
            "promised time limit (working days)",
            "An immediate matter is decided the same day: its promised limit is 0 days.",
        ),
        (
            {"basic_code": "00010X", "matter_name": "新事项"},
            "basic code",
            "A basic code has 12 digits or capital letters.",
        ),
        (
            {"suffix": "1-0"},
            "handling-item suffix",
            "The handling-item suffix looks like 1-00: a digit, a hyphen and two digits.",
        ),
        (
            {"code": "000100000000-4205-000-X-1-00"},
            "implementation code",
            "An implementation code is the basic code, the region code, 000, the department's "
            "credit code and the suffix, joined by hyphens, such as "
            "000102001000-420500000000-000-11420500MB0000006G-1-00.",
        ),
        (
            {"department": "11420500MB0000099X"},
            "implementing department (unified social credit code)",
            "No organisation has the unified social credit code 11420500MB0000099X.",
        ),
        ({"region": "429999000000"}, "region code", "No region has the code 429999000000."),
        (
            {"statutory_limit_days": "ten"},
            "statutory time limit (working days)",
            "Enter a whole number.",
        ),
        ({"supports_appointment": "maybe"}, "appointments possible", "Enter Yes or No."),
        (
            {"matter_name": "别的名字"},
            "matter name",
            "The catalogue's matter {basic_code} has “{matter_name}” here. Matters are changed "
            "in the admin site, not by import.",
        ),
        ({"legal_basis": None}, "legal basis", "This field cannot be blank."),
    ],
)
def test_a_bad_row_is_reported_at_its_sheet_row_and_column_and_nothing_is_written(
    published, changes, column, message
):
    matter = published[0].implementation.matter
    data = _append(_exported(), SHEET_IMPLEMENTATIONS, _new_row(published, **changes))
    before = _state()

    errors = _rejected(data)

    message = message.format(basic_code=matter.basic_code, matter_name=matter.name)
    assert [(e.sheet, e.row, e.column, e.message) for e in errors] == [
        (SHEET_IMPLEMENTATIONS, 4, column, message)
    ]
    assert _state() == before


def test_a_material_key_twice_for_one_implementation_is_refused_on_the_second_row(published):
    version, _other = published
    data = _append(
        _exported(),
        SHEET_MATERIALS,
        {"code": version.implementation.code, "key": "id_card", "name": "身份证复印件"},
    )
    before = _state()

    errors = _rejected(data)

    assert [(e.sheet, e.row, e.column, e.cell, e.message) for e in errors] == [
        (
            SHEET_MATERIALS,
            4,
            "key",
            "B4",
            "The key id_card is already used for this implementation on row 2.",
        )
    ]
    assert _state() == before


@pytest.mark.parametrize(
    ("sheet", "values", "column", "message"),
    [
        (
            SHEET_MATERIALS,
            {
                "code": "000109999999-420500000000-000-11420500MB0000006G-1-00",
                "key": "x",
                "name": "x",
            },
            "implementation code",
            "This implementation code is not on the sheet 实施清单.",
        ),
        (
            SHEET_MATERIALS,
            {"key": "ID-card", "name": "身份证"},
            "key",
            "A key starts with a lowercase letter and has only lowercase letters, digits and _.",
        ),
        (
            SHEET_MATERIALS,
            {"key": "licence2", "name": "执照", "source": "certificate"},
            "certificate type code",
            "Name the certificate type this material comes from.",
        ),
        (
            SHEET_FEES,
            {"name": "费", "amount": -1, "basis": "文"},
            "amount (yuan)",
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            SHEET_FEES,
            {"name": "费", "amount": "十元", "basis": "文"},
            "amount (yuan)",
            "Enter an amount in yuan, such as 12.50.",
        ),
    ],
)
def test_a_bad_material_or_fee_row_is_refused(published, sheet, values, column, message):
    version, _other = published
    data = _exported()
    row = len(_rows(data, sheet)) + 1
    data = _append(data, sheet, {"code": version.implementation.code} | values)
    before = _state()

    errors = _rejected(data)

    assert [(e.sheet, e.row, e.column, e.message) for e in errors] == [
        (sheet, row, column, message)
    ]
    assert _state() == before


def test_every_error_of_the_file_is_listed_in_sheet_row_and_column_order(published):
    version, other = published
    data = _exported()
    mine, theirs = (_row_of(data, v.implementation.code) for v in (version, other))
    data = _edit(
        data,
        (SHEET_FEES, 2, "amount", "x"),
        (SHEET_IMPLEMENTATIONS, theirs, "promised_limit_days", 30),
        (SHEET_IMPLEMENTATIONS, mine, "visits_required", 5),
        (SHEET_IMPLEMENTATIONS, mine, "statutory_limit_days", 1),
    )
    before = _state()

    errors = _rejected(data)

    promised_over = "The promised time limit cannot be longer than the statutory one."
    expected = {
        mine: [
            ("P", promised_over),
            ("Q", "Ensure this value is less than or equal to 2."),
            ("Q", "A fully online (level IV) service cannot require a visit to the hall."),
        ],
        theirs: [
            ("P", promised_over),
            ("P", "An immediate matter is decided the same day: its promised limit is 0 days."),
        ],
    }
    assert [(e.sheet, e.row, e.column_letter, e.message) for e in errors] == [
        *[
            (SHEET_IMPLEMENTATIONS, row, *error)
            for row in sorted(expected)
            for error in expected[row]
        ],
        (SHEET_FEES, 2, "C", "Enter an amount in yuan, such as 12.50."),
    ]
    assert _state() == before


def test_the_same_implementation_twice_is_refused_on_the_second_row(published):
    data = _exported()
    first = _rows(data, SHEET_IMPLEMENTATIONS)[1]
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook[SHEET_IMPLEMENTATIONS].append(first)
    out = io.BytesIO()
    workbook.save(out)

    errors = _rejected(out.getvalue())

    assert [(e.row, e.column, e.message) for e in errors] == [
        (4, "implementation code", "This implementation is already on row 2.")
    ]


def test_a_code_that_does_not_match_its_parts_is_refused(published):
    version, _other = published
    data = _exported()
    data = _edit(
        data,
        (
            SHEET_IMPLEMENTATIONS,
            _row_of(data, version.implementation.code),
            "suffix",
            "2-00",
        ),
    )

    errors = _rejected(data)

    expected = version.implementation.code[:-4] + "2-00"
    assert [(e.column, e.message) for e in errors] == [
        (
            "implementation code",
            "This code does not match the row's basic code, region, department and suffix, "
            f"which give {expected}.",
        )
    ]


def test_an_enterprise_cannot_implement_a_matter(published):
    enterprise = EnterpriseFactory()
    data = _append(
        _exported(), SHEET_IMPLEMENTATIONS, _new_row(published, department=enterprise.credit_code)
    )

    errors = _rejected(data)

    assert [(e.column, e.message) for e in errors] == [
        (
            "implementing department (unified social credit code)",
            f"{enterprise.name} is not a government department.",
        )
    ]


def test_a_column_moved_or_renamed_refuses_the_whole_file(published):
    data = _exported()
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook[SHEET_IMPLEMENTATIONS]
    sheet.cell(row=1, column=15).value, sheet.cell(row=1, column=16).value = (
        sheet.cell(row=1, column=16).value,
        sheet.cell(row=1, column=15).value,
    )
    del workbook[SHEET_FEES]
    out = io.BytesIO()
    workbook.save(out)
    before = _state()

    errors = _rejected(out.getvalue())

    assert [(e.sheet, e.row, e.cell, e.message) for e in errors] == [
        (
            SHEET_IMPLEMENTATIONS,
            1,
            "O1",
            "The title of this column should be “statutory time limit (working days)”, not "
            "“promised time limit (working days)”.",
        ),
        (
            SHEET_IMPLEMENTATIONS,
            1,
            "P1",
            "The title of this column should be “promised time limit (working days)”, not "
            "“statutory time limit (working days)”.",
        ),
        (SHEET_FEES, None, "", "The workbook has no sheet named 收费项目."),
    ]
    assert _state() == before


@pytest.mark.parametrize(
    "data",
    [
        b"implementation code,basic code\n000100000000-...,000100000000\n",
        b"",
        b"PK\x03\x04 truncated zip",
    ],
    ids=["csv", "empty", "broken zip"],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused_clearly(published, data):
    before = _state()

    with pytest.raises(SpreadsheetUnreadable) as refused:
        catalogue_import(data=data, actor=UserFactory())

    assert str(refused.value.message) == (
        "This file could not be read as an Excel workbook (.xlsx). Save it from your "
        "spreadsheet program as an Excel workbook and upload it again."
    )
    assert refused.value.field == "file"
    assert _state() == before


def test_a_zip_that_is_not_a_workbook_is_refused_clearly():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")

    with pytest.raises(SpreadsheetUnreadable):
        catalogue_import(data=out.getvalue(), actor=UserFactory())


def test_a_draft_made_in_the_admin_is_left_alone_by_importing_the_published_catalogue(published):
    version, _other = published
    data = _exported()
    draft = VersionFactory(
        implementation=version.implementation,
        number=2,
        status=VersionStatus.DRAFT,
        published_at=None,
        name="草稿中的新名称",
    )
    before = _state()

    report = catalogue_import(data=data, actor=UserFactory())

    assert _state() == before
    assert report.changed == []
    draft.refresh_from_db()
    assert (draft.status, draft.name) == (VersionStatus.DRAFT, "草稿中的新名称")


def test_two_rows_of_one_new_matter_create_it_once(published):
    version, _other = published
    region = version.implementation.region
    first, second = (
        DepartmentFactory(region=region, sector=Sector.CIVIL_AFFAIRS) for _ in range(2)
    )
    new_matter = {
        "basic_code": "000104000000",
        "matter_name": "婚姻登记",
        "matter_type": "confirmation",
        "sector": "civil_affairs",
        "audience": "person",
    }
    data = _exported()
    for department in (first, second):
        data = _append(
            data,
            SHEET_IMPLEMENTATIONS,
            _new_row(published, **new_matter, department=department.credit_code),
        )

    report = catalogue_import(data=data, actor=UserFactory())

    assert report.matters_created == ["000104000000"]
    assert Implementation.objects.filter(matter__basic_code="000104000000").count() == 2


def test_two_rows_that_disagree_about_a_new_matter_are_refused(published):
    version, _other = published
    first, second = (
        DepartmentFactory(region=version.implementation.region, sector=Sector.CIVIL_AFFAIRS)
        for _ in range(2)
    )
    new_matter = {
        "basic_code": "000104000000",
        "matter_name": "婚姻登记",
        "matter_type": "confirmation",
        "sector": "civil_affairs",
        "audience": "person",
    }
    data = _append(
        _exported(),
        SHEET_IMPLEMENTATIONS,
        _new_row(published, **new_matter, department=first.credit_code),
    )
    data = _append(
        data,
        SHEET_IMPLEMENTATIONS,
        _new_row(
            published,
            **new_matter | {"matter_name": "结婚登记"},
            department=second.credit_code,
        ),
    )
    before = _state()

    errors = _rejected(data)

    assert [(e.row, e.column, e.message) for e in errors] == [
        (5, "matter name", "Row 4 gives the same matter a different value.")
    ]
    assert _state() == before
