"""Application forms at run time: the answers (form_data) of an application checked against
the questions (FormField rows) of the version it is filed under.

`clean_form_data` holds every rule and is pure (it takes already-loaded fields and does no
queries), so the API and the browser form validate the same way; `build_django_form` only
renders the questions and hands the answers to it.

Cleaned answers are JSON-safe strings: numbers in a normalised decimal notation ("007.50" →
"7.5"), dates in ISO form ("2025-03-01"), ID numbers and credit codes in capitals. Answers are
stored as typed: escaping HTML is the templates' job. Digits, letters and hyphens typed in
full width by a Chinese input method (１３８…) are accepted in numbers, dates and codes.
"""

import logging
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from identity.validators import validate_credit_code, validate_id_number
from matters.constants import FieldType
from matters.models import FormField

logger = logging.getLogger(__name__)

# Limits when the question sets none (a text answer longer than this is not a form answer).
DEFAULT_MAX_LENGTH: dict[str, int] = {
    FieldType.TEXT: 500,
    FieldType.ADDRESS: 200,
    FieldType.NUMBER: 32,
}

MSG_UNKNOWN = _("This question is not part of the form.")
MSG_REQUIRED = _("This question must be answered.")
MSG_FILE = _("Upload files as materials, not in the form.")
MSG_NOT_TEXT = _("This answer must be text.")
MSG_CONTROL = _(
    "This answer contains invisible control characters; please type it again without them."
)
MSG_PATTERN = _("This answer is not in the expected format.")
MSG_NUMBER = _("Enter a number, such as 12 or 3.5.")
MSG_DATE_FORMAT = _("Enter a date as year-month-day, such as 2025-03-01.")
MSG_DATE_UNREAL = _("This date does not exist; please check the day and the month.")
MSG_CHOICE = _("Choose one of the options given.")
MSG_PHONE = _(
    "Enter a mobile number such as 13812345678 or a landline number with its area code "
    "such as 0717-1234567."
)
EMPTY_CHOICE_LABEL = _("Choose an answer")

# C0 and C1 controls except tab, newline and carriage return, DEL, and lone surrogates
# (JSON can carry "\ud800"; such a string cannot be stored).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
NUMBER_PATTERN = re.compile(r"([+-]?)([0-9]+)(?:\.([0-9]+))?")
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")
LANDLINE_PATTERN = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")


class AnswerError(Exception):
    """One answer is not acceptable; the message is shown on its question."""

    def __init__(self, message: Any) -> None:
        self.message = str(message)
        super().__init__(self.message)


def clean_form_data(
    *, fields: Sequence[FormField], data: Mapping[str, Any], complete: bool
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check the answers `data` against the questions `fields`; return (cleaned, errors).

    `cleaned` holds every answered question whose answer is valid, normalised; invalid
    answers are left out and reported in `errors` (question key → messages). Empty answers
    ("" or None, or only spaces) count as unanswered and are left out too. With
    `complete=False` (a draft, 暂存) unanswered required questions are not errors; with
    `complete=True` (submission) they are. File questions are answered by uploading
    materials, never in form data.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    ordered = sorted(fields, key=_order_key)
    known = {form_field.key for form_field in ordered}
    for form_field in ordered:
        value = data.get(form_field.key)
        try:
            answer = _clean_answer(form_field, value)
        except AnswerError as error:
            errors[form_field.key] = [error.message]
            continue
        if answer is not None:
            cleaned[form_field.key] = answer
        elif complete and form_field.required and form_field.field_type != FieldType.FILE:
            errors[form_field.key] = [str(MSG_REQUIRED)]
    for key in data:
        if key not in known:
            errors[str(key)] = [str(MSG_UNKNOWN)]
    return cleaned, errors


def _order_key(form_field: FormField) -> int:
    # A stable sort: questions with the same order keep the order they were given in.
    return form_field.order


def _clean_answer(form_field: FormField, value: Any) -> str | None:
    """The normalised answer, None when unanswered, or AnswerError."""
    if value is None:
        return None
    if isinstance(value, str):
        if CONTROL_CHARACTERS.search(value):
            raise AnswerError(MSG_CONTROL)
        if not value.strip():
            return None
    if form_field.field_type == FieldType.FILE:
        raise AnswerError(MSG_FILE)
    cleaner = CLEANERS.get(form_field.field_type, _clean_text)
    answer = cleaner(form_field, value)
    if form_field.pattern and form_field.field_type != FieldType.CHOICE:
        compiled = _compile(form_field.pattern)
        if compiled is not None and not compiled.fullmatch(answer):
            raise AnswerError(MSG_PATTERN)
    return answer


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise AnswerError(MSG_NOT_TEXT)
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _code(value: Any) -> str:
    """Identifiers typed with a Chinese input method: full-width → ASCII, spaces removed."""
    return "".join(unicodedata.normalize("NFKC", _text(value)).split())


def _max_length(form_field: FormField) -> int:
    return form_field.max_length or DEFAULT_MAX_LENGTH.get(form_field.field_type, 500)


def _check_length(form_field: FormField, answer: str) -> str:
    limit = _max_length(form_field)
    if len(answer) > limit:
        raise AnswerError(
            ngettext(
                "Keep this answer to %(limit)d character or fewer (it has %(count)d).",
                "Keep this answer to %(limit)d characters or fewer (it has %(count)d).",
                limit,
            )
            % {"limit": limit, "count": len(answer)}
        )
    return answer


def _clean_text(form_field: FormField, value: Any) -> str:
    return _check_length(form_field, _text(value))


def _clean_address(form_field: FormField, value: Any) -> str:
    return _check_length(form_field, _text(value))


def _clean_number(form_field: FormField, value: Any) -> str:
    if isinstance(value, bool):
        raise AnswerError(MSG_NUMBER)
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float | Decimal):
        decimal = Decimal(repr(value)) if isinstance(value, float) else value
        if not decimal.is_finite():
            raise AnswerError(MSG_NUMBER)
        text = format(decimal, "f")
    elif isinstance(value, str):
        text = _code(value)
    else:
        raise AnswerError(MSG_NUMBER)
    _check_length(form_field, text)
    match = NUMBER_PATTERN.fullmatch(text)
    if match is None:
        raise AnswerError(MSG_NUMBER)
    sign, whole, fraction = match.groups()
    whole = whole.lstrip("0") or "0"
    fraction = (fraction or "").rstrip("0")
    if whole == "0" and not fraction:
        return "0"
    number = f"{whole}.{fraction}" if fraction else whole
    return f"-{number}" if sign == "-" else number


def _clean_date(form_field: FormField, value: Any) -> str:
    if isinstance(value, datetime):
        raise AnswerError(MSG_DATE_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise AnswerError(MSG_DATE_FORMAT)
    text = _code(value)
    if not DATE_PATTERN.fullmatch(text):
        raise AnswerError(MSG_DATE_FORMAT)
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise AnswerError(MSG_DATE_UNREAL) from None


def _clean_choice(form_field: FormField, value: Any) -> str:
    if not isinstance(value, str):
        raise AnswerError(MSG_CHOICE)
    answer = _text(value)
    if answer not in _options(form_field):
        raise AnswerError(MSG_CHOICE)
    return answer


def _clean_id_number(form_field: FormField, value: Any) -> str:
    return _validated(validate_id_number, _code(value))


def _clean_credit_code(form_field: FormField, value: Any) -> str:
    return _validated(validate_credit_code, _code(value))


def _validated(validator: Callable[[str], str], text: str) -> str:
    try:
        return validator(text)
    except ValidationError as error:
        raise AnswerError(error.messages[0]) from None


def _clean_phone(form_field: FormField, value: Any) -> str:
    answer = _code(value)
    if MOBILE_PATTERN.fullmatch(answer) or LANDLINE_PATTERN.fullmatch(answer):
        return answer
    raise AnswerError(MSG_PHONE)


CLEANERS: dict[str, Callable[[FormField, Any], str]] = {
    FieldType.TEXT: _clean_text,
    FieldType.ADDRESS: _clean_address,
    FieldType.NUMBER: _clean_number,
    FieldType.DATE: _clean_date,
    FieldType.CHOICE: _clean_choice,
    FieldType.ID_NUMBER: _clean_id_number,
    FieldType.CREDIT_CODE: _clean_credit_code,
    FieldType.PHONE: _clean_phone,
}


def _options(form_field: FormField) -> list[str]:
    choices = form_field.choices
    if not isinstance(choices, list):
        return []
    return [choice for choice in choices if isinstance(choice, str) and choice]


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        # FormField.clean refuses such patterns; one that slipped in is ignored rather than
        # blocking every applicant.
        logger.warning("Ignoring an invalid form field pattern: %r", pattern)
        return None


# --- The browser form -------------------------------------------------------------------


class AnswerField(forms.Field):
    """Passes the submitted value through untouched: `clean_form_data` decides. `required`
    only marks the question on the page."""

    def clean(self, value: Any) -> Any:
        return value


class ApplicationForm(forms.Form):
    """The questions of an application; see `build_django_form`."""

    # A draft (暂存) may leave required questions empty: the server decides, not the browser.
    use_required_attribute = False

    def __init__(
        self, *args: Any, questions: Sequence[FormField], complete: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.complete = complete
        self.questions = [
            question
            for question in sorted(questions, key=_order_key)
            if question.field_type != FieldType.FILE
        ]
        for question in self.questions:
            self.fields[question.key] = _form_field(question, complete=complete)

    def clean(self) -> dict[str, Any]:
        data = {question.key: self.cleaned_data.get(question.key) for question in self.questions}
        cleaned, errors = clean_form_data(fields=self.questions, data=data, complete=self.complete)
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)
        self.cleaned_data = cleaned
        return cleaned


def build_django_form(
    *,
    fields: Sequence[FormField],
    data: Mapping[str, Any] | None = None,
    initial: Mapping[str, Any] | None = None,
    complete: bool = False,
) -> ApplicationForm:
    """A Django form with one field per question, in `order`, named by the question's key;
    `clean()` delegates to `clean_form_data`. File questions are left out: they are
    answered by uploading materials. Required questions are marked only when `complete`."""
    return ApplicationForm(
        data=data, initial=dict(initial or {}), questions=fields, complete=complete
    )


def _form_field(question: FormField, *, complete: bool) -> AnswerField:
    return AnswerField(
        label=question.label,
        help_text=question.help_text,
        required=complete and question.required,
        widget=_widget(question),
    )


def _widget(question: FormField) -> forms.Widget:
    kind = question.field_type
    if kind == FieldType.ADDRESS:
        return forms.Textarea(
            attrs={"rows": 2, "maxlength": _max_length(question), "autocomplete": "off"}
        )
    if kind == FieldType.NUMBER:
        return forms.NumberInput(attrs={"step": "any"})
    if kind == FieldType.DATE:
        return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    if kind == FieldType.CHOICE:
        options = _options(question)
        return forms.Select(choices=[("", EMPTY_CHOICE_LABEL), *((o, o) for o in options)])
    if kind == FieldType.ID_NUMBER:
        return forms.TextInput(
            attrs={"inputmode": "text", "autocomplete": "off", "spellcheck": "false"}
        )
    if kind == FieldType.CREDIT_CODE:
        return forms.TextInput(
            attrs={
                "inputmode": "text",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        )
    if kind == FieldType.PHONE:
        return forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
    return forms.TextInput(attrs={"maxlength": _max_length(question)})
