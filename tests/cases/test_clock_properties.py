"""Property-based checks of the clock rules (R-CASE-03, R-TIME-01, R-TIME-02, R-ZB-02)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from enforcelink.cases import policy
from enforcelink.core.calendar import compute_deadline
from enforcelink.core.errors import RuleViolation

starts = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2025, 6, 30))
periods = st.sampled_from(
    [(3, "days"), (7, "days"), (15, "days"), (10, "working_days"), (3, "months"), (6, "months")]
)


@settings(max_examples=200, deadline=None)
@given(start=starts, period=periods, fewer=st.integers(0, 200), more=st.integers(0, 200))
def test_excluded_days_never_move_a_deadline_earlier_r_case_03(start, period, fewer, more):
    fewer, more = sorted((fewer, more))
    amount, unit = period

    def due(excluded: int) -> dt.date:
        return compute_deadline(
            start, amount, unit, rule_id="R-CASE-03", start_event="case.filed", excluded_days=excluded
        ).due

    assert due(fewer) <= due(more)
    # Each excluded day pushes the end by at least one day before the working-day roll-over.
    assert (due(more) - due(fewer)).days >= more - fewer - 10


@settings(max_examples=200, deadline=None)
@given(start=starts, months=st.integers(0, 9), excluded=st.integers(0, 100))
def test_extensions_never_move_a_deadline_earlier_r_case_03(start, months, excluded):
    def due(extensions: int) -> dt.date:
        return compute_deadline(
            start,
            6,
            "months",
            rule_id="R-CASE-03",
            start_event="case.filed",
            excluded_days=excluded,
            extensions_months=extensions,
        ).due

    assert due(0) <= due(months) <= due(months + 3)


@settings(max_examples=200, deadline=None)
@given(start=starts, first=st.integers(0, 60), second=st.integers(0, 60))
def test_splitting_a_period_excludes_the_same_days_r_case_03(start, first, second):
    middle = start + dt.timedelta(days=first)
    end = middle + dt.timedelta(days=second)
    assert policy.suspension_days(start, middle) + policy.suspension_days(middle, end) == (
        policy.suspension_days(start, end)
    )


@settings(max_examples=200, deadline=None)
@given(filed=starts, offset=st.integers(0, 400), later=st.integers(0, 400))
def test_zb_waiting_period_once_passed_stays_passed_r_zb_02(filed, offset, later):
    closed = filed + dt.timedelta(days=offset)
    try:
        policy.check_zb_waiting_period(filed, closed)
    except RuleViolation:
        assert offset <= 92  # three months are at most 92 days
        return
    assert offset >= 89
    policy.check_zb_waiting_period(filed, closed + dt.timedelta(days=later))
