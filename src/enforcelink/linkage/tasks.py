"""The daily linkage sweep: due-soon reminders to liaisons, overdue escalation to unit leaders."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from enforcelink.core.sweeps import periodic
from enforcelink.linkage import actions


@periodic("linkage_requests")
def linkage_requests(day: dt.date) -> int:
    return actions.sweep_requests(day)


@task()
def deliver_task(delivery_id: int) -> str:
    """Push one delivery to its unit (enqueued after the commit that created it)."""
    from enforcelink.linkage.delivery import deliver

    return deliver(delivery_id)
