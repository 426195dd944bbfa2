"""Writes on the holiday table (R-TIME-01): a year's State Council notice saved from the admin or loaded
with `enforcelink calendar load FILE`, and the announcement that lets higher apps recompute the open
clocks the change touches (R-TIME-02; `core.events`, event `calendar.changed`).

Every value is checked before the first write, so a refused file or form leaves the table as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from enforcelink.core import audit, calendar, events
from enforcelink.core.actors import AuditActor, SystemActor
from enforcelink.core.errors import DomainError, ErrorList, InvalidInput
from enforcelink.core.models import CalendarDay, CalendarVersion, CalendarYear, DayKind

CSV_COLUMNS = ("date", "kind", "name")
# Spellings accepted in the kind column; the notice says 放假 and 上班.
KINDS = {"holiday": DayKind.HOLIDAY, "放假": DayKind.HOLIDAY, "休": DayKind.HOLIDAY,
         "workday": DayKind.WORKDAY, "上班": DayKind.WORKDAY, "班": DayKind.WORKDAY}  # fmt: skip
MAX_FILE_BYTES = 200_000  # a year's notice is some 30 lines
MAX_NAME = CalendarDay._meta.get_field("name").max_length or 50
MAX_SOURCE = CalendarYear._meta.get_field("source").max_length or 200
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class DayInput:
    date: dt.date
    kind: str
    name: str = ""


@dataclass(frozen=True)
class CalendarChange:
    years: list[int]
    changed_dates: list[dt.date]
    recomputed: dict[str, Any]


def check_year(year: Any) -> int:
    try:
        number = int(str(year).strip())
    except ValueError:
        number = 0
    if number not in YEARS:
        raise InvalidInput(
            "YEAR_RANGE",
            _("Enter a year from %(low)s to %(high)s.") % {"low": YEARS[0], "high": YEARS[-1]},
            field="year",
        )
    return number


def check_source(source: str) -> str:
    text = (source or "").strip()
    if not text:
        raise InvalidInput(
            "SOURCE_REQUIRED", _("Name the State Council notice the days come from."), field="source"
        )
    if len(text) > MAX_SOURCE:
        raise InvalidInput(
            "MAX_LENGTH", _("At most %(max)d characters.") % {"max": MAX_SOURCE}, field="source"
        )
    return text


def in_notice(year: int, day: dt.date) -> bool:
    """A year's notice lists its own days, and may list days of the December before it (the 2019
    notice moved 2018-12-29 to a working day and gave 2018-12-30/31 as holidays for New Year)."""
    return day.year == year or (day.year == year - 1 and day.month == 12)


def check_days(year: int, days: Iterable[DayInput]) -> list[DayInput]:
    """Each day in its notice's year (`in_notice`), once, a holiday or a make-up working day, its name
    short."""
    seen: set[dt.date] = set()
    checked = []
    for day in days:
        if not in_notice(year, day.date):
            raise InvalidInput(
                "DATE_OUTSIDE_YEAR",
                _("%(date)s is not in %(year)s.") % {"date": day.date.isoformat(), "year": year},
                field="date",
            )
        if day.date in seen:
            raise InvalidInput(
                "DATE_DUPLICATE",
                _("%(date)s is listed twice.") % {"date": day.date.isoformat()},
                field="date",
            )
        if day.kind not in DayKind.values:
            raise InvalidInput("KIND_INVALID", _("Choose holiday or workday."), field="kind")
        if len(day.name) > MAX_NAME:
            raise InvalidInput(
                "MAX_LENGTH", _("At most %(max)d characters.") % {"max": MAX_NAME}, field="name"
            )
        seen.add(day.date)
        checked.append(day)
    return checked


def check_notice(year: int, days: Iterable[DayInput]) -> list[DayInput]:
    """A whole year's notice: its days (`check_days`), at least one of them a holiday. A year saved with
    no days would count as known (no warning, no Monday–Friday note) while knowing nothing."""
    checked = check_days(year, days)
    if not any(day.kind == DayKind.HOLIDAY for day in checked):
        raise InvalidInput(
            "YEAR_WITHOUT_HOLIDAYS",
            _("List the year's holidays from the notice (at least one)."),
            field="days",
        )
    return checked


def parse_csv(data: bytes) -> dict[int, list[DayInput]]:
    """A notice as CSV (header `date,kind,name`; kind `holiday`/`workday`, or 放假/上班), UTF-8 with or
    without BOM. Every row is checked; any bad row refuses the whole file (ErrorList, each error with
    its `row`: the line of the file)."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(
            "FILE_TOO_LARGE",
            _("The file is larger than %(max)d bytes.") % {"max": MAX_FILE_BYTES},
            field="file",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("FILE_ENCODING", _("Save the file as UTF-8."), field="file") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise InvalidInput("FILE_UNREADABLE", _("The CSV file cannot be read: %(error)s") % {"error": error},
                           field="file") from None  # fmt: skip
    # Lines starting with # are comments (docs/calendar-example.csv says what it is); numbers stay those
    # of the file's lines.
    numbered = [
        (n, cells)
        for n, cells in enumerate(rows, start=1)
        if not (cells and cells[0].lstrip().startswith("#"))
    ]
    header = [cell.strip().lower() for cell in numbered[0][1]] if numbered else []
    if header[:3] != list(CSV_COLUMNS):
        raise InvalidInput(
            "FILE_HEADER",
            _("The first row must be the header: %(columns)s.") % {"columns": ",".join(CSV_COLUMNS)},
            field="file",
        )
    years: dict[int, list[DayInput]] = {}
    errors: list[DomainError] = []
    seen: dict[dt.date, int] = {}
    for number, cells in numbered[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        try:
            day = _parse_row(cells, seen, number)
        except DomainError as error:
            error.params["row"] = number
            errors.append(error)
            continue
        seen[day.date] = number
        years.setdefault(day.date.year, []).append(day)
    if errors:
        raise ErrorList(errors)
    if not years:
        raise InvalidInput("FILE_EMPTY", _("The file lists no days."), field="file")
    _december_to_next_notice(years)
    for year in years:
        check_year(year)
    return years


def _december_to_next_notice(years: dict[int, list[DayInput]]) -> None:
    """December days belong to the next year's notice when the file has that year: loading the 2019
    notice must not replace the 2018 notice's days with its three days of December 2018."""
    for year in sorted(years):
        if year + 1 not in years:
            continue
        december = [day for day in years[year] if day.date.month == 12]
        years[year + 1][:0] = december
        years[year] = [day for day in years[year] if day.date.month != 12]
        if not years[year]:
            del years[year]


def _parse_row(cells: list[str], seen: dict[dt.date, int], number: int) -> DayInput:
    if len(cells) > len(CSV_COLUMNS):
        raise InvalidInput("ROW_COLUMNS", _("Too many columns."), field="name")
    date_text, kind_text, name = [*cells, "", "", ""][:3]
    try:
        day = dt.date.fromisoformat(date_text.strip())
    except ValueError:
        raise InvalidInput("DATE_INVALID", _("Enter the date as YYYY-MM-DD."), field="date") from None
    if day in seen:
        raise InvalidInput(
            "DATE_DUPLICATE", _("%(date)s is also in row %(row)d.") % {"date": day.isoformat(), "row": seen[day]},
            field="date",
        )  # fmt: skip
    kind = KINDS.get(kind_text.strip().lower())
    if kind is None:
        raise InvalidInput("KIND_INVALID", _("Choose holiday or workday."), field="kind")
    return check_days(day.year, [DayInput(day, kind, name.strip())])[0]


def calendar_load(
    years: dict[int, list[DayInput]], *, source: str, published_on: dt.date | None, actor: AuditActor
) -> CalendarChange:
    """Replace the days of each year in `years` (a re-issued notice replaces the earlier one)."""
    source = check_source(source)
    checked: dict[int, list[DayInput] | None] = {
        check_year(year): check_notice(year, days) for year, days in years.items()
    }
    return _change(checked, source=source, published_on=published_on, actor=actor)


def calendar_year_save(
    year: int, *, days: list[DayInput], source: str, published_on: dt.date | None, actor: AuditActor
) -> CalendarChange:
    """The admin's form: one year's notice with all its days."""
    return calendar_load({year: days}, source=source, published_on=published_on, actor=actor)


def calendar_year_delete(year: int, *, actor: AuditActor) -> CalendarChange:
    """Forget a year's notice: its days fall back to the package or Monday–Friday."""
    return _change({check_year(year): None}, source="", published_on=None, actor=actor)


def _change(
    years: dict[int, list[DayInput] | None], *, source: str, published_on: dt.date | None, actor: AuditActor
) -> CalendarChange:
    """Write the years, then let the higher apps recompute with the new table, then append the trail.

    Lock order, as every other action: the version row (changes run one at a time), the clocks' rows
    (the listeners), the audit heads last, all at once in ascending order (`audit.collecting`). Old and
    new tables are read from the database, not from this process's shared copy, which another thread
    may refill with the committed (old) table at any time; the new one is in force for this thread only
    (`calendar.table_in_force`) until commit, when every thread of this process drops its copy.
    """
    with transaction.atomic():
        version = _bump_version()
        old = calendar.load_table()
        candidates: set[dt.date] = set()
        for year, days in sorted(years.items()):
            candidates.update(CalendarDay.objects.filter(year__year=year).values_list("date", flat=True))
            candidates.update(day.date for day in days or ())
            _write_year(year, days, source=source, published_on=published_on)
        new = calendar.load_table()
        changed = sorted(
            day for day in candidates if calendar.working_on(old, day) != calendar.working_on(new, day)
        )
        # The listeners' events (each for its own courts) and the change's own: one append, every head
        # locked once in ascending order, after the clocks' rows.
        with audit.collecting():
            with calendar.table_in_force(new):
                recomputed = events.announce(
                    "calendar.changed", dates=frozenset(changed), actor=actor, change=version
                )
            audit.record(
                "calendar.changed",
                None,
                actor=actor,
                after={"version": version, "years": sorted(years), "source": source,
                       "published_on": published_on, "deleted": [year for year, days in years.items() if days is None],
                       "changed_dates": changed, "recomputed": recomputed},
            )  # fmt: skip
        transaction.on_commit(calendar.invalidate)
        if changed:
            _enqueue_recheck(changed, version)
    calendar.invalidate()  # this thread reads what it wrote (the new table, or after a rollback the old)
    return CalendarChange(sorted(years), changed, recomputed)


def _enqueue_recheck(changed: list[dt.date], change: int) -> None:
    """After commit, once every process has reloaded the table, look at the same days again
    (`calendar_recheck`)."""
    dates = [day.isoformat() for day in changed]

    def enqueue() -> None:  # the other processes' refresh period starts at commit, not before
        run_after = timezone.now() + dt.timedelta(seconds=calendar.REFRESH_SECONDS + 5)
        calendar_recheck.using(run_after=run_after).enqueue(dates=dates, change=change)

    transaction.on_commit(enqueue)


RECHECK_ACTOR = SystemActor("task:calendar_recheck")


@task()
def calendar_recheck(dates: list[str], change: int) -> dict[str, int]:
    """The second look after a holiday-table change (R-TIME-01/02), in a worker. Other processes hold
    the table in memory for up to `calendar.REFRESH_SECONDS`; a deadline one of them computed in those
    seconds may still use the old calendar. Once they have all reloaded, this runs the
    `calendar.changed` listeners again for the same days: they move only the clocks whose date still
    differs, so a clock already recomputed is left alone."""
    calendar.invalidate()  # this worker reads the table as it is now
    # The listeners' events in one append: each chain's head locked once, in ascending order.
    with transaction.atomic(), audit.collecting():
        return events.announce(
            "calendar.changed",
            dates=frozenset(dt.date.fromisoformat(day) for day in dates),
            actor=RECHECK_ACTOR,
            change=change,
        )


def _bump_version() -> int:
    row = CalendarVersion.objects.select_for_update().filter(pk=1).first()
    if row is None:
        CalendarVersion.objects.bulk_create([CalendarVersion(pk=1)], ignore_conflicts=True)
        row = CalendarVersion.objects.select_for_update().get(pk=1)
    row.version += 1
    row.stamp = max(row.stamp + 1, time.time_ns() // 1000)
    row.save(update_fields=["version", "stamp"])
    return row.version


def _write_year(year: int, days: list[DayInput] | None, *, source: str, published_on: dt.date | None) -> None:
    # The notice's days, found by the notice (some may lie in the December before), and any day of
    # another notice at one of its dates: the later notice wins.
    CalendarDay.objects.filter(Q(year__year=year) | Q(date__in=[day.date for day in days or ()])).delete()
    if days is None:
        CalendarYear.objects.filter(year=year).delete()
        return
    row, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source, "published_on": published_on}
    )
    CalendarDay.objects.bulk_create(
        [CalendarDay(year=row, date=day.date, kind=day.kind, name=day.name) for day in days]
    )
