"""Background work of the shared kernel: the second look after a holiday-table change (R-TIME-01/02).

Other processes hold the table in memory for up to `calendar.REFRESH_SECONDS`; a deadline one of them
computed in those seconds may still use the old calendar. Once they have all reloaded, this task runs
the `calendar.changed` listeners again for the same days: they move only the clocks whose date still
differs, so a clock already recomputed is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_tasks import task

from enforcelink.core import audit, calendar, events

ACTOR = "task:calendar_recheck"


@task()
def calendar_recheck(dates: list[str], change: int) -> dict[str, int]:
    calendar.invalidate()  # this worker reads the table as it is now
    # The listeners' events in one append: each chain's head locked once, in ascending order.
    with transaction.atomic(), audit.collecting():
        return events.announce(
            "calendar.changed",
            dates=frozenset(dt.date.fromisoformat(day) for day in dates),
            actor=ACTOR,
            change=change,
        )
