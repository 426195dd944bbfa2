"""R-TIME-01 working days with 调休, R-TIME-02 deadline traces."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from enforcelink.core.calendar import compute_deadline, is_working_day


def test_make_up_working_day_counts():
    # Sunday 29 Sep 2024 was a make-up working day (调休) before National Day.
    assert is_working_day(dt.date(2024, 9, 29))
    assert not is_working_day(dt.date(2024, 10, 1))


def test_working_days_skip_the_holiday_and_first_day_is_not_counted():
    deadline = compute_deadline(dt.date(2024, 9, 30), 3, "working_days", rule_id="R-X", start_event="e")
    # 1–7 Oct holiday; 8, 9, 10 Oct are the three working days.
    assert deadline.due == dt.date(2024, 10, 10)
    assert deadline.trace["rule_id"] == "R-X" and deadline.trace["start"] == "2024-09-30"


def test_calendar_day_deadline_on_a_holiday_moves_to_next_working_day():
    deadline = compute_deadline(
        dt.date(2024, 9, 27), 7, "days", rule_id="R-CASE-01", start_event="case.filed"
    )
    assert deadline.due == dt.date(2024, 10, 8)
    assert "calendar" in deadline.trace and len(deadline.trace["steps"]) == 2


def test_months_clamp_to_month_end():
    deadline = compute_deadline(
        dt.date(2023, 8, 31), 6, "months", rule_id="R-CASE-03", start_event="case.filed"
    )
    assert deadline.due == dt.date(2024, 2, 29)


@given(
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2025, 12, 31)),
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=0, max_value=60),
)
def test_deadline_is_a_working_day_after_the_start_and_excluded_days_never_shorten(start, amount, excluded):
    plain = compute_deadline(start, amount, "days", rule_id="R", start_event="e")
    longer = compute_deadline(start, amount, "days", rule_id="R", start_event="e", excluded_days=excluded)
    assert plain.due > start and is_working_day(plain.due)
    assert longer.due >= plain.due
