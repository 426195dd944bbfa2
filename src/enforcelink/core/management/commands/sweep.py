"""`enforcelink sweep [--date YYYY-MM-DD] [--loop [--interval S]]`: run every periodic sweep not
yet run for the period.

Cron or a systemd timer runs it (e.g. every 10 minutes), or it runs as a service with --loop (as
`make demo` does); however many hosts do, each sweep runs once per period (see
`enforcelink.core.sweeps`).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils.translation import gettext as _

from enforcelink.core.sweeps import run_due


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--date takes a date like 2024-03-01, not %(value)s.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = "Run the periodic sweeps (overdue statutory-clock nodes, …) once for the period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to sweep for (default: today, Asia/Shanghai)")
        parser.add_argument("--loop", action="store_true", help="keep running: a pass every --interval")
        parser.add_argument(
            "--interval", type=float, default=600.0, help="seconds between passes with --loop (default 600)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = _date(options["date"]) if options.get("date") else None
        if options["loop"] and day is not None:
            raise CommandError(_("--loop sweeps each day as it comes: it takes no --date."))
        if options["interval"] <= 0:
            raise CommandError(_("--interval must be more than 0 seconds."))
        self._pass(day)
        while options["loop"]:
            time.sleep(options["interval"])
            close_old_connections()  # between passes: drop a broken or aged connection
            self._pass(None)

    def _pass(self, day: dt.date | None) -> None:
        for outcome in run_due(day):
            if outcome.ran:
                self.stdout.write(f"{outcome.name} {outcome.period}: done ({outcome.result})")
            else:
                self.stdout.write(f"{outcome.name} {outcome.period}: already run by another process")
