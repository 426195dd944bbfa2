"""Amounts read as Chinese courts and banks print them, in every language of the UI."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import formats, translation


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_amounts_are_grouped_by_three_with_commas(language):
    with translation.override(language):
        assert intcomma(Decimal("1234567.89")) == "1,234,567.89"
        assert intcomma(Decimal("999.00")) == "999.00"


def test_dates_still_come_from_djangos_own_chinese_formats():
    import datetime as dt

    with translation.override("zh-hans"):
        assert formats.date_format(dt.date(2026, 12, 3)) == "2026年12月3日"
