"""Issue 4 §5: due-soon reminders to the liaison, overdue escalation to the unit's leader and the
officer, each exactly once."""

from __future__ import annotations

import datetime as dt

from enforcelink.core.models import Notification
from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest, RequestEvent
from enforcelink.orgs.models import Role
from tests.factories import UserFactory


def test_reminder_then_escalation_each_once(world, draft):
    leader = UserFactory(username="bank_leader", unit=world.unit, role=Role.UNIT_LEADER)
    sent = actions.request_send(draft, actor=world.officer)
    day_before = sent.due_on - dt.timedelta(days=1)
    assert actions.sweep_requests(day_before) == 1
    assert actions.sweep_requests(day_before) == 0
    assert Notification.objects.filter(kind="request.due_soon", user=world.liaison).count() == 1
    after = sent.due_on + dt.timedelta(days=1)
    assert actions.sweep_requests(after) == 1
    assert actions.sweep_requests(after) == 0
    assert Notification.objects.filter(kind="request.overdue", user=leader).count() == 1
    assert Notification.objects.filter(kind="request.overdue", user=draft.case.officer).count() == 1
    assert RequestEvent.objects.filter(request=draft, kind="escalated").count() == 1


def test_answered_and_draft_requests_are_left_alone(world, draft):
    actions.request_send(draft, actor=world.officer)
    actions.request_complete(draft, result={"found": False}, actor=world.liaison)
    other = actions.request_create(draft.case, draft_ask(world), actor=world.officer)
    AssistanceRequest.objects.filter(pk=other.pk).update(due_on=dt.date(2020, 1, 1))
    assert actions.sweep_requests(dt.date(2030, 1, 1)) == 0


def draft_ask(world):
    from tests.linkage.conftest import ask

    return ask(world.unit)


def test_the_linkage_sweep_runs_hourly_so_a_request_sent_after_the_mornings_pass_is_reminded(
    world, draft, case
):
    """A daily claim would leave a request sent after the day's first pass, and due tomorrow,
    unreminded until its due day; the linkage sweep claims each hour instead (each request is
    still reminded once: its own `reminded_on` claim)."""
    from django.utils import timezone

    from enforcelink.core import sweeps
    from enforcelink.core.models import PeriodicClaim

    sent = actions.request_send(draft, actor=world.officer)
    day_before = sent.due_on - dt.timedelta(days=1)
    nine = timezone.make_aware(dt.datetime.combine(day_before, dt.time(9, 5)))
    first = {o.name: o for o in sweeps.run_due(now=nine)}
    assert first["linkage_requests"].ran and first["linkage_requests"].result == 1
    assert first["linkage_requests"].period == f"{day_before.isoformat()}T09"
    assert first["overdue_nodes"].period == day_before.isoformat()  # the others stay daily
    again = {o.name: o for o in sweeps.run_due(now=nine + dt.timedelta(minutes=40))}
    assert not again["linkage_requests"].ran  # the same hour: claimed

    later = actions.request_create(case, draft_ask(world), actor=world.officer)
    actions.request_send(later, actor=world.officer)
    AssistanceRequest.objects.filter(pk=later.pk).update(due_on=sent.due_on)  # sent at 14:00, due tomorrow
    afternoon = {o.name: o for o in sweeps.run_due(now=nine + dt.timedelta(hours=5))}
    assert afternoon["linkage_requests"].ran and afternoon["linkage_requests"].result == 1
    assert not afternoon["overdue_nodes"].ran
    assert Notification.objects.filter(kind="request.due_soon", user=world.liaison).count() == 2
    assert PeriodicClaim.objects.filter(name="linkage_requests").count() == 2
