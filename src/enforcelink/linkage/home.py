"""What linkage puts on the home pages (core/home.py): requests in the approvals queue, the unit's
inbox by state and deadline, the command centre's unanswered requests by unit, a supervisor's region,
the responsibility lists in the set-up status; the `inbox` and `waiting` badges.

Every read is led by an index of `AssistanceRequest` ((unit, status, due_on), (status, due_on),
(case, status)) and limited; counts stop at a cap.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from enforcelink.core import home
from enforcelink.core.calendar import compute_deadline
from enforcelink.linkage import subjects
from enforcelink.linkage.models import (
    WITH_UNIT,
    AssistanceRequest,
    RequestEvent,
    RequestStatus,
    Responsibility,
)
from enforcelink.orgs.models import Court
from enforcelink.orgs.permissions import Action, can, restrict

SOON_WORKING_DAYS = 3


def _submitted() -> QuerySet[RequestEvent]:
    """The latest "submitted" event of the request in the outer query."""
    return RequestEvent.objects.filter(request=OuterRef("pk"), kind="submitted").order_by("-at", "-pk")


def _facts(row: AssistanceRequest) -> tuple[tuple[str, str, str], ...]:
    """What the approver must see before a deduction goes out (issue: the president does not approve
    without the debtor and the account): whom (names, ID numbers masked as on every list, R-ID-05),
    the measure, how much and where."""
    subject = subjects.subject_of(row, full=False)
    whom = "；".join(f"{person.name} {person.id_number}".strip() for person in subject.respondents)
    facts = [(_("Respondent"), whom or "—", "")]
    facts.append((_("Measure"), subject.asked or str(row.get_request_type_display()), ""))
    if subject.amount_text:
        facts.append((_("Amount"), subject.amount_text, "num"))
    if subject.account:
        facts.append((_("Account or certificate"), subject.account, ""))
    return tuple(facts)


class Requests:
    """Assistance requests awaiting approval (a deduction goes out only once approved)."""

    def _waiting(self, actor: Any) -> QuerySet[AssistanceRequest]:
        pending = restrict(AssistanceRequest.objects.all(), actor, Action.APPROVE_REQUEST, "case__court")
        # Four eyes (orgs.permissions.is_own_request): neither what the approver drafted nor what they
        # put before an approver is theirs to approve.
        return (
            pending.filter(status=RequestStatus.PENDING_APPROVAL)
            .annotate(submitter=Subquery(_submitted().values("actor_id")[:1]))
            .exclude(created_by_id=actor.pk)
            .filter(Q(submitter__isnull=True) | ~Q(submitter=actor.pk))
        )

    def _items(self, rows: QuerySet[AssistanceRequest], limit: int) -> list[home.QueueItem]:
        rows = (
            rows.select_related("case", "unit", "created_by")
            .prefetch_related(subjects.respondents_prefetch())
            .annotate(asked_at=Subquery(_submitted().values("at")[:1]))
        )
        return [
            home.QueueItem(
                what=_("%(type)s request") % {"type": row.get_request_type_display()},
                subject=row.case.number,
                detail=_("to %(unit)s: %(purpose)s") % {"unit": row.unit.name, "purpose": row.purpose},
                asked_by=str(row.created_by or ""),
                asked_at=row.asked_at or row.created_at,
                url=reverse("request-detail", args=[row.pk]),
                facts=_facts(row),
            )
            for row in rows.order_by("created_at", "pk")[:limit]
        ]

    def waiting(self, actor: Any, limit: int) -> list[home.QueueItem] | None:
        if not can(actor, Action.APPROVE_REQUEST):
            return None
        return self._items(self._waiting(actor), limit)

    def count(self, actor: Any, cap: int) -> int:
        if not can(actor, Action.APPROVE_REQUEST):
            return 0
        return self._waiting(actor).order_by()[:cap].count()

    def asked(self, actor: Any, limit: int) -> list[home.QueueItem] | None:
        if not can(actor, Action.SEND_REQUEST):
            return None
        mine = AssistanceRequest.objects.visible_to(actor).filter(
            status=RequestStatus.PENDING_APPROVAL, created_by_id=actor.pk
        )
        return self._items(mine, limit)


def _inbox_url(**filters: Any) -> str:
    return reverse("inbox") + ("?" + urlencode(filters) if filters else "")


def _unit_word(status: str) -> str:
    """A state as the unit reads it: the court's "sent" is, for the unit, new and not yet acknowledged
    (待签收); "acknowledged" is acknowledged and not yet started."""
    words = {
        RequestStatus.SENT: _("New, not yet acknowledged"),
        RequestStatus.ACKNOWLEDGED: _("Acknowledged, not yet started"),
        RequestStatus.IN_PROGRESS: _("In progress"),
    }
    return str(words.get(RequestStatus(status), RequestStatus(status).label))


def _inbox_panel(actor: Any, today: dt.date) -> home.Panel | None:
    """The unit's inbox in figures: how many wait in each state and by deadline, each a link into the
    inbox filtered so (one query over the unit's open requests, by the (unit, status, due_on) index)."""
    if not can(actor, Action.USE_INBOX):
        return None
    soon = compute_deadline(
        today, SOON_WORKING_DAYS, "working_days", rule_id="R-TIME-01", start_event="today"
    ).due
    open_rows = AssistanceRequest.objects.sent_to(actor.unit_id).filter(status__in=WITH_UNIT)
    figures = open_rows.order_by().aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in WITH_UNIT},
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        today=Count("pk", filter=Q(due_on=today)),
        soon=Count("pk", filter=Q(due_on__gt=today, due_on__lte=soon)),
    )
    states = [(_unit_word(status), figures[status], _inbox_url(status=status)) for status in WITH_UNIT]
    deadlines = [
        (_("Overdue"), figures["overdue"], _inbox_url(overdue="on")),
        (
            _("Due today"),
            figures["today"],
            _inbox_url(due_after=today.isoformat(), due_before=today.isoformat()),
        ),
        (
            _("Due within %(days)s working days") % {"days": SOON_WORKING_DAYS},
            figures["soon"],
            _inbox_url(due_within=SOON_WORKING_DAYS),
        ),
    ]
    return home.Panel(
        "inbox",
        _("Our inbox"),
        "linkage/panels/inbox.html",
        {"states": states, "deadlines": deadlines, "total": sum(figures[status] for status in WITH_UNIT)},
        link=reverse("inbox"),
        link_label=_("Open the inbox"),
        wide=True,
    )


def _by_unit_panel(actor: Any, today: dt.date) -> home.Panel | None:
    """The command centre: the court's requests still with a unit, by unit, the most overdue first
    (one grouped query over the court's open requests, by the (status, due_on) index)."""
    if not can(actor, Action.MONITOR_COURT):
        return None
    open_rows = restrict(
        AssistanceRequest.objects.all(), actor, Action.FOLLOW_REQUESTS, "case__court"
    ).filter(status__in=WITH_UNIT)
    rows = list(
        open_rows.order_by()
        .values("unit_id", "unit__name")
        .annotate(waiting=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("-overdue", "-waiting", "unit__name")[: home.PANEL_ROWS]
    )
    return home.Panel(
        "unanswered-by-unit",
        _("Requests unanswered, by unit"),
        "linkage/panels/by_unit.html",
        {"rows": rows},
        link=reverse("request-waiting") + "?scope=court",
        link_label=_("All waiting requests"),
    )


def _region_panel(actor: Any, today: dt.date) -> home.Panel | None:
    """A supervisor's region: its courts, and the requests still with a unit past their deadline, the
    longest overdue first; unit performance is a link (its figures read a whole period)."""
    if not can(actor, Action.SUPERVISE_REGION):
        return None
    late = AssistanceRequest.objects.visible_to(actor).filter(status__in=WITH_UNIT, due_on__lt=today)
    rows = list(late.select_related("case__court", "unit").order_by("due_on", "pk")[: home.PANEL_ROWS])
    for row in rows:
        row.days_overdue = (today - row.due_on).days  # type: ignore[attr-defined,operator]
    count = len(rows) if len(rows) < home.PANEL_ROWS else late.order_by()[: home.BADGE_CAP + 1].count()
    return home.Panel(
        "region",
        _("My region"),
        "linkage/panels/region.html",
        {
            "courts": list(Court.objects.visible_to(actor).order_by("code")[:50]),
            "rows": rows,
            "count": home.capped(count),
        },
        link=reverse("unit-performance"),
        link_label=_("Unit performance"),
        wide=True,
    )


def _lists_panel(actor: Any, today: dt.date) -> home.Panel | None:
    """Set-up status: the responsibility lists (shipped defaults, and how many overrides)."""
    if not can(actor, Action.VIEW_SETUP):
        return None
    overrides = Responsibility.objects.order_by()[: home.BADGE_CAP + 1].count()
    return home.Panel(
        "setup-lists",
        _("Responsibility lists"),
        "linkage/panels/lists.html",
        {"overrides": home.capped(overrides)},
        link=reverse("admin:linkage_responsibility_changelist") if can(actor, Action.OPEN_ADMIN) else "",
        link_label=_("Open the lists"),
    )


def inbox_badge(actor: Any, cap: int) -> int | None:
    """The unit's requests waiting for it to act: sent, acknowledged or in progress."""
    if not can(actor, Action.USE_INBOX):
        return None
    return (
        AssistanceRequest.objects.sent_to(actor.unit_id).filter(status__in=WITH_UNIT).order_by()[:cap].count()
    )


def waiting_badge(actor: Any, cap: int) -> int | None:
    """My cases' requests still with a unit."""
    if not can(actor, Action.FOLLOW_REQUESTS):
        return None
    mine = restrict(AssistanceRequest.objects.all(), actor, Action.FOLLOW_REQUESTS, "case__court")
    return mine.filter(case__officer_id=actor.pk, status__in=WITH_UNIT).order_by()[:cap].count()


def register() -> None:
    home.register_approvals("linkage.requests", Requests())
    home.register_panel("inbox", _inbox_panel, order=10)
    home.register_panel("unanswered-by-unit", _by_unit_panel, order=30)
    home.register_panel("region", _region_panel, order=10)
    home.register_panel("setup-lists", _lists_panel, order=60)
    home.register_badge("inbox", inbox_badge)
    home.register_badge("waiting", waiting_badge)
