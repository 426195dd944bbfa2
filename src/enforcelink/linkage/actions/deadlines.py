"""The SLA clock of a request: its due date when it goes out (R-TIME-01, R-TIME-02), the hourly
reminders and escalation (issue 4 §5), and the recomputation after a holiday-calendar change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.core.actors import SYSTEM
from enforcelink.core.calendar import Deadline, with_history
from enforcelink.core.notifications import Note, notify_all
from enforcelink.core.sweeps import claim_each
from enforcelink.linkage import policy
from enforcelink.linkage.actions.trail import trail_step, write_trail
from enforcelink.linkage.models import WITH_UNIT, AssistanceRequest
from enforcelink.orgs.models import Role, User
from enforcelink.orgs.permissions import Actor


def schedule(request: AssistanceRequest, due_dates: dict[tuple[Any, ...], Any] | None = None) -> None:
    """Sent: the SLA clock starts (once: a re-sent request keeps its first day)."""
    request.sent_at = request.sent_at or timezone.now()
    key = (timezone.localdate(request.sent_at), request.sla_amount, request.sla_unit, request.paused_days)
    deadline = due_dates.get(key) if due_dates is not None else None
    if deadline is None:
        deadline = policy.due_date(
            key[0], request.sla_amount, request.sla_unit, paused_days=request.paused_days
        )
        if due_dates is not None:
            due_dates[key] = deadline
    request.due_on, request.due_trace = deadline.due, deadline.trace


# --- reminders and escalation (issue 4 §5) --------------------------------------------------------


REMIND_WITHIN_DAYS = 1  # the liaison hears about a request the day before it is due


def _notify_unit(request: AssistanceRequest, roles: set[str], kind: str, message: str) -> list[Note]:
    people = User.objects.filter(unit_id=request.unit_id, role__in=roles, is_active=True).values_list(
        "pk", flat=True
    )
    url = reverse("request-detail", args=[request.pk])
    return [Note(pk, kind, message, url, request.case_id) for pk in people]


def sweep_requests(today: dt.date) -> int:
    """Remind liaisons of requests due soon and escalate overdue ones to the unit's leader and the
    case's officer, each once however many workers sweep: rows are claimed by a conditional UPDATE."""
    return _remind_due(today) + _escalate_overdue(today)


def _remind_due(today: dt.date) -> int:
    soon = today + dt.timedelta(days=REMIND_WITHIN_DAYS)
    due = Q(status__in=WITH_UNIT, reminded_on__isnull=True, due_on__lte=soon, due_on__gte=today)

    def remind(won: list[dict[str, Any]]) -> None:
        notes = []
        for request in AssistanceRequest.objects.filter(pk__in=[row["pk"] for row in won]).select_related(
            "case"
        ):
            message = _("Assistance request for case %(case)s is due on %(due)s.") % {
                "case": request.case.number, "due": request.due_on}  # fmt: skip
            notes += _notify_unit(request, {Role.LIAISON}, "request.due_soon", message)
        notify_all(notes)

    return claim_each(AssistanceRequest.objects.all(), due, {"reminded_on": today}, remind)


def _escalate_overdue(today: dt.date) -> int:
    due = Q(status__in=WITH_UNIT, escalated_on__isnull=True, due_on__lt=today)

    def escalate(won: list[dict[str, Any]]) -> None:
        notes, trail = [], []
        requests = AssistanceRequest.objects.filter(pk__in=[row["pk"] for row in won]).select_related(
            "case__court", "unit"
        )
        for request in requests.order_by("pk"):
            message = _("%(unit)s has not answered the request for case %(case)s, due on %(due)s.") % {
                "unit": request.unit.name, "case": request.case.number, "due": request.due_on}  # fmt: skip
            notes += _notify_unit(request, {Role.UNIT_LEADER}, "request.overdue", message)
            if request.case.officer_id:
                notes.append(Note(request.case.officer_id, "request.overdue", message,
                                  reverse("request-detail", args=[request.pk]), request.case_id))  # fmt: skip
            trail.append(
                trail_step(request, "escalated", request.status, actor=SYSTEM, due_on=request.due_on)
            )
        notify_all(notes)
        write_trail(trail)

    return claim_each(AssistanceRequest.objects.all(), due, {"escalated_on": today}, escalate)


# --- a changed holiday calendar (R-TIME-01, R-TIME-02) ---------------------------------------------


def requests_recompute_for_calendar(*, dates: frozenset[dt.date], actor: Actor, change: int) -> int:
    """Listener of `calendar.changed`: the SLA clocks running with a unit (sent, acknowledged, in
    progress) whose period crosses a changed day are recomputed from the first sending with the days
    already spent back with the court; each whose due date moves keeps the earlier one in its trace,
    gets a `due_recomputed` event and its own reminder. Answered, cancelled and returned requests keep
    theirs (a returned one is recomputed when re-sent). Returns how many moved."""
    if not dates:
        return 0
    candidates = AssistanceRequest.objects.select_for_update(of=("self",)).filter(
        status__in=WITH_UNIT, sent_at__isnull=False, due_on__gte=min(dates)
    )
    moved, trail = [], []
    for request in candidates.select_related("case").order_by("pk"):
        assert request.due_on is not None and request.sent_at is not None
        sent_on = timezone.localdate(request.sent_at)
        touched = sorted(day.isoformat() for day in dates if sent_on < day <= request.due_on)
        if not touched:
            continue
        before, old_trace = request.due_on, request.due_trace
        schedule(request)
        if request.due_on == before:
            continue
        reason: dict[str, Any] = {"calendar": change, "dates": touched}
        request.due_trace = with_history(
            before, old_trace, Deadline(request.due_on, request.due_trace), reason
        )
        request.reminded_on = None  # the new deadline gets its own reminder
        if request.due_on >= timezone.localdate():
            request.escalated_on = None  # and, no longer overdue, its own escalation when it is again
        moved.append(request)
        trail.append(trail_step(request, "due_recomputed", request.status, actor=actor, before_due_on=before,
                            due_on=request.due_on, **reason))  # fmt: skip
    AssistanceRequest.objects.bulk_update(moved, ["due_on", "due_trace", "reminded_on", "escalated_on"])
    write_trail(trail)
    return len(moved)
