"""The national certificate identifier and the codes a verifier types (certificates.identifiers)."""

import re

import pytest

from certificates import identifiers

pytestmark = pytest.mark.django_db


def test_the_check_character_matches_an_identifier_issued_by_a_national_platform():
    # Published as a format reference by a national building-qualification interface.
    issued = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"

    assert identifiers.identifier_is_valid(issued)
    assert (
        identifiers.check_character("11100000000013338W01111430000006122244L20230000403001") == "U"
    )


def test_an_identifier_is_built_from_its_parts_with_its_check_character():
    built = identifiers.build_identifier(
        type_code="11100000000013338W001",
        issuer_code="11420500MB0000006G",
        serial="20260000017",
        version=2,
    )

    assert built.startswith(
        "1.2.156.3005.2.11100000000013338W001.11420500MB0000006G.20260000017.002."
    )
    assert identifiers.identifier_is_valid(built)


@pytest.mark.parametrize(
    "changed",
    [
        # one character of the serial changed, the check character left as it was
        lambda s: s.replace(".20260000017.", ".20260000018."),
        lambda s: s.replace(".002.", ".003."),
        lambda s: s.replace("1.2.156.3005.2.", "1.2.156.3005.3."),
        lambda s: s[:-1],
    ],
)
def test_a_changed_or_truncated_identifier_fails_its_check(changed):
    built = identifiers.build_identifier(
        type_code="11100000000013338W001",
        issuer_code="11420500MB0000006G",
        serial="20260000017",
        version=2,
    )

    assert not identifiers.identifier_is_valid(changed(built))


@pytest.mark.parametrize("type_code", ["yyzz", "11100000000013338W01", "11100000000013338w001"])
def test_a_type_code_not_in_the_national_form_is_refused(type_code):
    with pytest.raises(ValueError, match="type code"):
        identifiers.build_identifier(
            type_code=type_code, issuer_code="11420500MB0000006G", serial="1", version=1
        )


def test_a_version_has_three_digits():
    with pytest.raises(ValueError, match="three digits"):
        identifiers.build_identifier(
            type_code="11100000000013338W001",
            issuer_code="11420500MB0000006G",
            serial="1",
            version=1000,
        )


def test_verify_codes_are_long_random_and_url_safe():
    codes = {identifiers.new_verify_code() for _ in range(200)}

    assert len(codes) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", code) for code in codes)


def test_short_codes_have_no_look_alike_characters_and_are_typed_loosely():
    code = identifiers.new_short_code()

    assert len(code) == 10
    assert not set(code) & set("01OIL")
    assert identifiers.normalise_short_code(identifiers.format_short_code(code).lower()) == code
    assert identifiers.normalise_short_code(f" {code[:5]} {code[5:]} ") == code


@pytest.mark.parametrize("typed", ["", "ABCDE", "ABCDE-FGHJK-L", "ABCDE-FGH0K", "<script>"])
def test_anything_else_is_not_a_short_code(typed):
    assert identifiers.normalise_short_code(typed) is None
