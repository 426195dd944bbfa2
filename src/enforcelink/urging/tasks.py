"""The daily pre-enforcement sweep: reminders before the deadline, "unpaid" after it."""

from __future__ import annotations

import datetime as dt

from enforcelink.core.sweeps import periodic
from enforcelink.urging import actions


@periodic("urging_deadlines")
def urging_deadlines(day: dt.date) -> int:
    return actions.sweep_deadlines(day)
