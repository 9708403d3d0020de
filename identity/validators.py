"""Validation and masking of the national identifiers (pure functions, no database).

- Citizen ID number (公民身份号码), GB 11643-1999: 6-digit address code, 8-digit birth date,
  3-digit sequence, check character by ISO 7064 MOD 11-2.
- Unified social credit code (统一社会信用代码), GB 32100-2015: registration authority and
  kind, 6-digit region code, 9-character organisation code,
  check character by MOD 31 over an alphabet without I, O, Z, S and V. The GB 11714 check of
  the embedded organisation code is not enforced: codes in circulation (and the demo data)
  do not all satisfy it, and the national check is the final character.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# Province-level codes of GB/T 2260 (the first two digits of every address code).
# fmt: off
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83", "91",
})
# fmt: on

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalize_id_number(value: str) -> str:
    return value.strip().upper()


def id_number_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> str:
    """Return the normalised ID number or raise ValidationError with a translated message."""
    number = normalize_id_number(value)
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise ValidationError(
            _("A citizen ID number has 18 characters: 17 digits and a final digit or X."),
            code="id_number_format",
        )
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("The region code at the start of this ID number is not valid."),
            code="id_number_region",
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900 or born > date.today():
        raise ValidationError(
            _("The birth date in this ID number is not a real date."), code="id_number_birth"
        )
    if id_number_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of this ID number is wrong; please check the number."),
            code="id_number_check",
        )
    return number


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """Return the normalised credit code or raise ValidationError with a translated message."""
    code = value.strip().upper()
    if len(code) != 18 or any(c not in CREDIT_ALPHABET for c in code):
        raise ValidationError(
            _(
                "A unified social credit code has 18 digits or capital letters "
                "(the letters I, O, Z, S and V are never used)."
            ),
            code="credit_code_format",
        )
    if not code[2:8].isdigit() or code[2:4] not in PROVINCE_CODES:
        raise ValidationError(
            _("Characters 3 to 8 of this credit code are not a valid region code."),
            code="credit_code_region",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of this credit code is wrong; please check the code."),
            code="credit_code_check",
        )
    return code


def mask_id_number(number: str) -> str:
    """`420502199003071234` → `4205**********1234`: enough to recognise, not to reuse."""
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}" if len(number) > 8 else "****"


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "****"
