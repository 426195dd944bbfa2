"""The holiday table ahead of chinese-calendar (issue 12 §7, R-TIME-01, R-TIME-02): precedence, a year the
package does not know, the process cache, and the CSV loader refusing bad files whole."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from enforcelink.core import calendar, events, holidays
from enforcelink.core.calendar import compute_deadline, is_working_day
from enforcelink.core.errors import ErrorList, InvalidInput
from enforcelink.core.holidays import DayInput
from enforcelink.core.models import AuditEvent, CalendarDay, CalendarVersion, CalendarYear

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# A format illustration, not the State Council's 2027 notice (which is not published in our data):
# a Sunday make-up working day before a week of holiday.
EXAMPLE_2027 = [
    DayInput(dt.date(2027, 2, 7), "workday", "春节"),  # a Sunday
    *(DayInput(dt.date(2027, 2, day), "holiday", "春节") for day in range(8, 15)),
]


def load(years, source="test notice"):
    return holidays.calendar_load(years, source=source, published_on=None, actor="test")


def test_table_day_takes_precedence_over_the_package():
    """R-TIME-01: the package says 2026-12-08 (a Tuesday) is a working day; the table's holiday wins, so
    a 3-working-day deadline from Monday 7 December moves by a day, and the trace says why."""
    before = compute_deadline(dt.date(2026, 12, 7), 3, "working_days", rule_id="R-TIME-01", start_event="e")
    assert before.due == dt.date(2026, 12, 10) and "calendar_days" not in before.trace

    change = load(
        {2026: [DayInput(dt.date(2026, 12, 8), "holiday", "测试假日")]}, source="国办发明电〔2026〕99号"
    )

    assert change.changed_dates == [dt.date(2026, 12, 8)]
    assert not is_working_day(dt.date(2026, 12, 8))
    assert is_working_day(dt.date(2026, 12, 9))  # the rest of 2026 still follows the package
    assert not is_working_day(dt.date(2026, 10, 1))
    after = compute_deadline(dt.date(2026, 12, 7), 3, "working_days", rule_id="R-TIME-01", start_event="e")
    assert after.due == dt.date(2026, 12, 11)
    assert after.trace["calendar"].startswith(
        "holiday table (2026: 国办发明电〔2026〕99号), then chinese-calendar"
    )
    assert after.trace["calendar_days"] == ["2026-12-08 holiday 测试假日"]
    assert AuditEvent.objects.filter(action="calendar.changed").count() == 1


def test_a_2027_table_with_a_sunday_make_up_working_day():
    """The package knows no 2027: before loading, Monday–Friday with the note; after, the table's
    Sunday is a working day, the holiday week is not, and the note is gone."""
    sunday = dt.date(2027, 2, 7)
    assert not calendar.package_knows(2027) and not is_working_day(sunday)
    plain = compute_deadline(dt.date(2027, 2, 5), 3, "working_days", rule_id="R", start_event="e")
    assert plain.due == dt.date(2027, 2, 10) and plain.trace["calendar_note"] == calendar.FALLBACK_NOTE

    load({2027: EXAMPLE_2027})

    assert is_working_day(sunday) and not is_working_day(dt.date(2027, 2, 10))
    # Friday 5 Feb: Sunday 7th counts, 8–14 are holiday, Monday 15th and Tuesday 16th follow.
    loaded = compute_deadline(dt.date(2027, 2, 5), 3, "working_days", rule_id="R", start_event="e")
    assert loaded.due == dt.date(2027, 2, 16)
    assert "calendar_note" not in loaded.trace and "2027: test notice" in loaded.trace["calendar"]
    assert calendar.year_known(2027) and calendar.missing_years(dt.date(2026, 12, 7)) == []


def test_reloading_a_year_replaces_its_days_and_deleting_it_falls_back():
    load({2027: EXAMPLE_2027})
    change = load({2027: [DayInput(dt.date(2027, 2, 8), "holiday", "春节")]})
    assert CalendarDay.objects.filter(year__year=2027).count() == 1
    # The Sunday went back to a rest day and 9–12 Feb (weekdays) back to working days.
    assert change.changed_dates == [dt.date(2027, 2, 7), *(dt.date(2027, 2, d) for d in range(9, 13))]
    holidays.calendar_year_delete(2027, actor="test")
    assert not CalendarYear.objects.exists() and is_working_day(dt.date(2027, 2, 8))
    assert calendar.missing_years(dt.date(2026, 12, 7)) == [2027]


def test_another_process_sees_a_change_within_the_refresh_period(monkeypatch):
    """Each process keeps the table in memory; a change elsewhere bumps the stored version, read at
    most once every REFRESH_SECONDS."""
    load({2026: [DayInput(dt.date(2026, 12, 8), "holiday", "")]})
    assert CalendarVersion.objects.get(pk=1).version == 1
    stale = calendar.HolidayTable(version=0)  # what another process loaded before the change
    calendar.use_table(stale)
    assert is_working_day(dt.date(2026, 12, 8))  # within the period: its copy, no query
    monkeypatch.setattr(calendar, "REFRESH_SECONDS", 0.0)
    assert not is_working_day(dt.date(2026, 12, 8))  # the period passed: version read, table reloaded
    assert calendar.holiday_table().version == CalendarVersion.objects.get(pk=1).stamp


def test_working_days_cost_no_query_once_the_table_is_loaded():
    load({2027: EXAMPLE_2027})
    is_working_day(dt.date(2027, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        for n in range(2000):
            is_working_day(dt.date(2026, 1, 1) + dt.timedelta(days=n % 700))
        compute_deadline(dt.date(2027, 1, 20), 20, "working_days", rule_id="R", start_event="e")
    assert len(queries) == 0


def test_a_rolled_back_change_does_not_stay_in_the_process_copy():
    def refuse(**payload):
        raise RuntimeError("listener failed")

    events.subscribe("calendar.changed", "test.refuse", refuse)
    try:
        with pytest.raises(RuntimeError):
            load({2026: [DayInput(dt.date(2026, 12, 8), "holiday", "")]})
    finally:
        events._listeners["calendar.changed"].pop("test.refuse")
    assert not CalendarYear.objects.exists() and is_working_day(dt.date(2026, 12, 8))


@pytest.mark.parametrize("days", [[], [DayInput(dt.date(2027, 2, 7), "workday", "春节")]])
def test_a_year_without_holidays_is_refused_and_stays_unknown(days):
    """Review: a year saved with no days counted as known, silencing the warning and the Monday–Friday
    note while knowing nothing."""
    with pytest.raises(InvalidInput) as refused:
        load({2027: days})
    assert refused.value.code == "YEAR_WITHOUT_HOLIDAYS"
    assert not CalendarYear.objects.exists() and not calendar.year_known(2027)


def test_a_change_rolled_back_by_an_outer_transaction_is_not_kept_under_a_reused_number(monkeypatch):
    """Review: read inside the admin's still-open transaction, the new table entered the process's copy
    as version N; the outer transaction rolled back, a later change committed N again, and the process
    kept the rolled-back days for good. The copy is now keyed by a stamp that is never reused."""
    day = dt.date(2027, 3, 3)
    with pytest.raises(RuntimeError), transaction.atomic():
        load({2027: [DayInput(day, "holiday", "")]})
        assert not is_working_day(day)  # this thread reads what it wrote
        raise RuntimeError("the admin's transaction fails after the save")
    # Another process commits a change that takes the same counter (1); this one has not looked yet.
    CalendarVersion.objects.update_or_create(pk=1, defaults={"version": 1, "stamp": 10**15})
    monkeypatch.setattr(calendar, "REFRESH_SECONDS", 0.0)
    assert is_working_day(day)


def test_a_notice_listing_days_of_the_december_before_keeps_that_years_notice(tmp_path, capsys):
    """A second review: the 2019 notice lists 2018-12-29 (a working Saturday) and 2018-12-30/31 (New
    Year holidays). Grouped by the days' years, loading it replaced every loaded day of 2018 with those
    three; they belong to the 2019 notice, and the 2018 notice keeps its own."""
    load(
        {
            2018: [
                DayInput(dt.date(2018, 10, 1), "holiday", "国庆节"),
                DayInput(dt.date(2018, 9, 29), "workday", "国庆节"),
            ]
        }
    )
    path = write(
        tmp_path,
        "date,kind,name\n2018-12-29,workday,元旦\n2018-12-30,holiday,元旦\n2018-12-31,holiday,元旦\n"
        "2019-01-01,holiday,元旦\n2019-02-04,holiday,春节\n",
    )
    call_command("calendar", "load", str(path), "--source", "2019 notice")
    assert "replaced" not in capsys.readouterr().out
    days = dict(CalendarDay.objects.values_list("date", "year__year"))
    assert days[dt.date(2018, 10, 1)] == 2018 and days[dt.date(2018, 12, 29)] == 2019
    assert is_working_day(dt.date(2018, 12, 29)) and not is_working_day(dt.date(2018, 10, 1))
    # Loading the 2018 notice again leaves the 2019 notice's December days alone.
    load({2018: [DayInput(dt.date(2018, 10, 2), "holiday", "国庆节")]})
    assert CalendarDay.objects.filter(date=dt.date(2018, 12, 29), year__year=2019).exists()
    assert not CalendarDay.objects.filter(date=dt.date(2018, 10, 1)).exists()


def test_unknown_events_are_refused():
    with pytest.raises(ValueError):
        events.announce("calendar.typo")
    assert events.listeners("calendar.changed") == ["cases.nodes", "urging.judgments", "linkage.requests"]


# --- the CSV loader -------------------------------------------------------------------------------


def write(tmp_path, text, name="notice.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_calendar_load_command_loads_a_csv_and_show_prints_it(tmp_path, capsys):
    path = write(
        tmp_path,
        "\ufeffdate,kind,name\n2027-02-07,workday,春节\n2027-02-08,放假,春节\n\n2027-02-09,holiday,春节\n",
    )
    call_command(
        "calendar", "load", str(path), "--source", "示例通知（非官方）", "--published-on", "2026-11-01"
    )
    out = capsys.readouterr().out
    assert "Loaded 2027: 3 days" in out and "replaced" not in out
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.published_on) == ("示例通知（非官方）", dt.date(2026, 11, 1))
    assert is_working_day(dt.date(2027, 2, 7)) and not is_working_day(dt.date(2027, 2, 8))
    call_command("calendar", "show", "2027")
    shown = capsys.readouterr().out
    assert "2027-02-07\tworkday\t春节" in shown and "示例通知（非官方）" in shown
    call_command("calendar", "show", "2028")
    assert "Monday to Friday" in capsys.readouterr().out
    # Loading the year again (a re-issued notice) replaces its days, and says whose.
    call_command("calendar", "load", str(path), "--source", "再次发布")
    assert "2027: replaced the days loaded before from 示例通知（非官方）." in capsys.readouterr().out


def test_a_file_with_bad_rows_is_refused_whole_with_each_row_named(tmp_path, capsys):
    load({2027: EXAMPLE_2027})
    text = (
        "date,kind,name\n"
        "2027-10-01,holiday,国庆节\n"  # fine, but the file is refused whole
        "2027-13-01,holiday,国庆节\n"  # row 3: no such date
        "2027-10-02,vacation,国庆节\n"  # row 4: unknown kind
        "2027-10-01,holiday,国庆节\n"  # row 5: again
        f"2027-10-03,holiday,{'长' * 51}\n"  # row 6: name too long
        "2027-10-04,holiday,国庆节,extra\n"  # row 7: a fourth column
    )
    with pytest.raises(CommandError, match="5 invalid rows"):
        call_command("calendar", "load", str(write(tmp_path, text)), "--source", "x")
    err = capsys.readouterr().err
    for row, code in [(3, "DATE_INVALID"), (4, "KIND_INVALID"), (5, "DATE_DUPLICATE"), (6, "MAX_LENGTH"),
                      (7, "ROW_COLUMNS")]:  # fmt: skip
        assert f"row {row}, " in err and f"[{code}]" in err
    # Nothing written: the earlier 2027 table is intact, 1 October not added.
    assert CalendarDay.objects.count() == len(EXAMPLE_2027)
    assert not CalendarDay.objects.filter(date=dt.date(2027, 10, 1)).exists()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("day,kind,name\n2027-10-01,holiday,x\n", "FILE_HEADER"),
        ("date,kind,name\n", "FILE_EMPTY"),
        ("date,kind,name\n1999-10-01,holiday,x\n", "YEAR_RANGE"),
    ],
)
def test_files_of_the_wrong_shape_get_a_coded_error(text, code):
    with pytest.raises(InvalidInput) as refused:
        holidays.parse_csv(text.encode())
    assert refused.value.code == code


def test_a_file_not_in_utf8_or_too_large_is_refused():
    with pytest.raises(InvalidInput, match="FILE_ENCODING"):
        holidays.parse_csv("date,kind,name\n2027-10-01,holiday,国庆\n".encode("gb18030"))
    with pytest.raises(InvalidInput, match="FILE_TOO_LARGE"):
        holidays.parse_csv(b"date,kind,name\n" + b"2027-10-01,holiday,x\n" * 20_000)


def test_the_action_refuses_a_day_outside_its_year_and_a_missing_source():
    with pytest.raises(InvalidInput, match="DATE_OUTSIDE_YEAR"):
        load({2027: [DayInput(dt.date(2026, 11, 30), "holiday", "")]})  # December before may be listed
    with pytest.raises(InvalidInput, match="SOURCE_REQUIRED"):
        load({2027: EXAMPLE_2027}, source="  ")
    assert not CalendarYear.objects.exists()


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("calendar", "load", str(tmp_path / "none.csv"), "--source", "x")


def test_the_example_file_in_docs_loads(tmp_path):
    """docs/calendar-example.csv shows the format (an illustration, not the official notice)."""
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "docs" / "calendar-example.csv"
    years = holidays.parse_csv(example.read_bytes())
    assert list(years) == [2027]
    with pytest.raises(ErrorList):
        holidays.parse_csv(example.read_bytes() + b"2027-02-31,holiday,x\n")
