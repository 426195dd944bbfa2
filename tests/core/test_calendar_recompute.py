"""A changed holiday calendar recomputes the open clocks that cross a changed day, each on the trail;
finished clocks keep their date and trace (issue 12 §7, R-TIME-01, R-TIME-02)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enforcelink.cases.actions import record_step
from enforcelink.cases.models import NodeKind, NodeStatus, ProcessNode
from enforcelink.core import audit, calendar, holidays
from enforcelink.core.calendar import next_working_day
from enforcelink.core.holidays import DayInput
from enforcelink.core.models import AuditEvent, CalendarVersion
from enforcelink.linkage.actions import Ask, request_create, request_send
from enforcelink.linkage.models import AssistanceRequest, RequestEvent
from enforcelink.urging.actions import judgment_register
from tests.factories import file_case
from tests.urging.conftest import registration

pytestmark = pytest.mark.django_db


def make_holiday(day: dt.date) -> holidays.CalendarChange:
    return holidays.calendar_load(
        {day.year: [DayInput(day, "holiday", "测试")]}, source="test notice", published_on=None, actor="test"
    )


def node(case, kind):
    return ProcessNode.objects.get(case=case, kind=kind)


def test_open_nodes_crossing_the_day_move_and_finished_ones_keep_their_trace(world):
    today = timezone.localdate()
    case = file_case(world.court, world.president, filed_on=today - dt.timedelta(days=2))
    notice, report, inquiry = (node(case, kind) for kind in
                               (NodeKind.EXECUTION_NOTICE, NodeKind.PROPERTY_REPORT, NodeKind.NETWORK_INQUIRY))  # fmt: skip
    record_step(case, step="property_report_sent", actor=world.president)
    report.refresh_from_db()
    assert report.status == NodeStatus.DONE and report.due_on == notice.due_on
    day = notice.due_on  # a working day: the 7-day notice clock ends on it
    assert inquiry.due_on < day
    done_trace = report.trace

    change = make_holiday(day)

    assert change.changed_dates == [day]
    assert change.recomputed == {"cases.nodes": 1, "urging.judgments": 0, "linkage.requests": 0}
    notice.refresh_from_db()
    assert notice.due_on == next_working_day(day + dt.timedelta(days=1))
    assert notice.trace["history"] == [
        {"due": day.isoformat(), "changed_by": {"calendar": CalendarVersion.objects.get().version,
                                                "dates": [day.isoformat()]}}
    ]  # fmt: skip
    assert notice.trace["calendar_days"] == [f"{day.isoformat()} holiday 测试"]
    assert notice.trace["steps"][-1].endswith(f"is not a working day: moved to {notice.due_on.isoformat()}")
    event = AuditEvent.objects.get(action="node.recomputed")
    assert (event.case_id, event.before, event.after["due_on"]) == (
        case.pk,
        {"due_on": day.isoformat()},
        notice.due_on.isoformat(),
    )
    report.refresh_from_db()
    inquiry_after = node(case, NodeKind.NETWORK_INQUIRY)
    assert (report.due_on, report.trace) == (day, done_trace)  # closed: untouched
    assert (inquiry_after.due_on, inquiry_after.trace) == (
        inquiry.due_on,
        inquiry.trace,
    )  # ends before the day


def test_a_sent_request_sla_is_recomputed_with_an_event(world):
    case = file_case(world.court, world.officer, principal="50000.00")
    ask = Ask(
        world.unit, "inquire_deposits", purpose="查询被执行人存款以便执行", legal_basis="民诉法第二百五十三条"
    )
    sent = request_send(request_create(case, ask, actor=world.officer), actor=world.officer)
    draft = request_create(case, ask, actor=world.officer)  # not sent: no clock
    sent_on = timezone.localdate(sent.sent_at)
    first = next_working_day(sent_on + dt.timedelta(days=1))  # the first day the SLA counts
    before = sent.due_on

    change = make_holiday(first)

    assert change.recomputed["linkage.requests"] == 1
    sent.refresh_from_db()
    assert sent.due_on == next_working_day(before + dt.timedelta(days=1))  # one working day more
    assert sent.due_trace["history"][0]["due"] == before.isoformat()
    assert sent.due_trace["calendar_days"] == [f"{first.isoformat()} holiday 测试"]
    event = RequestEvent.objects.get(request=sent, kind="due_recomputed")
    assert (
        event.data["before_due_on"] == before.isoformat() and event.data["due_on"] == sent.due_on.isoformat()
    )
    assert event.status_before == event.status_after == sent.status
    assert AuditEvent.objects.filter(action="request.due_recomputed", object_id=str(sent.pk)).exists()
    assert not RequestEvent.objects.filter(request=draft, kind="due_recomputed").exists()


def test_a_request_still_overdue_after_the_move_is_not_escalated_twice(world):
    """Review: the listener cleared `escalated_on` whatever the new date, so a request still overdue was
    escalated a second time; only one no longer overdue gets its escalation back."""
    case = file_case(world.court, world.officer, principal="50000.00")
    ask = Ask(
        world.unit, "inquire_deposits", purpose="查询被执行人存款以便执行", legal_basis="民诉法第二百五十三条"
    )
    sent = request_send(request_create(case, ask, actor=world.officer), actor=world.officer)
    today = timezone.localdate()
    long_ago = timezone.now() - dt.timedelta(days=20)
    AssistanceRequest.objects.filter(pk=sent.pk).update(
        sent_at=long_ago, due_on=today - dt.timedelta(days=1), escalated_on=today, reminded_on=today
    )
    first = next_working_day(timezone.localdate(long_ago) + dt.timedelta(days=1))

    assert make_holiday(first).recomputed["linkage.requests"] == 1

    sent.refresh_from_db()
    assert sent.due_on < today and sent.escalated_on == today and sent.reminded_on is None


def test_a_thread_refilling_the_shared_copy_does_not_hide_the_change(world, monkeypatch):
    """Review: the change compared working days through the process's shared copy of the table, which
    another thread may refill with the committed (old) table at any moment: then no day had changed and
    nothing was recomputed. Here every `invalidate()` is followed at once by such a refill."""
    stale = calendar.HolidayTable()
    monkeypatch.setattr(calendar, "invalidate", lambda: calendar.use_table(stale, hold=True))
    judgment = judgment_register(registration(world.court, judge=world.officer), actor=world.officer)
    before = judgment.due_on

    change = make_holiday(before)

    assert change.changed_dates == [before] and change.recomputed["urging.judgments"] == 1
    judgment.refresh_from_db()
    assert judgment.due_on == next_working_day(before + dt.timedelta(days=1))


def test_an_open_judgment_deadline_is_recomputed_and_a_decided_one_kept(world):
    judgment = judgment_register(registration(world.court, judge=world.officer), actor=world.officer)
    before, trace = judgment.due_on, judgment.due_trace

    make_holiday(before)

    judgment.refresh_from_db()
    assert judgment.due_on == next_working_day(before + dt.timedelta(days=1))
    assert judgment.due_trace["history"][0]["due"] == before.isoformat()
    assert trace["due"] == before.isoformat()
    assert AuditEvent.objects.filter(action="judgment.due_recomputed").count() == 1


def test_a_change_no_clock_crosses_recomputes_nothing(world):
    today = timezone.localdate()
    case = file_case(world.court, world.president, filed_on=today - dt.timedelta(days=2))
    traces = {n.pk: (n.due_on, n.trace) for n in ProcessNode.objects.filter(case=case)}
    far = next_working_day(today + dt.timedelta(days=400))
    change = make_holiday(far)
    assert change.recomputed == {"cases.nodes": 0, "urging.judgments": 0, "linkage.requests": 0}
    assert {n.pk: (n.due_on, n.trace) for n in ProcessNode.objects.filter(case=case)} == traces
    assert not AuditEvent.objects.filter(action="node.recomputed").exists()


def test_a_clock_computed_by_a_process_with_the_old_table_is_caught_by_the_recheck(
    world, django_capture_on_commit_callbacks
):
    """Other processes see a change within REFRESH_SECONDS; the recheck enqueued after commit runs once
    they all have, and moves what one of them computed with the old table meanwhile (only that)."""
    from django_tasks_db.models import DBTaskResult

    from enforcelink.core import calendar
    from enforcelink.core.holidays import calendar_recheck

    today = timezone.localdate()
    filed = next(
        today - dt.timedelta(days=n)
        for n in range(7)
        if next_working_day(today - dt.timedelta(days=n - 7)) == today - dt.timedelta(days=n - 7)
    )
    day = filed + dt.timedelta(days=7)  # a working day: the notice clock of a case filed then ends on it
    with django_capture_on_commit_callbacks(execute=True):
        make_holiday(day)
    seq = CalendarVersion.objects.get().version
    queued = DBTaskResult.objects.get(task_path="enforcelink.core.holidays.calendar_recheck")
    assert queued.run_after >= timezone.now() + dt.timedelta(seconds=calendar.REFRESH_SECONDS)
    assert queued.args_kwargs["kwargs"]["dates"] == [day.isoformat()]

    calendar.use_table(calendar.HolidayTable(), hold=True)  # another process, not yet reloaded
    case = file_case(world.court, world.president, filed_on=filed)
    assert node(case, NodeKind.EXECUTION_NOTICE).due_on == day

    # The notice and the property-report order (a money case) both end on the day.
    assert calendar_recheck.call(dates=[day.isoformat()], change=seq)["cases.nodes"] == 2
    notice = node(case, NodeKind.EXECUTION_NOTICE)
    assert notice.due_on == next_working_day(day + dt.timedelta(days=1))
    assert notice.trace["history"][0]["changed_by"] == {"calendar": seq, "dates": [day.isoformat()]}
    events = AuditEvent.objects.filter(action="node.recomputed")
    assert {event.actor_label for event in events} == {"task:calendar_recheck"} and events.count() == 2
    assert calendar_recheck.call(dates=[day.isoformat()], change=seq)["cases.nodes"] == 0  # nothing left


def test_a_recheck_queued_under_the_old_task_path_still_runs():
    """A row queued before the task moved into `core.holidays` names `core.tasks.calendar_recheck`;
    the worker imports that path, which must still be the task."""
    from django.utils.module_loading import import_string

    from enforcelink.core.holidays import calendar_recheck

    assert import_string("enforcelink.core.tasks.calendar_recheck") is calendar_recheck


def test_a_change_locks_the_audit_heads_once_in_ascending_order(world, monkeypatch):
    """Review of §5, finding 5: each listener appended for its own courts, then the change's own event
    locked the platform head last: heads locked out of ascending order, a deadlock with a writer
    appending for several courts. Now one append, after the clocks' rows: every head once, in order."""
    today = timezone.localdate()
    cases = [
        file_case(court, filed_on=today - dt.timedelta(days=2)) for court in (world.other_court, world.court)
    ]
    day = node(cases[0], NodeKind.EXECUTION_NOTICE).due_on
    assert day == node(cases[1], NodeKind.EXECUTION_NOTICE).due_on
    locked: list[list[int]] = []
    lock_heads = audit.lock_heads

    def spy(chains):
        locked.append(list(chains))
        return lock_heads(chains)

    monkeypatch.setattr(audit, "lock_heads", spy)
    change = make_holiday(day)
    assert change.recomputed["cases.nodes"] >= 2  # clocks of both courts moved
    assert locked == [sorted([0, world.court.pk, world.other_court.pk])]
    # The second look after commit runs the same listeners: one append as well.
    from enforcelink.core.holidays import calendar_recheck

    ProcessNode.objects.filter(case__in=cases, kind=NodeKind.EXECUTION_NOTICE).update(due_on=day)
    locked.clear()
    assert calendar_recheck.call(dates=[day.isoformat()], change=0)["cases.nodes"] == 2
    assert locked == [sorted([world.court.pk, world.other_court.pk])]
    recorded = AuditEvent.objects.filter(action__in=["node.recomputed", "calendar.changed"]).order_by(
        "created_at", "seq"
    )
    assert {event.court_id for event in recorded} == {None, world.court.pk, world.other_court.pk}
