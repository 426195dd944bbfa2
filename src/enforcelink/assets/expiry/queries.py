"""Reads of expiring control measures (R-ASSET-02): the officer's own list (their cases' measures in
effect whose term ends within N days), the command centre's list across the court with its filters,
and the counts of the home pages. Each is one query led by the partial index of measures in effect
by term end (`measure_in_effect_until`), sorted by the end, nearest first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest

from enforcelink.assets.control.models import (
    HOLDING,
    IN_EFFECT,
    LIFTING,
    ORDERED,
    ControlMeasure,
    MeasureKind,
)
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


MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def _children_sum(rows: QuerySet[ControlMeasure], amount: Any) -> Coalesce:
    """The sum of `amount` over `rows`, children of the outer measure (0 when none)."""
    summed = rows.filter(parent_id=OuterRef("pk")).order_by().values("parent_id").annotate(total=Sum(amount))
    return Coalesce(Subquery(summed.values("total")[:1], output_field=MONEY), ZERO, output_field=MONEY)


def with_held(rows: QuerySet[ControlMeasure]) -> QuerySet[ControlMeasure]:
    """`held`: what each measure still holds, as `budget.remaining` reads it (R-ASSET-03) — what its
    unit confirmed, less the unfreezes and releases ordered from it (what one asks while sent, what its
    unit released once confirmed) and the deductions confirmed from it, never below 0."""
    children = ControlMeasure.objects.all()
    lifted = Case(
        When(status__in=list(IN_EFFECT), confirmed_amount__isnull=False, then=F("confirmed_amount")),
        default=Coalesce(F("requested_amount"), ZERO, output_field=MONEY), output_field=MONEY,
    )  # fmt: skip
    lifts = _children_sum(children.filter(kind__in=list(LIFTING), status__in=list(ORDERED)), lifted)
    deducted = _children_sum(
        children.filter(kind=MeasureKind.DEDUCT, status__in=list(IN_EFFECT)),
        Coalesce(F("confirmed_amount"), ZERO, output_field=MONEY),
    )
    value = Coalesce(F("confirmed_amount"), ZERO, output_field=MONEY) - lifts - deducted
    return rows.annotate(held=Greatest(value, ZERO, output_field=MONEY))


def holding(rows: QuerySet[ControlMeasure]) -> QuerySet[ControlMeasure]:
    """The measures of `rows` that still hold something (`with_held`): one all deducted or released
    is not listed for renewal, there is nothing left to keep under control."""
    return with_held(rows).filter(held__gt=0)  # type: ignore[misc]


def _window(rows: QuerySet[ControlMeasure], today: dt.date, days: int) -> QuerySet[ControlMeasure]:
    return rows.filter(term_end__gte=today, term_end__lte=today + dt.timedelta(days=days))


def _shown(rows: QuerySet[ControlMeasure]) -> QuerySet[ControlMeasure]:
    return rows.select_related("case", "case__officer", "case__team", "unit", "record").order_by(
        "term_end", "pk"
    )


def mine(user: Any, today: dt.date, days: int = DEFAULT_DAYS) -> QuerySet[ControlMeasure]:
    """即将到期的控制措施: the measures of the cases `user` handles (as their officer) that end within
    `days` days, today included, each with what it still `held` (none that holds nothing); nobody
    else's, and nothing for who may not control property."""
    rows = restrict(running(), user, Action.CONTROL_ASSETS, "case__court").filter(case__officer_id=user.pk)
    return _shown(holding(_window(rows, today, days)))


def may_watch_court(user: Any) -> bool:
    """The command centre's watch (MONITOR_COURT) or a leader's view over the court (OVERSEE_COURT)."""
    return can(user, Action.MONITOR_COURT) or can(user, Action.OVERSEE_COURT)


def court(
    user: Any, today: dt.date, days: int = DEFAULT_DAYS, *, officer: Any = None, team: Any = None,
    kind: str = "",
) -> QuerySet[ControlMeasure]:  # fmt: skip
    """The court's measures ending within `days` days that still hold something (with `held`),
    narrowed to an officer, a team or a measure kind; empty for anyone who does not watch the court."""
    action = Action.MONITOR_COURT if can(user, Action.MONITOR_COURT) else Action.OVERSEE_COURT
    rows = restrict(running(), user, action, "case__court")
    if officer is not None:
        rows = rows.filter(case__officer=officer)
    if team is not None:
        rows = rows.filter(case__team=team)
    if kind:
        rows = rows.filter(kind=kind)
    return _shown(holding(_window(rows, today, days)))


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
