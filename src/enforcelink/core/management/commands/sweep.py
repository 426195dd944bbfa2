"""`enforcelink sweep [--date YYYY-MM-DD]`: run every periodic sweep not yet run for the period.

Cron or a systemd timer runs it (e.g. every 10 minutes); however many hosts do, each sweep runs once
per period (see `enforcelink.core.sweeps`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enforcelink.core.sweeps import run_due


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date: {value!r} is not a date like 2024-03-01") from error


class Command(BaseCommand):
    help = "Run the periodic sweeps (overdue statutory-clock nodes, …) once for the period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to sweep for (default: today, Asia/Shanghai)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = _date(options["date"]) if options.get("date") else None
        for outcome in run_due(day):
            if outcome.ran:
                self.stdout.write(f"{outcome.name} {outcome.period}: done ({outcome.result})")
            else:
                self.stdout.write(f"{outcome.name} {outcome.period}: already run by another process")
