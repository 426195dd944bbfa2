"""The shared kernel registers no periodic sweep. The holiday-table recheck runs beside the code it
rechecks (`core.holidays.calendar_recheck`); it is named here only for rows queued before it moved
there: django-tasks-db stores a task's dotted path and a worker imports it to run the row, and a
recheck waits some 35 seconds in the queue, so one enqueued as `core.tasks.calendar_recheck` may
still be waiting when the new code starts.
"""

from enforcelink.core.holidays import calendar_recheck

__all__ = ["calendar_recheck"]
