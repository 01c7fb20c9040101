"""统一社会信用代码 (GB 32100) and 国民经济行业代码 (GB/T 4754) validation and normalisation."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc

from anjian.enterprises.validators import (
    normalize_credit_code,
    normalize_economic_code,
    section_for_division,
    validate_credit_code,
    validate_economic_code,
)
from testsupport import world


def _error(validator, value) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value


def _with_wrong_check_character(code: str) -> tuple[str, str]:
    """The code with its check character replaced by another valid one; and the right one."""
    right = code[-1]
    wrong = "0" if right != "0" else "1"
    return code[:-1] + wrong, right


# --- 统一社会信用代码 -------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        world.credit_code(1),
        world.credit_code(4, world.HONGKOU),
        "91310000MA1FL0F46J",  # letters in the body and a letter check character
    ],
)
def test_a_valid_credit_code_passes(code):
    assert uscc.is_valid(code), "the fixture itself must be a real valid code"
    validate_credit_code(code)


def test_a_credit_code_of_the_wrong_length_names_the_length_it_has():
    error = _error(validate_credit_code, world.credit_code(1)[:17])
    assert error.code == "length"
    assert "18位" in error.messages[0]
    assert "当前17位" in error.messages[0]


def test_an_empty_credit_code_is_a_length_error():
    error = _error(validate_credit_code, "")
    assert error.code == "length"
    assert "当前0位" in error.messages[0]


@pytest.mark.parametrize(
    "code",
    [
        "A13101100000000010",  # registration department must be a digit
        "9131011000000000IA",  # I is not in the GB 32100 alphabet
        "9131011000000000Z1",  # neither is Z
    ],
)
def test_a_credit_code_with_bad_characters_is_a_format_error(code):
    error = _error(validate_credit_code, code)
    assert error.code == "format"
    assert "格式不正确" in error.messages[0]


def test_a_wrong_check_character_is_refused_naming_the_expected_character():
    good = world.credit_code(12345)
    bad, expected = _with_wrong_check_character(good)
    error = _error(validate_credit_code, bad)
    assert error.code == "checksum"
    assert f"应为“{expected}”" in error.messages[0]


def test_a_letter_check_character_is_named_too():
    good = "91310000MA1FL0F46J"
    error = _error(validate_credit_code, good[:-1] + "0")
    assert "应为“J”" in error.messages[0]


def test_normalising_a_credit_code_removes_spaces_and_dashes_and_upper_cases_it():
    code = world.credit_code(7)
    spaced = f"{code[:8]} {code[8:12]}-{code[12:]}".lower()
    assert normalize_credit_code(spaced) == code
    assert normalize_credit_code(None) == ""


# --- 国民经济行业代码 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2614", "C2614"),  # manufacturing division 26 → section C
        ("c2614", "C2614"),
        (" C 2614 ", "C2614"),
        ("4710", "E4710"),  # construction
        ("5211", "F5211"),  # retail
        ("01", "A01"),  # two digits are a division alone
        ("C2614", "C2614"),
    ],
)
def test_economic_codes_are_normalised_with_their_section_letter(raw, expected):
    assert normalize_economic_code(raw) == expected
    validate_economic_code(expected)


def test_a_division_outside_every_section_is_left_for_the_validator():
    # Division 99 belongs to no section; normalisation must not invent a letter.
    assert normalize_economic_code("9901") == "9901"
    error = _error(validate_economic_code, "9901")
    assert error.code == "format"


@pytest.mark.parametrize("raw", ["", "C", "C1", "C12345", "Z2614", "2614C", "C26-14"])
def test_malformed_economic_codes_are_format_errors(raw):
    error = _error(validate_economic_code, raw)
    assert error.code == "format"
    assert "C2614" in error.messages[0]


def test_a_section_that_does_not_hold_the_division_is_refused_naming_the_right_section():
    error = _error(validate_economic_code, "E2614")
    assert error.code == "section"
    message = error.messages[0]
    assert "大类 26 不属于门类 E（建筑业）" in message
    assert "应为 C" in message


def test_a_division_in_no_section_under_a_letter_gives_no_hint():
    error = _error(validate_economic_code, "C9901")
    assert error.code == "section"
    assert "应为" not in error.messages[0]


@pytest.mark.parametrize(
    ("division", "section"),
    [
        (1, "A"),
        (5, "A"),
        (6, "B"),
        (13, "C"),
        (43, "C"),
        (44, "D"),
        (47, "E"),
        (97, "T"),
        (98, None),
    ],
)
def test_each_division_belongs_to_the_section_gb_t_4754_puts_it_in(division, section):
    assert section_for_division(division) == section
