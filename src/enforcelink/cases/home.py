"""What cases puts on the home pages (core/home.py): the officer's own cases with their node lights,
the command centre's overdue nodes, extension requests in the approvals queue, the overdue badge."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases.actions.deadlines import PENDING_NODE_STATUSES as PENDING_STATUSES
from enforcelink.cases.models import (
    Case,
    CaseStatus,
    ExtensionRequest,
    ExtensionStatus,
    NodeKind,
    ProcessNode,
)
from enforcelink.cases.queries import court_overdue
from enforcelink.core import home
from enforcelink.core.calendar import compute_deadline
from enforcelink.orgs.models import Team
from enforcelink.orgs.permissions import Action, can, restrict

AMBER_WORKING_DAYS = 3  # a node due within three working days shows amber


@dataclass
class CaseLight:
    """One of my open cases with its most urgent pending node: red overdue, amber due within three
    working days, green later (or no node pending)."""

    case: Case
    node: ProcessNode | None
    light: str
    days_left: int | None

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def _light(node: ProcessNode | None, today: dt.date, amber_until: dt.date) -> str:
    if node is None:
        return "green"
    if node.is_overdue_on(today):
        return "red"
    return "amber" if node.due_on <= amber_until else "green"


def my_cases(actor: Any, today: dt.date, limit: int = home.PANEL_ROWS * 2) -> tuple[list[CaseLight], int]:
    """My open cases, the most urgent node first (three queries: the cases by the (officer, status)
    index, their next nodes, and the total only when the page is full)."""
    # Through the court's scope: an officer moved to another court no longer lists the old court's cases.
    mine = restrict(Case.objects.all(), actor, Action.HANDLE_CASES).filter(
        officer_id=actor.pk, status=CaseStatus.OPEN
    )
    pending = Q(nodes__status__in=PENDING_STATUSES)
    cases = list(
        mine.annotate(next_due=Min("nodes__due_on", filter=pending)).order_by(
            F("next_due").asc(nulls_last=True), "pk"
        )[:limit]
    )
    nodes: dict[int, ProcessNode] = {}
    for node in ProcessNode.objects.filter(
        case__in=[c.pk for c in cases], status__in=PENDING_STATUSES
    ).order_by("-due_on", "-pk"):
        nodes[node.case_id] = node  # the earliest due wins (read last)
    amber_until = compute_deadline(
        today, AMBER_WORKING_DAYS, "working_days", rule_id="R-TIME-01", start_event="today"
    ).due
    lights = []
    for case in cases:
        next_node = nodes.get(case.pk)
        days_left = (next_node.due_on - today).days if next_node is not None else None
        lights.append(CaseLight(case, next_node, _light(next_node, today, amber_until), days_left))
    total = len(cases) if len(cases) < limit else mine.count()
    return lights, total


def _my_cases_panel(actor: Any, today: dt.date) -> home.Panel | None:
    if not can(actor, Action.HANDLE_CASES):
        return None
    rows, total = my_cases(actor, today)
    return home.Panel(
        "my-cases",
        _("My open cases"),
        "cases/panels/my_cases.html",
        {"rows": rows, "total": total},
        link=f"{reverse('case-list')}?officer={actor.pk}&status=open",
        link_label=_("All my cases"),
        wide=True,
    )


def _court_overdue_panel(actor: Any, today: dt.date) -> home.Panel | None:
    """The command centre's overdue nodes, the longest overdue first, with the full list's filters."""
    if not can(actor, Action.MONITOR_COURT):
        return None
    nodes = court_overdue(actor, today)
    rows = list(nodes[: home.PANEL_ROWS])
    for node in rows:
        node.days_overdue = (today - node.due_on).days  # type: ignore[attr-defined]
    count = len(rows) if len(rows) < home.PANEL_ROWS else nodes.order_by()[: home.BADGE_CAP + 1].count()
    return home.Panel(
        "court-overdue",
        _("Overdue nodes of the court"),
        "cases/panels/court_overdue.html",
        {
            "rows": rows,
            "count": home.capped(count),
            "teams": Team.objects.visible_to(actor).order_by("name"),
            "kinds": NodeKind.choices,
        },
        link=reverse("command-overdue"),
        link_label=_("All overdue nodes"),
        wide=True,
    )


def overdue_badge(actor: Any, cap: int) -> int | None:
    if not can(actor, Action.MONITOR_COURT):
        return None
    # In the list's own order (due date): the partial index of running clocks serves it and stops at `cap`
    # rows; without an order PostgreSQL walked the court's open cases (219 ms at 58,000).
    return court_overdue(actor, timezone.localdate())[:cap].count()


class Extensions:
    """Deadline extensions (R-CASE-03) in the approvals queue: the president decides them."""

    def _waiting(self, actor: Any) -> Any:
        return restrict(ExtensionRequest.objects.all(), actor, Action.DECIDE_EXTENSION, "case__court").filter(
            status=ExtensionStatus.PENDING
        )

    def _items(self, rows: Any, limit: int) -> list[home.QueueItem]:
        return [
            home.QueueItem(
                what=_("Deadline extension"),
                subject=row.case.number,
                detail=_("+%(months)s months: %(reason)s") % {"months": row.months, "reason": row.reason},
                asked_by=str(row.requested_by),
                asked_at=row.requested_at,
                url=reverse("case-detail", args=[row.case_id]) + "#action-extension_decide",
                facts=((_("Extension"), _("%(months)s months") % {"months": row.months}, ""),),
            )
            for row in rows.select_related("case", "requested_by").order_by("requested_at", "pk")[:limit]
        ]

    def waiting(self, actor: Any, limit: int) -> list[home.QueueItem] | None:
        if not can(actor, Action.DECIDE_EXTENSION):
            return None
        return self._items(self._waiting(actor), limit)

    def count(self, actor: Any, cap: int) -> int:
        if not can(actor, Action.DECIDE_EXTENSION):
            return 0
        return self._waiting(actor).order_by()[:cap].count()

    def asked(self, actor: Any, limit: int) -> list[home.QueueItem] | None:
        if not can(actor, Action.WRITE):
            return None
        mine = restrict(ExtensionRequest.objects.all(), actor, Action.WRITE, "case__court").filter(
            requested_by_id=actor.pk, status=ExtensionStatus.PENDING
        )
        return self._items(mine, limit)


def register() -> None:
    home.register_panel("my-cases", _my_cases_panel, order=20)
    home.register_panel("court-overdue", _court_overdue_panel, order=20)
    home.register_approvals("cases.extensions", Extensions())
    home.register_badge("overdue", overdue_badge)
