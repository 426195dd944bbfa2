"""The hourly linkage sweep: due-soon reminders to liaisons, overdue escalation to unit leaders.
The delivery task lives beside the code it runs (`linkage.delivery.deliver_task`)."""

from __future__ import annotations

import datetime as dt

from enforcelink.core.sweeps import periodic
from enforcelink.linkage import actions
from enforcelink.linkage.delivery import deliver_task

__all__ = ["deliver_task", "linkage_requests"]


@periodic("linkage_requests", hourly=True)
def linkage_requests(day: dt.date) -> int:
    return actions.sweep_requests(day)
