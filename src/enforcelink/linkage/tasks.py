"""The hourly linkage sweep: due-soon reminders to liaisons, overdue escalation to unit leaders."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from enforcelink.core.sweeps import periodic
from enforcelink.linkage import actions


@periodic("linkage_requests", hourly=True)
def linkage_requests(day: dt.date) -> int:
    return actions.sweep_requests(day)


@task()
def deliver_task(endpoint_id: int) -> dict[str, int]:
    """Push what is due for one unit's endpoint (enqueued after the commit that created it)."""
    from enforcelink.linkage.delivery import deliver_endpoint

    return deliver_endpoint(endpoint_id)
