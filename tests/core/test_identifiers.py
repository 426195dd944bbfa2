"""Identity documents and case numbers: R-ID-01 … R-ID-05, table-driven from DOMAIN.md."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from enforcelink.core.errors import InvalidInput
from enforcelink.core.identifiers import (
    CaseNumber,
    looks_like_resident_id,
    mask_id,
    parse_case_number,
    parse_resident_id,
    parse_uscc,
    validate_court_code,
)


def with_check(first17: str) -> str:
    # python-stdnum 2.2's calc_check_digit ignores the last character it is given (R-ID-01).
    return first17 + ric.calc_check_digit(first17 + "0")


def test_r_id_01_domain_example_is_valid_and_read():
    rid = parse_resident_id("11010519491231002X")
    assert (rid.birth_date, rid.sex, rid.region_code) == (dt.date(1949, 12, 31), "F", "110105")


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "ID_BAD_CHECK"),
        ("11010519491331002X", "ID_BAD_BIRTH_DATE"),  # month 13
        (with_check("11010521991231002"), "ID_BAD_BIRTH_DATE"),  # in the future
        ("1101051949123100", "ID_BAD_FORMAT"),
        ("11010519491231002Y", "ID_BAD_FORMAT"),
        ("", "ID_BAD_FORMAT"),
    ],
)
def test_r_id_01_invalid_numbers_are_refused_with_a_code(number, code):
    with pytest.raises(InvalidInput) as caught:
        parse_resident_id(number, field_name="respondents.0.id_number")
    assert caught.value.code == code
    assert caught.value.field == "respondents.0.id_number"


def test_r_id_01_unknown_region_code_is_a_warning_not_a_rejection():
    number = with_check("99999919800101001")
    rid = parse_resident_id(number)
    assert rid.number == number
    assert rid.warnings and "999999" in rid.warnings[0]


def test_r_id_01_fifteen_digit_numbers_convert_on_import_only():
    old = "110105491231002"
    with pytest.raises(InvalidInput):
        parse_resident_id(old)
    rid = parse_resident_id(old, allow_15=True)
    assert rid.number == "11010519491231002X"
    assert any("15" in warning for warning in rid.warnings)


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_r_id_01_any_real_birth_date_with_the_right_check_character_is_valid(born, serial):
    number = with_check(f"500110{born:%Y%m%d}{serial:03d}")
    rid = parse_resident_id(number)
    assert rid.birth_date == born
    assert rid.sex == ("M" if serial % 2 else "F")
    assert looks_like_resident_id(number)


def test_r_id_02_uscc():
    assert parse_uscc("914403001922038216") == "914403001922038216"
    for bad in ("914403001922038217", "91440300192203821", "914403001922O38216", ""):
        with pytest.raises(InvalidInput) as caught:
            parse_uscc(bad, field_name="id_number")
        assert caught.value.code == "USCC_INVALID"
    assert not looks_like_resident_id("914403001922038216")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（2024）渝0110执1234号", CaseNumber(2024, "渝0110", "执", 1234)),
        ("(2024)渝0110执恢12号", CaseNumber(2024, "渝0110", "执恢", 12)),
        ("（2023）粤07执保3号之一", CaseNumber(2023, "粤07", "执保", 3, suffix="之一")),
        ("（2022）京知执5号", CaseNumber(2022, "京", "执", 5, special="知")),
    ],
)
def test_r_id_03_r_id_04_case_numbers_parse_and_print_canonically(text, expected):
    parsed = parse_case_number(text)
    assert parsed == expected
    assert str(parsed).startswith("（") and str(parsed).endswith(("号", "之一"))


@pytest.mark.parametrize(
    "text", ["2024渝0110执1234号", "（2024）渝0110民初1号", "（2024）渝011执1号", "（2024）渝0110执0号"]
)
def test_r_id_03_malformed_case_numbers_refused(text):
    with pytest.raises(InvalidInput) as caught:
        parse_case_number(text)
    assert caught.value.code == "CASE_NUMBER_INVALID"


@pytest.mark.parametrize(
    ("code", "ok"), [("渝", True), ("粤07", True), ("渝0110", True), ("渝011", False), ("XX01", False)]
)
def test_r_id_03_court_codes(code, ok):
    if ok:
        assert validate_court_code(code) == code
    else:
        with pytest.raises(InvalidInput):
            validate_court_code(code)


def test_r_id_05_mask_hides_birth_month_and_day():
    assert mask_id("342301196405123224") == "3423011964****3224"
    assert mask_id("914403001922038216") == "9144030019****8216"


@pytest.mark.parametrize("type_code", ["执", "执恢", "执保", "执异", "执复", "执监", "执协", "执他"])
def test_every_enforcement_type_code_parses(type_code):
    """R-ID-04: the eight enforcement type codes, each read back from a 案号."""
    from enforcelink.cases.models import CaseType
    from enforcelink.core.identifiers import parse_case_number

    number = parse_case_number(f"（2024）渝0110{type_code}12号")
    assert number.type_code == type_code and type_code in CaseType.values
    assert str(number) == f"（2024）渝0110{type_code}12号"


@pytest.mark.parametrize(
    "value", ["（2024）渝0110执行12号", "（2024）渝0110民初12号", "（2024）渝0110恢12号"]
)
def test_other_type_codes_are_not_enforcement_numbers(value):
    """R-ID-04: trial numbers and invented codes are refused."""
    from enforcelink.core.identifiers import parse_case_number

    with pytest.raises(InvalidInput):
        parse_case_number(value)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("（2026）渝0110执133号", "2026渝0110执133号"),
        ("(2026) 渝0110 执133号", "2026渝0110执133号"),
        ("〔2026〕渝0110执133号之一", "2026渝0110执133号之一"),
        ("２０２６渝０１１０执１３３", "2026渝0110执133"),
        ("2026执133", "2026执133"),
        ("133", "133"),
        ("李四", ""),  # a character no 案号 has
        ("510104199312075696", ""),  # more digits in a row than any 案号: an ID number
        ("执%133", ""),
    ],
)
def test_case_number_key_as_people_type_it(typed, key):
    """Issue 14 §5: the key Case.number_key stores for every case, read from what an officer types."""
    from enforcelink.core.identifiers import case_number_key

    assert case_number_key(typed) == key


@pytest.mark.parametrize(
    ("key", "parts"),
    [
        ("2026渝0110执133号", (2026, "渝0110", "执", 133, True)),
        ("2026渝0110执133", (2026, "渝0110", "执", 133, True)),
        ("2026执133", (2026, "", "执", 133, False)),
        ("渝0110执恢133号", (None, "渝0110", "执恢", 133, False)),
        ("粤07执保5", (None, "粤07", "执保", 5, False)),
        ("执133", (None, "", "执", 133, False)),
        ("2026渝0110", None),
        ("执0133", None),
    ],
)
def test_case_number_parts(key, parts):
    from enforcelink.core.identifiers import case_number_parts

    read = case_number_parts(key)
    if parts is None:
        assert read is None
    else:
        assert read is not None
        assert (read.year, read.court_code, read.type_code, read.sequence, read.complete) == parts
