"""Placeholder values: Chinese dates and numerals, amounts in capitals (R-MONEY-01), masking (R-ID-05)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from enforcelink.documents.models import DocumentKind
from enforcelink.documents.placeholders import catalogue, chinese_date, chinese_number, kind_values, yuan


@pytest.mark.parametrize(
    ("day", "printed"),
    [
        (dt.date(2026, 11, 23), "二〇二六年十一月二十三日"),
        (dt.date(2020, 1, 1), "二〇二〇年一月一日"),
        (dt.date(2009, 10, 10), "二〇〇九年十月十日"),
        (dt.date(2024, 2, 29), "二〇二四年二月二十九日"),
        (dt.date(1999, 12, 31), "一九九九年十二月三十一日"),
        (dt.date(2031, 5, 20), "二〇三一年五月二十日"),
    ],
)
def test_chinese_date(day, printed):
    assert chinese_date(day) == printed


@pytest.mark.parametrize(
    ("value", "printed"),
    [(0, "零"), (3, "三"), (10, "十"), (15, "十五"), (20, "二十"), (31, "三十一"), (99, "九十九")],
)
def test_chinese_number(value, printed):
    assert chinese_number(value) == printed


def test_chinese_number_out_of_range():
    with pytest.raises(ValueError):
        chinese_number(100)


def test_amount_in_figures_keeps_two_decimals():
    """R-MONEY-01: figures are yuan with two decimals and thousands separators."""
    assert yuan(Decimal("120000")) == "120,000.00元"
    assert yuan(Decimal("0.5")) == "0.50元"


def test_public_documents_cannot_print_full_id_numbers():
    """R-ID-05: a 悬赏公告 is published; its catalogue offers only the masked party list."""
    public = catalogue(DocumentKind.BOUNTY_NOTICE)
    assert "respondents_masked" in public
    assert "respondents_detail" not in public
    assert "respondents_detail" in catalogue(DocumentKind.EXECUTION_NOTICE)


def test_assistance_amount_in_capitals():
    """R-MONEY-01: the amount of an assistance measure is printed in capitals too."""
    values = kind_values(
        DocumentKind.ASSISTANCE_NOTICE,
        dt.date(2026, 11, 23),
        {"addressee": "某银行", "measure": "冻结", "measure_amount": "1005"},
    )
    assert values["measure_amount"] == "1,005.00元"
    assert values["measure_amount_capital"] == "壹仟零伍元整"
    assert values["legal_basis"].startswith("《中华人民共和国民事诉讼法》")


def test_deadlines_follow_the_calendar():
    """R-TIME-01: a period ending on a holiday moves to the next working day (2026-10-01 is 国庆)."""
    values = kind_values(DocumentKind.PROPERTY_REPORT_ORDER, dt.date(2026, 9, 26), {"report_days": 5})
    assert values["report_days"] == "五"
    assert values["report_deadline"] == chinese_date(dt.date(2026, 10, 8))
    assert values["report_period_start"] == "二〇二五年九月二十六日"


@pytest.mark.parametrize("bad", ["abc", "0", "100", "-3", "2.5"])
def test_bad_period_is_named_not_a_crash(bad):
    from enforcelink.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        kind_values(DocumentKind.EXECUTION_NOTICE, dt.date(2026, 11, 23), {"performance_days": bad})
    assert caught.value.code == "NUMBER_RANGE" and caught.value.field == "performance_days"


def test_bad_amount_is_named():
    from enforcelink.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        kind_values(DocumentKind.ASSISTANCE_NOTICE, dt.date(2026, 11, 23), {"measure_amount": "12.345"})
    assert caught.value.field == "measure_amount"


def test_every_kind_has_a_printed_title():
    """Titles are fixed Chinese text, not the UI label that follows the user's language."""
    from enforcelink.documents.placeholders import TITLES

    assert set(TITLES) == set(DocumentKind.values)
