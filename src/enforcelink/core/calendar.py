"""Deadlines in calendar days, working days and months, each with its trace (R-TIME-01, R-TIME-02).

Which days are working days: the administrator's holiday table (`CalendarYear` / `CalendarDay`, loaded
from each year's State Council notice) first, then the chinese-calendar package, then Monday–Friday for
a year neither knows (the trace then says so). The table is held in memory per process: a deadline
costs no query. Each change bumps `CalendarVersion` (a counter, and a stamp never reused even after a
rolled-back change); a process reads the stamp at most once every
`REFRESH_SECONDS` and reloads the table when it moved, so every process and machine sees a change within
that time (the process that made the change sees it at once).
"""

from __future__ import annotations

import bisect
import calendar as std_calendar
import datetime as dt
import functools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import chinese_calendar

Unit = Literal["days", "working_days", "months"]
CALENDAR_NAME = (
    f"chinese-calendar {getattr(chinese_calendar, '__version__', '')} (State Council holiday notices)"
)
FALLBACK_NOTE = "no State Council calendar published for part of this period: Monday–Friday assumed"
# How stale another process's copy of the holiday table may be (seconds): one small query per process
# per period, never one per deadline.
REFRESH_SECONDS = 30.0
MEMO_SIZE = 20_000  # days remembered per process (some 55 years)


@dataclass(frozen=True)
class HolidayTable:
    """The holiday table as one process holds it."""

    version: int = 0  # CalendarVersion.stamp of the table loaded
    working: dict[dt.date, bool] = field(default_factory=dict)  # True: make-up working day (调休)
    names: dict[dt.date, str] = field(default_factory=dict)
    sources: dict[int, str] = field(default_factory=dict)  # year -> the notice it was loaded from
    dates: tuple[dt.date, ...] = ()  # sorted, for the days a period crosses
    # Answers already worked out with this table (the package takes ~30 µs a day, a dict ~0.1 µs).
    memo: dict[dt.date, bool] = field(default_factory=dict)


class _Cache:
    table: HolidayTable | None = None
    checked: float = 0.0


# A table in force for this thread only (`table_in_force`): a change of the table recomputes clocks
# with the new table before it commits, without other threads seeing the uncommitted days.
_thread = threading.local()


def _stored_version() -> int:
    from enforcelink.core.models import CalendarVersion  # models import nothing from here

    return CalendarVersion.objects.filter(pk=1).values_list("stamp", flat=True).first() or 0


def _load(version: int) -> HolidayTable:
    from enforcelink.core.models import CalendarDay, CalendarYear, DayKind

    days = list(CalendarDay.objects.values_list("date", "kind", "name"))
    return HolidayTable(
        version=version,
        working={day: kind == DayKind.WORKDAY for day, kind, _name in days},
        names={day: name for day, _kind, name in days if name},
        sources=dict(CalendarYear.objects.values_list("year", "source")),
        dates=tuple(sorted(day for day, _kind, _name in days)),
    )


def load_table() -> HolidayTable:
    """The table as the database holds it now (in this transaction), not this process's copy."""
    return _load(_stored_version())


@contextmanager
def table_in_force(table: HolidayTable) -> Iterator[None]:
    """Compute with `table` in this thread while the block runs (a change not yet committed)."""
    previous = getattr(_thread, "table", None)
    _thread.table = table
    try:
        yield
    finally:
        _thread.table = previous


def holiday_table() -> HolidayTable:
    """The table in force: this process's copy, checked against the stored version now and then."""
    override = getattr(_thread, "table", None)
    if override is not None:
        return override
    table, now = _Cache.table, time.monotonic()
    if table is not None and now - _Cache.checked < REFRESH_SECONDS:
        return table
    version = _stored_version()
    if table is None or table.version != version:
        table = _load(version)
    _Cache.table, _Cache.checked = table, now
    return table


def invalidate() -> None:
    """Forget this process's copy (the holiday table just changed here): the next use reloads it."""
    _Cache.table = None


def use_table(table: HolidayTable | None, *, hold: bool = False) -> None:
    """Install a copy (tests: an empty table without a query); `hold` keeps it until `invalidate()`."""
    _Cache.table = table
    _Cache.checked = float("inf") if hold else time.monotonic()


@functools.cache
def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def year_known(year: int) -> bool:
    """A year whose holidays are known: loaded into the table, or in the package."""
    return year in holiday_table().sources or package_knows(year)


def missing_years(today: dt.date) -> list[int]:
    """Years an administrator must load now: this year if unknown, and from 1 October next year too
    (the State Council publishes each year's notice in the autumn before)."""
    years = [today.year, today.year + 1] if today.month >= 10 else [today.year]
    return [year for year in years if not year_known(year)]


def is_working_day(day: dt.date) -> bool:
    """R-TIME-01: the State Council calendar with make-up working days (调休): the holiday table's day
    first, then the package; years neither knows fall back to Monday–Friday (`calendar_note` says so)."""
    return working_on(holiday_table(), day)


def working_on(table: HolidayTable, day: dt.date) -> bool:
    """`is_working_day` with a given table (the one before or after a change)."""
    working = table.memo.get(day)
    if working is None:
        working = table.working.get(day)
        if working is None:
            try:
                working = bool(chinese_calendar.is_workday(day))
            except NotImplementedError:
                working = day.weekday() < 5
        if len(table.memo) >= MEMO_SIZE:
            table.memo.clear()
        table.memo[day] = working
    return working


def calendar_note(start: dt.date, end: dt.date) -> str | None:
    """Say when part of a period lies in a year with no official holiday data."""
    if all(year_known(year) for year in range(start.year, end.year + 1)):
        return None
    return FALLBACK_NOTE


def calendar_name(start: dt.date, end: dt.date) -> str:
    """The calendar a period was counted with (R-TIME-02): the loaded notices of its years, if any,
    before the package."""
    sources = holiday_table().sources
    loaded = [f"{year}: {sources[year]}" for year in range(start.year, end.year + 1) if year in sources]
    return f"holiday table ({'; '.join(loaded)}), then {CALENDAR_NAME}" if loaded else CALENDAR_NAME


def table_days(start: dt.date, end: dt.date) -> list[str]:
    """The holiday table's days in (start, end]: the ones the count may have read."""
    table = holiday_table()
    low = bisect.bisect_right(table.dates, start)
    high = bisect.bisect_right(table.dates, end)
    return [
        f"{day.isoformat()} {'working day' if table.working[day] else 'holiday'} {table.names.get(day, '')}".rstrip()
        for day in table.dates[low:high]
    ]


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
        "calendar": calendar_name(start, rolled),
        "steps": steps,
        "excluded_days": excluded_days,
        "extensions_months": extensions_months,
        "due": rolled.isoformat(),
    }
    note = calendar_note(start, rolled)
    if note:
        trace["calendar_note"] = note
    days = table_days(start, rolled)
    if days:
        trace["calendar_days"] = days
    return Deadline(rolled, trace)


def with_history(
    old_due: dt.date, old_trace: dict[str, Any], new: Deadline, reason: dict[str, Any]
) -> dict[str, Any]:
    """R-TIME-02: a recomputed deadline's trace, keeping the earlier due dates and why they changed."""
    history = list(old_trace.get("history", []))
    history.append({"due": old_due.isoformat(), "changed_by": reason})
    return {**new.trace, "history": history}
