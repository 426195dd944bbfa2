"""Deadlines in calendar days, working days and months, each with its trace (R-TIME-01, R-TIME-02)."""

from __future__ import annotations

import calendar as std_calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import chinese_calendar

Unit = Literal["days", "working_days", "months"]
CALENDAR_NAME = (
    f"chinese-calendar {getattr(chinese_calendar, '__version__', '')} (State Council holiday notices)"
)


def is_working_day(day: dt.date) -> bool:
    """R-TIME-01: the State Council calendar with make-up working days (调休).

    Years the package does not yet know fall back to Monday–Friday; `calendar_note` says so.
    """
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def calendar_note(start: dt.date, end: dt.date) -> str | None:
    """Say when part of a period lies in a year with no official holiday data."""
    try:
        chinese_calendar.is_workday(start)
        chinese_calendar.is_workday(end)
    except NotImplementedError:
        return "no State Council calendar published for part of this period: Monday–Friday assumed"
    return None


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, std_calendar.monthrange(year, month)[1]))


@dataclass
class Deadline:
    """A computed due date and why it is that date (R-TIME-02)."""

    due: dt.date
    trace: dict[str, Any] = field(default_factory=dict)


def compute_deadline(
    start: dt.date,
    amount: int,
    unit: Unit,
    *,
    rule_id: str,
    start_event: str,
    excluded_days: int = 0,
    extensions_months: int = 0,
) -> Deadline:
    """R-TIME-01: the first day is not counted; a deadline on a holiday moves to the next working day.

    `excluded_days` (suspensions, audit, auction …) push the end by that many calendar days;
    `extensions_months` adds approved extensions. Both are written into the trace.
    """
    steps: list[str] = []
    if unit == "working_days":
        day, counted = start, 0
        while counted < amount:
            day += dt.timedelta(days=1)
            if is_working_day(day):
                counted += 1
        steps.append(f"{start.isoformat()} + {amount} working days = {day.isoformat()}")
    elif unit == "days":
        day = start + dt.timedelta(days=amount)
        steps.append(f"{start.isoformat()} + {amount} days = {day.isoformat()}")
    elif unit == "months":
        day = add_months(start, amount)
        steps.append(f"{start.isoformat()} + {amount} months = {day.isoformat()}")
    else:
        raise ValueError(f"unknown period unit {unit!r}")
    if extensions_months:
        day = add_months(day, extensions_months)
        steps.append(f"+ {extensions_months} months approved extension = {day.isoformat()}")
    if excluded_days:
        day += dt.timedelta(days=excluded_days)
        steps.append(f"+ {excluded_days} days not counted (suspension etc.) = {day.isoformat()}")
    rolled = next_working_day(day)
    if rolled != day:
        steps.append(f"{day.isoformat()} is not a working day: moved to {rolled.isoformat()}")
    trace: dict[str, Any] = {
        "rule_id": rule_id,
        "start_event": start_event,
        "start": start.isoformat(),
        "period": {"amount": amount, "unit": unit},
        "calendar": CALENDAR_NAME,
        "steps": steps,
        "excluded_days": excluded_days,
        "extensions_months": extensions_months,
        "due": rolled.isoformat(),
    }
    note = calendar_note(start, rolled)
    if note:
        trace["calendar_note"] = note
    return Deadline(rolled, trace)
