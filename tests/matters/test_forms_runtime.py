"""Answers to an application form checked against the questions of a version
(matters.forms_runtime): the rules, and the browser form that delegates to them."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from matters.constants import FieldType
from matters.forms_runtime import build_django_form, clean_form_data
from tests.factories.matters import FormFieldFactory, VersionFactory

NOT_TEXT = "This answer must be text."
CONTROL = "This answer contains invisible control characters; please type it again without them."
NUMBER = "Enter a number, such as 12 or 3.5."
DATE_FORMAT = "Enter a date as year-month-day, such as 2025-03-01."
DATE_UNREAL = "This date does not exist; please check the day and the month."
CHOICE = "Choose one of the options given."
PHONE = (
    "Enter a mobile number such as 13812345678 or a landline number with its area code "
    "such as 0717-1234567."
)
REQUIRED = "This question must be answered."
UNKNOWN = "This question is not part of the form."
FILE = "Upload files as materials, not in the form."
PATTERN = "This answer is not in the expected format."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def question(key: str = "answer", field_type: str = FieldType.TEXT, **kwargs):
    return FormFieldFactory.build(key=key, field_type=field_type, **kwargs)


def check(form_field, value, *, complete: bool = False):
    return clean_form_data(fields=[form_field], data={form_field.key: value}, complete=complete)


# --- text and address ---------------------------------------------------------------------


def test_text_is_stripped_and_kept_as_typed_html_included():
    name = question("name")

    cleaned, errors = check(name, "  <b>张三</b><script>alert(1)</script>  ")

    assert cleaned == {"name": "<b>张三</b><script>alert(1)</script>"}
    assert errors == {}


def test_text_keeps_newlines_and_tabs_and_turns_windows_line_ends_into_newlines():
    note = question("note")

    cleaned, errors = check(note, "第一行\r\n第二行\r第三行\tend")

    assert cleaned == {"note": "第一行\n第二行\n第三行\tend"}
    assert errors == {}


@pytest.mark.parametrize("value", [["张三"], {"name": "张三"}, True, False, 12, 1.5])
def test_a_value_of_the_wrong_json_type_for_text_is_refused(value):
    name = question("name")

    cleaned, errors = check(name, value)

    assert cleaned == {}
    assert errors == {"name": [NOT_TEXT]}


@pytest.mark.parametrize(
    "value", ["a\x00b", "\x00", "bell\x07", "\x1b[31mred", "del\x7f", "next\x85line", "\ud800"]
)
def test_control_characters_are_refused(value):
    name = question("name")

    cleaned, errors = check(name, value)

    assert cleaned == {}
    assert errors == {"name": [CONTROL]}


def test_control_characters_are_refused_in_every_type():
    phone = question("phone", FieldType.PHONE)

    cleaned, errors = check(phone, "138\x001234\x005678")

    assert cleaned == {}
    assert errors == {"phone": [CONTROL]}


def test_a_10000_character_text_is_refused_by_the_default_limit_of_500():
    note = question("note")

    cleaned, errors = check(note, "字" * 10_000)

    assert cleaned == {}
    assert errors == {"note": ["Keep this answer to 500 characters or fewer (it has 10000)."]}


def test_text_of_exactly_the_default_limit_is_accepted():
    note = question("note")

    cleaned, errors = check(note, "字" * 500)

    assert cleaned == {"note": "字" * 500}
    assert errors == {}


def test_the_question_s_own_maximum_length_wins_over_the_default():
    name = question("name", max_length=4)

    cleaned, errors = check(name, "欧阳小明")
    too_long, too_long_errors = check(name, "欧阳小明明")

    assert (cleaned, errors) == ({"name": "欧阳小明"}, {})
    assert too_long == {}
    assert too_long_errors == {"name": ["Keep this answer to 4 characters or fewer (it has 5)."]}


def test_the_limit_is_counted_after_stripping():
    name = question("name", max_length=2)

    cleaned, errors = check(name, "   张三   ")

    assert cleaned == {"name": "张三"}
    assert errors == {}


def test_an_address_has_a_default_limit_of_200():
    address = question("address", FieldType.ADDRESS)

    accepted, accepted_errors = check(address, "湖北省宜昌市" + "路" * 194)
    cleaned, errors = check(address, "路" * 201)

    assert accepted_errors == {}
    assert len(accepted["address"]) == 200
    assert cleaned == {}
    assert errors == {"address": ["Keep this answer to 200 characters or fewer (it has 201)."]}


def test_an_address_keeps_its_line_breaks():
    address = question("address", FieldType.ADDRESS)

    cleaned, errors = check(address, "湖北省宜昌市\r\n西陵区沿江大道1号")

    assert cleaned == {"address": "湖北省宜昌市\n西陵区沿江大道1号"}
    assert errors == {}


@pytest.mark.parametrize(("value", "expected"), [("A1234", "A1234"), (" B0001 ", "B0001")])
def test_an_answer_matching_the_pattern_is_accepted(value, expected):
    plate = question("licence", pattern=r"[A-Z][0-9]{4}")

    cleaned, errors = check(plate, value)

    assert cleaned == {"licence": expected}
    assert errors == {}


@pytest.mark.parametrize("value", ["a1234", "A12345", "xA1234", "A123"])
def test_the_pattern_must_match_the_whole_answer(value):
    plate = question("licence", pattern=r"[A-Z][0-9]{4}")

    cleaned, errors = check(plate, value)

    assert cleaned == {}
    assert errors == {"licence": [PATTERN]}


def test_the_pattern_is_checked_against_the_normalised_answer_of_other_types():
    hubei_id = question("id_number", FieldType.ID_NUMBER, pattern=r"42\d{15}[\dX]")

    cleaned, errors = check(hubei_id, "11010519491231002X")

    assert cleaned == {}
    assert errors == {"id_number": [PATTERN]}


def test_an_invalid_pattern_that_slipped_into_the_catalogue_is_ignored():
    name = question("name", pattern="[unclosed")

    cleaned, errors = check(name, "张三")

    assert cleaned == {"name": "张三"}
    assert errors == {}


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, "12"),
        (0, "0"),
        (-3, "-3"),
        (2.5, "2.5"),
        (1e20, "100000000000000000000"),
        (Decimal("1.10"), "1.1"),
        ("12", "12"),
        (" 007 ", "7"),
        ("3.50", "3.5"),
        ("3.00", "3"),
        ("+4", "4"),
        ("-0.0", "0"),
        ("-0.250", "-0.25"),
        ("１２.５", "12.5"),
        ("1 000", "1000"),
    ],
)
def test_numbers_are_stored_as_normalised_decimal_text(value, expected):
    area = question("area", FieldType.NUMBER)

    cleaned, errors = check(area, value)

    assert cleaned == {"area": expected}
    assert errors == {}


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "12a",
        "1e5",
        "NaN",
        "Infinity",
        "1,000",
        ".5",
        "5.",
        "--1",
        "١٢",
        True,
        False,
        [1],
        {"value": 1},
        float("nan"),
        float("inf"),
        Decimal("NaN"),
    ],
)
def test_what_is_not_a_number_is_refused(value):
    area = question("area", FieldType.NUMBER)

    cleaned, errors = check(area, value)

    assert cleaned == {}
    assert errors == {"area": [NUMBER]}


def test_a_number_longer_than_32_characters_is_refused():
    area = question("area", FieldType.NUMBER)

    cleaned, errors = check(area, "1" * 33)

    assert cleaned == {}
    assert errors == {"area": ["Keep this answer to 32 characters or fewer (it has 33)."]}


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-01", "2025-03-01"),
        (" 2024-02-29 ", "2024-02-29"),
        ("２０２５－０３－０１", "2025-03-01"),
        (date(2025, 12, 31), "2025-12-31"),
    ],
)
def test_dates_are_stored_in_iso_form(value, expected):
    born = question("born", FieldType.DATE)

    cleaned, errors = check(born, value)

    assert cleaned == {"born": expected}
    assert errors == {}


@pytest.mark.parametrize(
    "value",
    [
        "2025/03/01",
        "20250301",
        "01-03-2025",
        "2025-3-1",
        "2025-03-01T10:00",
        "明天",
        20250301,
        True,
        ["2025-03-01"],
        datetime(2025, 3, 1, 10, 0),
    ],
)
def test_a_date_not_written_as_year_month_day_is_refused(value):
    born = question("born", FieldType.DATE)

    cleaned, errors = check(born, value)

    assert cleaned == {}
    assert errors == {"born": [DATE_FORMAT]}


@pytest.mark.parametrize("value", ["2025-02-29", "2025-13-01", "2025-04-31", "2025-00-10"])
def test_a_date_that_does_not_exist_is_refused(value):
    born = question("born", FieldType.DATE)

    cleaned, errors = check(born, value)

    assert cleaned == {}
    assert errors == {"born": [DATE_UNREAL]}


# --- choices ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["个体工商户", "  有限责任公司 "])
def test_one_of_the_options_is_accepted(value):
    kind = question("kind", FieldType.CHOICE, choices=["个体工商户", "有限责任公司"])

    cleaned, errors = check(kind, value)

    assert cleaned == {"kind": value.strip()}
    assert errors == {}


@pytest.mark.parametrize("value", ["合伙企业", "个体", 1, True, ["个体工商户"], {"a": 1}])
def test_anything_but_one_of_the_options_is_refused(value):
    kind = question("kind", FieldType.CHOICE, choices=["个体工商户", "有限责任公司"])

    cleaned, errors = check(kind, value)

    assert cleaned == {}
    assert errors == {"kind": [CHOICE]}


# --- identifiers and phones ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11010519491231002x", "11010519491231002X"),
        (" 420502199003071234 ", "420502199003071234"),
        ("４２０５０２１９９００３０７１２３４", "420502199003071234"),
    ],
)
def test_id_numbers_are_normalised(value, expected):
    id_number = question("id_number", FieldType.ID_NUMBER)

    cleaned, errors = check(id_number, value)

    assert cleaned == {"id_number": expected}
    assert errors == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "4205021990030712",
            "A citizen ID number has 18 characters: 17 digits and a final digit or X.",
        ),
        (
            "420502199003071235",
            "The check digit of this ID number is wrong; please check the number.",
        ),
        ("420502199002301234", "The birth date in this ID number is not a real date."),
        (420502199003071234, NOT_TEXT),
    ],
)
def test_invalid_id_numbers_give_the_validator_s_reason(value, message):
    id_number = question("id_number", FieldType.ID_NUMBER)

    cleaned, errors = check(id_number, value)

    assert cleaned == {}
    assert errors == {"id_number": [message]}


def test_credit_codes_are_normalised_to_capitals():
    credit_code = question("credit_code", FieldType.CREDIT_CODE)

    cleaned, errors = check(credit_code, " 91420500ma49abcded ")

    assert cleaned == {"credit_code": "91420500MA49ABCDED"}
    assert errors == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "91420500MA49ABCDEO",
            "A unified social credit code has 18 digits or capital letters "
            "(the letters I, O, Z, S and V are never used).",
        ),
        (
            "91420500MA49ABCDEA",
            "The check character of this credit code is wrong; please check the code.",
        ),
        (["91420500MA49ABCDED"], NOT_TEXT),
    ],
)
def test_invalid_credit_codes_give_the_validator_s_reason(value, message):
    credit_code = question("credit_code", FieldType.CREDIT_CODE)

    cleaned, errors = check(credit_code, value)

    assert cleaned == {}
    assert errors == {"credit_code": [message]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("138 1234 5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0717-1234567", "0717-1234567"),
        ("07171234567", "07171234567"),
        ("010-12345678", "010-12345678"),
        ("0717－6888888", "0717-6888888"),
    ],
)
def test_mobile_and_landline_numbers_are_accepted(value, expected):
    phone = question("phone", FieldType.PHONE)

    cleaned, errors = check(phone, value)

    assert cleaned == {"phone": expected}
    assert errors == {}


@pytest.mark.parametrize(
    "value",
    [
        "12812345678",
        "1381234567",
        "138123456789",
        "717-1234567",
        "0717-123456",
        "0717-123456789",
        "07-1234567",
        "0717--1234567",
        "+8613812345678",
        "tel:13812345678",
    ],
)
def test_other_phone_numbers_are_refused(value):
    phone = question("phone", FieldType.PHONE)

    cleaned, errors = check(phone, value)

    assert cleaned == {}
    assert errors == {"phone": [PHONE]}


def test_a_phone_number_sent_as_a_json_number_is_refused():
    phone = question("phone", FieldType.PHONE)

    cleaned, errors = check(phone, 13812345678)

    assert cleaned == {}
    assert errors == {"phone": [NOT_TEXT]}


# --- files, unknown questions, empty answers ----------------------------------------------


@pytest.mark.parametrize("value", ["licence.pdf", {"name": "licence.pdf"}, ["a.pdf"], 1])
def test_files_are_not_answered_in_the_form(value):
    licence = question("licence", FieldType.FILE)

    cleaned, errors = check(licence, value)

    assert cleaned == {}
    assert errors == {"licence": [FILE]}


def test_a_required_file_question_is_not_asked_for_in_the_form():
    licence = question("licence", FieldType.FILE, required=True)

    cleaned, errors = clean_form_data(fields=[licence], data={}, complete=True)

    assert cleaned == {}
    assert errors == {}


def test_a_question_that_is_not_part_of_the_form_is_refused():
    name = question("name")

    cleaned, errors = clean_form_data(
        fields=[name], data={"name": "张三", "salary": "1000000"}, complete=False
    )

    assert cleaned == {"name": "张三"}
    assert errors == {"salary": [UNKNOWN]}


@pytest.mark.parametrize(
    ("field_type", "extra"),
    [
        (FieldType.TEXT, {}),
        (FieldType.ADDRESS, {}),
        (FieldType.NUMBER, {}),
        (FieldType.DATE, {}),
        (FieldType.CHOICE, {"choices": ["是", "否"]}),
        (FieldType.ID_NUMBER, {}),
        (FieldType.CREDIT_CODE, {}),
        (FieldType.PHONE, {}),
    ],
)
@pytest.mark.parametrize("empty", ["", None, "   ", "\n\t"])
def test_empty_answers_count_as_unanswered(field_type, extra, empty):
    optional = question("optional", field_type, required=False, **extra)
    required = question("required", field_type, required=True, **extra)
    data = {"optional": empty, "required": empty}

    draft = clean_form_data(fields=[optional, required], data=data, complete=False)
    submitted = clean_form_data(fields=[optional, required], data=data, complete=True)

    assert draft == ({}, {})
    assert submitted == ({}, {"required": [REQUIRED]})


# --- drafts and submissions ---------------------------------------------------------------


def application_questions():
    return [
        question("name", order=1),
        question("id_number", FieldType.ID_NUMBER, order=2),
        question("born", FieldType.DATE, order=3),
        question("phone", FieldType.PHONE, order=4),
        question("note", order=5, required=False),
    ]


def test_a_draft_keeps_every_valid_answer_and_reports_the_invalid_ones():
    fields = application_questions()

    cleaned, errors = clean_form_data(
        fields=fields,
        data={"name": " 张三 ", "id_number": "420502199003071235", "born": "2025-02-29"},
        complete=False,
    )

    assert cleaned == {"name": "张三"}
    assert errors == {
        "id_number": ["The check digit of this ID number is wrong; please check the number."],
        "born": [DATE_UNREAL],
    }


def test_a_draft_may_leave_required_questions_unanswered():
    fields = application_questions()

    cleaned, errors = clean_form_data(fields=fields, data={}, complete=False)

    assert cleaned == {}
    assert errors == {}


def test_a_submission_must_answer_every_required_question():
    fields = application_questions()

    cleaned, errors = clean_form_data(
        fields=fields, data={"name": "张三", "phone": ""}, complete=True
    )

    assert cleaned == {"name": "张三"}
    assert errors == {"id_number": [REQUIRED], "born": [REQUIRED], "phone": [REQUIRED]}


def test_a_complete_submission_is_cleaned_whole():
    fields = application_questions()

    cleaned, errors = clean_form_data(
        fields=fields,
        data={
            "name": "张三",
            "id_number": "11010519491231002x",
            "born": "1949-12-31",
            "phone": "0717-1234567",
            "note": "",
        },
        complete=True,
    )

    assert cleaned == {
        "name": "张三",
        "id_number": "11010519491231002X",
        "born": "1949-12-31",
        "phone": "0717-1234567",
    }
    assert errors == {}


def test_invalid_answers_are_reported_in_a_submission_too():
    fields = application_questions()

    cleaned, errors = clean_form_data(
        fields=fields,
        data={"name": "张三", "id_number": "11010519491231002X", "born": "x", "phone": "1"},
        complete=True,
    )

    assert cleaned == {"name": "张三", "id_number": "11010519491231002X"}
    assert errors == {"born": [DATE_FORMAT], "phone": [PHONE]}


def test_errors_and_answers_follow_the_order_of_the_questions():
    fields = [
        question("third", order=3),
        question("first", order=1),
        question("second", order=2),
    ]

    cleaned, errors = clean_form_data(
        fields=fields, data={"third": "c", "second": "b", "first": "a"}, complete=True
    )
    _, missing = clean_form_data(fields=fields, data={}, complete=True)

    assert list(cleaned) == ["first", "second", "third"]
    assert list(missing) == ["first", "second", "third"]
    assert errors == {}


def test_the_input_is_not_modified():
    fields = application_questions()
    data = {"name": " 张三 ", "id_number": "11010519491231002x", "extra": 1}

    clean_form_data(fields=fields, data=data, complete=True)

    assert data == {"name": " 张三 ", "id_number": "11010519491231002x", "extra": 1}


# --- the browser form ---------------------------------------------------------------------


def browser_questions():
    return [
        question("kind", FieldType.CHOICE, order=3, choices=["个体工商户", "有限责任公司"]),
        question("name", order=1, label="姓名", help_text="与身份证一致。"),
        question("address", FieldType.ADDRESS, order=4, required=False),
        question("id_number", FieldType.ID_NUMBER, order=2),
        question("licence", FieldType.FILE, order=5),
        question("born", FieldType.DATE, order=6),
        question("employees", FieldType.NUMBER, order=7),
        question("phone", FieldType.PHONE, order=8),
        question("credit_code", FieldType.CREDIT_CODE, order=9, required=False),
    ]


def test_the_browser_form_asks_the_questions_in_order_without_file_questions():
    form = build_django_form(fields=browser_questions())

    assert list(form.fields) == [
        "name",
        "id_number",
        "kind",
        "address",
        "born",
        "employees",
        "phone",
        "credit_code",
    ]
    assert form["name"].label == "姓名"
    assert form["name"].help_text == "与身份证一致。"
    assert form.is_bound is False


def test_the_browser_form_uses_a_widget_fitting_each_type():
    form = build_django_form(fields=browser_questions())

    assert str(form["name"]) == (
        '<input type="text" name="name" maxlength="500" aria-describedby="id_name_helptext"'
        ' id="id_name">'
    )
    assert str(form["address"]) == (
        '<textarea name="address" cols="40" rows="2" maxlength="200" autocomplete="off"'
        ' id="id_address">\n</textarea>'
    )
    assert str(form["employees"]) == (
        '<input type="number" name="employees" step="any" id="id_employees">'
    )
    assert str(form["born"]) == '<input type="date" name="born" id="id_born">'
    assert str(form["id_number"]) == (
        '<input type="text" name="id_number" inputmode="text" autocomplete="off"'
        ' spellcheck="false" id="id_id_number">'
    )
    assert str(form["phone"]) == (
        '<input type="text" name="phone" inputmode="tel" autocomplete="tel" id="id_phone">'
    )
    assert str(form["kind"]) == (
        '<select name="kind" id="id_kind">\n'
        '  <option value="" selected>Choose an answer</option>\n\n'
        '  <option value="个体工商户">个体工商户</option>\n\n'
        '  <option value="有限责任公司">有限责任公司</option>\n\n'
        "</select>"
    )


def test_required_questions_are_marked_only_for_a_submission():
    draft = build_django_form(fields=browser_questions(), complete=False)
    submission = build_django_form(fields=browser_questions(), complete=True)

    assert [name for name, field in draft.fields.items() if field.required] == []
    assert [name for name, field in submission.fields.items() if field.required] == [
        "name",
        "id_number",
        "kind",
        "born",
        "employees",
        "phone",
    ]
    assert "required" not in str(submission["name"])


def test_the_browser_form_shows_saved_answers():
    form = build_django_form(
        fields=browser_questions(),
        initial={"name": "张三", "born": "1990-03-07", "kind": "有限责任公司"},
    )

    assert 'value="张三"' in str(form["name"])
    assert 'value="1990-03-07"' in str(form["born"])
    assert '<option value="有限责任公司" selected>' in str(form["kind"])


def test_the_browser_form_cleans_with_the_same_rules():
    form = build_django_form(
        fields=browser_questions(),
        data={
            "name": " 张三 ",
            "id_number": "11010519491231002x",
            "kind": "个体工商户",
            "address": "",
            "born": "1949-12-31",
            "employees": "007",
            "phone": "0717-1234567",
            "credit_code": "",
            "csrfmiddlewaretoken": "token",
            "action": "submit",
        },
        complete=True,
    )

    assert form.is_valid() is True
    assert form.cleaned_data == {
        "name": "张三",
        "id_number": "11010519491231002X",
        "kind": "个体工商户",
        "born": "1949-12-31",
        "employees": "7",
        "phone": "0717-1234567",
    }


def test_the_browser_form_puts_each_error_on_its_question_and_keeps_what_was_typed():
    form = build_django_form(
        fields=browser_questions(),
        data={"name": "张三", "id_number": "420502199003071235", "kind": "合伙企业", "born": ""},
        complete=True,
    )

    assert form.is_valid() is False
    assert form.errors == {
        "id_number": ["The check digit of this ID number is wrong; please check the number."],
        "kind": [CHOICE],
        "born": [REQUIRED],
        "employees": [REQUIRED],
        "phone": [REQUIRED],
    }
    assert form.non_field_errors() == []
    assert form.cleaned_data == {"name": "张三"}
    assert 'value="420502199003071235"' in str(form["id_number"])
    assert 'aria-invalid="true"' in str(form["id_number"])


def test_a_draft_in_the_browser_keeps_valid_answers_and_reports_invalid_ones():
    form = build_django_form(
        fields=browser_questions(),
        data={"name": "张三", "phone": "12345"},
        complete=False,
    )

    assert form.is_valid() is False
    assert form.errors == {"phone": [PHONE]}
    assert form.cleaned_data == {"name": "张三"}


def test_the_page_shows_the_errors_beside_their_questions():
    form = build_django_form(
        fields=browser_questions(), data={"name": "张三", "born": "2025-02-29"}, complete=False
    )
    form.is_valid()

    html = render_to_string("includes/form.html", {"form": form})

    assert (
        '<ul class="field-errors" id="id_born_error"><li><span class="visually-hidden">'
        f"Error:</span> {DATE_UNREAL}</li></ul>"
    ) in html
    assert html.count('class="field-errors"') == 1
    assert 'value="2025-02-29"' in html


# --- with the database --------------------------------------------------------------------


@pytest.mark.django_db
def test_fields_loaded_from_a_version_are_checked_without_queries(django_assert_num_queries):
    version = VersionFactory()
    FormFieldFactory(version=version, key="phone", field_type=FieldType.PHONE, order=2)
    FormFieldFactory(version=version, key="name", field_type=FieldType.TEXT, order=1)
    fields = list(version.form_fields.all())

    with django_assert_num_queries(0):
        cleaned, errors = clean_form_data(
            fields=fields, data={"name": "张三", "phone": "13812345678"}, complete=True
        )
        form = build_django_form(fields=fields, data={"name": "张三"}, complete=True)
        valid = form.is_valid()
        render_to_string("includes/form.html", {"form": form})

    assert cleaned == {"name": "张三", "phone": "13812345678"}
    assert errors == {}
    assert valid is False
    assert list(form.fields) == ["name", "phone"]
    assert form.errors == {"phone": [REQUIRED]}
