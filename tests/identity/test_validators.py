import pytest
from django.core.exceptions import ValidationError

from identity.validators import (
    CREDIT_ALPHABET,
    mask_id_number,
    mask_phone,
    validate_credit_code,
    validate_id_number,
)

VALID_ID_NUMBERS = ["11010519491231002X", "420502199003071234", "420502195008080078"]
VALID_CREDIT_CODES = ["91350100M000100Y43", "91420500MA49ABCDED"]


def _substitute(value: str, position: int, alphabet: str) -> str:
    current = alphabet.index(value[position]) if value[position] in alphabet else 0
    return value[:position] + alphabet[(current + 1) % len(alphabet)] + value[position + 1 :]


@pytest.mark.parametrize("number", VALID_ID_NUMBERS)
def test_valid_id_numbers_are_accepted(number):
    assert validate_id_number(number) == number


def test_lowercase_x_is_normalised():
    assert validate_id_number(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize("number", VALID_ID_NUMBERS)
@pytest.mark.parametrize("position", range(18))
def test_any_single_changed_character_makes_an_id_number_invalid(number, position):
    alphabet = "0123456789X" if position == 17 else "0123456789"
    changed = _substitute(number, position, alphabet)

    with pytest.raises(ValidationError):
        validate_id_number(changed)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("4205021990030712", "id_number_format"),
        ("4205021990030712345", "id_number_format"),
        ("42050219900307123A", "id_number_format"),
        ("990502199003071234", "id_number_region"),
        ("420502199002301234", "id_number_birth"),
        ("420502189912311234", "id_number_birth"),
        ("420502209912311234", "id_number_birth"),
        ("420502199003071235", "id_number_check"),
    ],
)
def test_invalid_id_numbers_give_the_specific_reason(number, code):
    with pytest.raises(ValidationError) as raised:
        validate_id_number(number)

    assert raised.value.code == code


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_valid_credit_codes_are_accepted(code):
    assert validate_credit_code(code.lower()) == code


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
@pytest.mark.parametrize("position", range(18))
def test_any_single_changed_character_makes_a_credit_code_invalid(code, position):
    alphabet = "0123456789" if 2 <= position < 8 else CREDIT_ALPHABET
    changed = _substitute(code, position, alphabet)

    with pytest.raises(ValidationError):
        validate_credit_code(changed)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "credit_code_format"),
        ("91350100M000100I43", "credit_code_format"),  # I is never used
        ("91350100M00010OY43", "credit_code_format"),  # nor O
        ("9135A100M000100Y43", "credit_code_region"),
        ("91990100M000100Y43", "credit_code_region"),
        ("91350100M000100Y44", "credit_code_check"),
    ],
)
def test_invalid_credit_codes_give_the_specific_reason(code, reason):
    with pytest.raises(ValidationError) as raised:
        validate_credit_code(code)

    assert raised.value.code == reason


def test_masking_keeps_only_the_ends():
    assert mask_id_number("420502199003071234") == "4205**********1234"
    assert mask_phone("13800000001") == "138****0001"
