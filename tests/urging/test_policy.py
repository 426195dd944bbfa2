"""Pure rules of pre-enforcement supervision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enforcelink.core.calendar import is_working_day
from enforcelink.core.errors import DomainError
from enforcelink.urging import policy


@pytest.mark.parametrize(
    "value",
    ["（2026）渝0110民初123号", "(2025)渝01民终45号", "（2026）渝0110知民初7号", "（2024）粤0304民初9号之一"],
)
def test_trial_case_numbers_are_accepted_and_normalised(value):
    number = policy.clean_judgment_number(value)
    assert number.startswith("（") and "(" not in number


@pytest.mark.parametrize(
    "value", ["", "渝0110民初123号", "（2026）渝0110执123号", "（2026）XX民初1号", "（26）渝民初1号"]
)
def test_other_numbers_are_refused_naming_the_field(value):
    with pytest.raises(DomainError) as caught:
        policy.clean_judgment_number(value)
    assert caught.value.code == "JUDGMENT_NUMBER_INVALID" and caught.value.field == "number"


def test_deadline_ending_in_the_national_day_holiday_moves_to_a_working_day():
    """R-TIME-01: 2026-09-24 + 10 days = 2026-10-04, inside the National Day holiday."""
    due = policy.performance_due(dt.date(2026, 9, 24), 10)
    assert due.due > dt.date(2026, 10, 4) and is_working_day(due.due)
    assert due.trace["rule_id"] == "R-TIME-01"  # R-TIME-02: the trace says why
    assert any("not a working day" in step for step in due.trace["steps"])


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 12, 1)), st.integers(1, 365))
def test_deadline_is_never_early_and_always_a_working_day(start, days):
    due = policy.performance_due(start, days).due
    assert due >= start + dt.timedelta(days=days) and is_working_day(due)


@pytest.mark.parametrize(
    ("performed", "left"),
    [
        ("0", ("100", "10", "5")),
        ("3", ("100", "10", "2")),
        ("10", ("100", "5", "0")),
        ("65", ("50", "0", "0")),
        ("115", ("0", "0", "0")),
    ],
)
def test_payments_go_to_costs_then_interest_then_principal(performed, left):
    """Civil Code Art. 561: without an agreement, costs first, then interest, then the principal."""
    result = policy.outstanding(Decimal("100"), Decimal("10"), Decimal("5"), Decimal(performed))
    assert result == tuple(Decimal(v) for v in left)


@given(st.decimals(0, 10**6, places=2), st.decimals(0, 10**5, places=2), st.decimals(0, 10**4, places=2))
def test_outstanding_plus_paid_is_what_was_owed(principal, interest, costs):
    owed = principal + interest + costs
    paid = (owed / 3).quantize(Decimal("0.01"))
    assert sum(policy.outstanding(principal, interest, costs, paid)) + paid == owed


def test_rate_is_performed_over_decided_and_undefined_without_decisions():
    assert policy.voluntary_rate(3, 4) == 0.75
    assert policy.voluntary_rate(0, 0) is None


@pytest.mark.parametrize("days", ["0", "366", "x", "-1", "1.5"])
def test_performance_period_out_of_range_is_refused(days):
    with pytest.raises(DomainError) as caught:
        policy.clean_performance_days(days)
    assert caught.value.field == "performance_days"
