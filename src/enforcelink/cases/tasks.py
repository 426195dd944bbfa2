"""Background work on cases: the overdue sweep (issue 2 §5) as a daily periodic sweep and as tasks.

Tasks take ids and ISO dates, never objects; actions enqueue them with `transaction.on_commit`.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from enforcelink.cases import actions
from enforcelink.core.sweeps import periodic


@periodic("overdue_nodes")
def overdue_nodes(day: dt.date) -> int:
    """Daily: mark statutory-clock nodes past their due date overdue and notify the officers."""
    return actions.sweep_overdue(day)


@task()
def sweep_overdue_task(day: str | None = None) -> int:
    """The whole sweep in a worker; safe to run any number of times at once."""
    return actions.sweep_overdue(dt.date.fromisoformat(day) if day else timezone.localdate())


@task()
def check_case_overdue(case_id: int) -> int:
    """One case's nodes, right after a change that may have left a due date in the past."""
    return actions.sweep_overdue(timezone.localdate(), case_id=case_id)
