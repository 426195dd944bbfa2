"""`enforcelink calendar load FILE --source NOTICE` and `enforcelink calendar show YEAR` (R-TIME-01).

`load` reads a year's State Council notice as CSV (`date,kind,name`, kind `holiday` or `workday`) and
replaces the days of every year in the file; any bad row refuses the whole file, each error named by
its row. Open clocks crossing a changed day are recomputed in the same transaction. See
docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from enforcelink.core import calendar, holidays
from enforcelink.core.actors import SystemActor
from enforcelink.core.errors import DomainError, ErrorList, InvalidInput
from enforcelink.core.models import CalendarDay, CalendarYear

ACTOR = SystemActor("cli:calendar")


class Command(BaseCommand):
    help = "Load a year's State Council holiday notice into the holiday table, or show a year."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        load = sub.add_parser("load", help="replace the days of the years in a CSV file (date,kind,name)")
        load.add_argument("file", type=Path)
        load.add_argument("--source", required=True, help="the notice, e.g. 国办发明电〔2026〕1号")
        load.add_argument("--published-on", dest="published_on", help="the notice's date, YYYY-MM-DD")
        show = sub.add_parser("show", help="the holidays and make-up working days of a year, and where from")
        show.add_argument("year")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verb"] == "load":
                self._load(options)
            else:
                self._show(holidays.check_year(options["year"]))
        except ErrorList as errors:
            for error in errors.errors:
                self.stderr.write(_line(error))
            raise CommandError(
                _("Nothing loaded: %(count)d invalid rows.") % {"count": len(errors.errors)}
            ) from None
        except DomainError as error:
            raise CommandError(_line(error)) from None

    def _load(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from None
        published_on = _date(options["published_on"])
        years = holidays.parse_csv(data)
        replaced = list(
            CalendarYear.objects.filter(year__in=years).order_by("year").values_list("year", "source")
        )
        change = holidays.calendar_load(
            years, source=options["source"], published_on=published_on, actor=ACTOR
        )
        for year, source in replaced:  # a re-issued notice replaces the earlier one: say so, never silently
            self.stdout.write(
                _("%(year)d: replaced the days loaded before from %(source)s.")
                % {"year": year, "source": source}
            )
        self.stdout.write(
            _(
                "Loaded %(years)s: %(days)d days, %(changed)d working-day changes, %(clocks)d open deadlines moved."
            )
            % {
                "years": ", ".join(str(year) for year in change.years),
                "days": sum(len(days) for days in years.values()),
                "changed": len(change.changed_dates),
                "clocks": sum(change.recomputed.values()),
            }
        )

    def _show(self, year: int) -> None:
        row = CalendarYear.objects.filter(year=year).first()
        if row is not None:
            published = f" ({row.published_on.isoformat()})" if row.published_on else ""
            self.stdout.write(_("%(year)d: holiday table, %(source)s%(published)s")
                              % {"year": year, "source": row.source, "published": published})  # fmt: skip
            for day in CalendarDay.objects.filter(year=row):
                self.stdout.write(f"{day.date.isoformat()}\t{day.kind}\t{day.name}")
        elif calendar.package_knows(year):
            self.stdout.write(_("%(year)d: not in the holiday table; %(package)s knows it.")
                              % {"year": year, "package": calendar.CALENDAR_NAME})  # fmt: skip
        else:
            self.stdout.write(_("%(year)d: no holiday calendar: Monday to Friday are assumed to be working days.")
                              % {"year": year})  # fmt: skip


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("DATE_INVALID", _("Enter the date as YYYY-MM-DD."), field="published_on") from None


def _line(error: DomainError) -> str:
    row = error.params.get("row")
    where = _("row %(row)d, %(field)s") % {"row": row, "field": error.field} if row else error.field or ""
    return f"{where}: [{error.code}] {error.message}" if where else f"[{error.code}] {error.message}"
