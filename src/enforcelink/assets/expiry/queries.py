"""Reads of expiring control measures (R-ASSET-02): the officer's own list (their cases' measures in
effect whose term ends within N days), the command centre's list across the court with its filters,
and the counts of the home pages. Each is one query led by the partial index of measures in effect
by term end (`measure_in_effect_until`), sorted by the end, nearest first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from enforcelink.assets.control.models import HOLDING, IN_EFFECT, ControlMeasure
from enforcelink.orgs.permissions import Action, can, restrict

DEFAULT_DAYS = 30  # R-ASSET-02: warned 30 days before (the page's default window)
MAX_DAYS = 366


def running() -> QuerySet[ControlMeasure]:
    """Measures holding property with a term running: in effect, not waiting behind another
    seizure (R-ASSET-04: a waiting seizure's term starts when it is promoted)."""
    return ControlMeasure.objects.filter(
        kind__in=list(HOLDING), status__in=list(IN_EFFECT), waiting_position__isnull=True,
        term_end__isnull=False,
    )  # fmt: skip


def _window(rows: QuerySet[ControlMeasure], today: dt.date, days: int) -> QuerySet[ControlMeasure]:
    return rows.filter(term_end__gte=today, term_end__lte=today + dt.timedelta(days=days))


def _shown(rows: QuerySet[ControlMeasure]) -> QuerySet[ControlMeasure]:
    return rows.select_related("case", "case__officer", "case__team", "unit", "record").order_by(
        "term_end", "pk"
    )


def mine(user: Any, today: dt.date, days: int = DEFAULT_DAYS) -> QuerySet[ControlMeasure]:
    """即将到期的控制措施: the measures of the cases `user` handles (as their officer) that end within
    `days` days, today included; nobody else's, and nothing for who may not control property."""
    rows = restrict(running(), user, Action.CONTROL_ASSETS, "case__court").filter(case__officer_id=user.pk)
    return _shown(_window(rows, today, days))


def may_watch_court(user: Any) -> bool:
    """The command centre's watch (MONITOR_COURT) or a leader's view over the court (OVERSEE_COURT)."""
    return can(user, Action.MONITOR_COURT) or can(user, Action.OVERSEE_COURT)


def court(
    user: Any, today: dt.date, days: int = DEFAULT_DAYS, *, officer: Any = None, team: Any = None,
    kind: str = "",
) -> QuerySet[ControlMeasure]:  # fmt: skip
    """The court's measures ending within `days` days, narrowed to an officer, a team or a measure
    kind; empty for anyone who does not watch the court."""
    action = Action.MONITOR_COURT if can(user, Action.MONITOR_COURT) else Action.OVERSEE_COURT
    rows = restrict(running(), user, action, "case__court")
    if officer is not None:
        rows = rows.filter(case__officer=officer)
    if team is not None:
        rows = rows.filter(case__team=team)
    if kind:
        rows = rows.filter(kind=kind)
    return _shown(_window(rows, today, days))


def with_days_left(rows: Any, today: dt.date) -> list[ControlMeasure]:
    """The rows with `days_left` (0: its last day is today)."""
    found = list(rows)
    for measure in found:
        measure.days_left = (measure.term_end - today).days if measure.term_end else None
    return found


def controllable(user: Any, ids: list[int]) -> dict[int, ControlMeasure]:
    """The measures among `ids` that `user` may control (their case's court); the others are
    missing to this user, whatever the reason (another court's, or no such measure)."""
    rows = restrict(ControlMeasure.objects.all(), user, Action.CONTROL_ASSETS, "case__court")
    return {m.pk: m for m in rows.filter(pk__in=ids).select_related("case", "unit", "record")}
