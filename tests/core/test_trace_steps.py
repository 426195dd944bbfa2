"""R-TIME-02: the stored trace steps are read out in the user's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from enforcelink.core.calendar import compute_deadline
from enforcelink.core.templatetags.traces import trace_step


@pytest.mark.parametrize(
    ("unit", "excluded", "extension"),
    [("working_days", 0, 0), ("days", 4, 0), ("months", 0, 3)],
)
def test_every_step_compute_deadline_writes_is_translated(unit, excluded, extension):
    trace = compute_deadline(dt.date(2026, 9, 24), 6, unit, rule_id="R-TIME-01", start_event="x",
                             excluded_days=excluded, extensions_months=extension).trace  # fmt: skip
    with translation.override("zh-hans"):
        for step in trace["steps"]:
            said = trace_step(step)
            assert said != step and not any(word in said for word in ("days", "months", "moved"))


def test_unknown_text_is_left_alone():
    assert trace_step("whatever the generator wrote") == "whatever the generator wrote"
