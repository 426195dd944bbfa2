"""The daily overdue sweep (issue 2 §5) as a periodic sweep. Its tasks live beside it in
`cases.actions.deadlines`; they are named here too for callers of the old paths."""

from __future__ import annotations

import datetime as dt

from enforcelink.cases import actions
from enforcelink.cases.actions.deadlines import check_case_overdue, sweep_overdue_task
from enforcelink.core.sweeps import periodic

__all__ = ["check_case_overdue", "overdue_nodes", "sweep_overdue_task"]


@periodic("overdue_nodes")
def overdue_nodes(day: dt.date) -> int:
    """Daily: mark statutory-clock nodes past their due date overdue and notify the officers."""
    return actions.sweep_overdue(day)
