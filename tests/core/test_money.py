"""R-MONEY-01: Decimal yuan with two places; capitals for legal documents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enforcelink.core.errors import InvalidInput
from enforcelink.core.money import format_yuan, parse_amount, to_capital


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12345.67", Decimal("12345.67")),
        ("1,000", Decimal("1000.00")),
        ("0", Decimal("0.00")),
        ("5元", Decimal("5.00")),
    ],
)
def test_parse_amount(value, expected):
    assert parse_amount(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("-1", "AMOUNT_NEGATIVE"),
        ("1.005", "AMOUNT_PRECISION"),
        ("abc", "AMOUNT_INVALID"),
        ("", "AMOUNT_INVALID"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(value, code):
    with pytest.raises(InvalidInput) as caught:
        parse_amount(value, field_name="principal")
    assert (caught.value.code, caught.value.field) == (code, "principal")


def test_floats_are_never_amounts():
    with pytest.raises(TypeError):
        parse_amount(1.5)


@pytest.mark.parametrize(
    ("amount", "capital"),
    [
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("1005", "壹仟零伍元整"),
        ("100000", "壹拾万元整"),
        ("10010", "壹万零壹拾元整"),
        ("0.5", "伍角整"),
        ("0.05", "伍分"),
        ("1.05", "壹元零伍分"),
        ("100000000", "壹亿元整"),
        ("0", "零元整"),
    ],
)
def test_capitals(amount, capital):
    assert to_capital(Decimal(amount)) == capital


@given(st.decimals(min_value=0, max_value=Decimal("99999999999.99"), places=2))
def test_capitals_use_only_capital_numerals(amount):
    text = to_capital(amount)
    assert text.endswith(("整", "分", "角整")) or text.endswith("角")
    assert set(text) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")


@pytest.mark.parametrize(
    ("amount", "shown"),
    [("124700.5", "124,700.50 元"), ("0", "0.00 元"), ("1000", "1,000.00 元"), ("49999.99", "49,999.99 元")],
)
def test_amounts_on_screen_are_grouped_with_two_decimals(amount, shown):
    """R-MONEY-01: "124,700.50 元", never "amount 124700.50"; a float is refused, not printed."""
    assert format_yuan(Decimal(amount)) == shown
    with pytest.raises(TypeError):
        format_yuan(124700.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, ""),
        ("", ""),
        (0, "0.00 元"),
        (Decimal("0.00"), "0.00 元"),
        (Decimal("-0.001"), "0.00 元"),  # rounds to nothing owed, not "-0.00"
        (Decimal("-1234.5"), "-1,234.50 元"),
        (Decimal("1234567.89"), "1,234,567.89 元"),
        (Decimal("99999999999999.99"), "99,999,999,999,999.99 元"),
        (Decimal("120000.00"), "120,000.00 元"),
        (12, "12.00 元"),
        ("3500.5", "3,500.50 元"),
        ("not a number", "not a number"),
    ],
)
def test_the_yuan_filter_shows_money_as_pages_read_it(value, shown):
    """R-MONEY-01 on pages: grouped, two decimals always, 元 after, a minus sign before a negative."""
    from enforcelink.core.templatetags.money import yuan

    assert yuan(value) == shown


def test_the_yuan_filter_in_a_template_leaves_the_placeholder_to_the_page():
    from django.template import Context, Template

    template = Template('{% load money %}{{ a|yuan }}|{{ b|yuan|default:"—" }}')
    assert template.render(Context({"a": Decimal("1234567.89"), "b": None})) == "1,234,567.89 元|—"
