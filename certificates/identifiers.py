"""The national certificate identifier (证照标识, GB/T 36904) and the codes a verifier types.

    1.2.156.3005.2.{type code}.{issuer credit code}.{serial}.{3-digit version}.{check character}

What the reference leaves open is chosen here and in docs/adr/0007-certificate-signatures.md:
- type code (证照类型代码): the defining body's 18-character credit code and a 3-digit number,
  the form seen in issued identifiers (e.g. `11100000000013338W011`);
- serial (流水号): the year of issue and a 7-digit number per type, issuer and year
  (`20260000001`); a new version of a certificate keeps its serial, unless another
  department issues it (then it starts a serial of that department's);
- check character (校验位): ISO 7064 MOD 37,36 (hybrid) over the parts without the root and
  the dots — type code, credit code, serial, version — giving one of 0-9A-Z.
"""

import re
import secrets

from certificates.constants import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH, VERIFY_CODE_BYTES

ROOT = "1.2.156.3005.2"
ISO7064_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TYPE_CODE_RE = re.compile(r"^[0-9A-Z]{18}[0-9]{3}$")
IDENTIFIER_RE = re.compile(
    r"^1\.2\.156\.3005\.2\.([0-9A-Z]{18}[0-9]{3})\.([0-9A-Z]{18})\.([0-9A-Z]{1,32})"
    r"\.([0-9]{3})\.([0-9A-Z])$"
)
# What a verification code may look like before it is looked up: anything else is answered
# "unknown" without a query.
VERIFY_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")


def check_character(text: str) -> str:
    """ISO 7064 MOD 37,36 hybrid check character of an upper-case alphanumeric string."""
    modulus = 36
    product = modulus
    for char in text:
        total = (product + ISO7064_ALPHABET.index(char)) % modulus or modulus
        product = (total * 2) % (modulus + 1)
    return ISO7064_ALPHABET[(modulus + 1 - product) % modulus]


def build_identifier(*, type_code: str, issuer_code: str, serial: str, version: int) -> str:
    if not TYPE_CODE_RE.match(type_code):
        raise ValueError(f"not a certificate type code: {type_code!r}")
    if not 1 <= version <= 999:
        raise ValueError("a certificate version has three digits")
    parts = [type_code, issuer_code.upper(), serial, f"{version:03d}"]
    return ".".join([ROOT, *parts, check_character("".join(parts))])


def identifier_is_valid(identifier: str) -> bool:
    """The identifier has the national form and its check character is right."""
    match = IDENTIFIER_RE.match(identifier)
    if match is None:
        return False
    *parts, check = match.groups()
    return check_character("".join(parts)) == check


def new_verify_code() -> str:
    """The long random code of the QR code and of links (22 URL-safe characters)."""
    return secrets.token_urlsafe(VERIFY_CODE_BYTES)


def new_short_code() -> str:
    """The code printed for typing by hand: 10 characters without look-alikes."""
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def normalise_short_code(text: str) -> str | None:
    """`abcde-fghjk` or `ABCDE FGHJK` → `ABCDEFGHJK`; None when it cannot be a short code."""
    code = re.sub(r"[\s-]", "", text).upper()
    if len(code) != SHORT_CODE_LENGTH or any(c not in SHORT_CODE_ALPHABET for c in code):
        return None
    return code


def format_short_code(code: str) -> str:
    """Two groups of five, as printed: `ABCDE-FGHJK`."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
