"""The daily linkage sweep: due-soon reminders to liaisons, overdue escalation to unit leaders."""

from __future__ import annotations

import datetime as dt

from enforcelink.core.sweeps import periodic
from enforcelink.linkage import actions


@periodic("linkage_requests")
def linkage_requests(day: dt.date) -> int:
    return actions.sweep_requests(day)
