"""The daily backstop of the network-inquiry clock (R-CASE-02): every unit has answered the first
inquiry but the completion was missed (the answer's task lost, an answer that announced nothing);
the sweep completes the clock as the answers would have, once, choosing its cases in one query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enforcelink.assets import inquiry_clock
from enforcelink.assets.actions import filing_inquiry, inquiry_start, network_inquiry_complete
from enforcelink.cases.actions import case_close, record_step
from enforcelink.cases.models import NodeKind, NodeStatus, ProcessNode
from enforcelink.core import audit
from enforcelink.core import sweeps as core_sweeps
from enforcelink.core.models import AuditEvent
from enforcelink.linkage.actions import request_cancel
from enforcelink.linkage.models import AssistanceRequest, RequestStatus
from tests.assets.conftest import NOTHING, answer, refuse
from tests.core.test_sweeps import memory_sqlite, run_in_threads
from tests.factories import file_case

pytestmark = pytest.mark.usefixtures("english")


def today() -> dt.date:
    return timezone.localdate()


def _case(world, days_ago=0):
    return file_case(world.court, world.officer, filed_on=today() - dt.timedelta(days=days_ago))


def _node(case):
    return ProcessNode.objects.get(case=case, kind=NodeKind.NETWORK_INQUIRY)


def _steps(case=None):
    rows = AuditEvent.objects.filter(action="step.network_inquiry_done")
    return rows.filter(case_id=case.pk) if case is not None else rows


def answered_without_task(world, units, days_ago=0):
    """A case whose automatic inquiry every unit answered, one refusing; the tasks the answers
    enqueue after their commit never run (no worker was up)."""
    case = _case(world, days_ago)
    report = filing_inquiry(case.pk)
    requests = sorted(report.made, key=lambda r: r.pk)
    for request in requests[:-1]:
        answer(units, request, NOTHING)
    refuse(units, requests[-1])
    return case


def test_a_clock_whose_answers_task_was_lost_is_completed_by_the_sweep_once(world, units):
    case = answered_without_task(world, units)
    assert _node(case).status == NodeStatus.OPEN  # nothing completed it
    assert inquiry_clock.sweep_network_inquiries(today()) == 1
    node = _node(case)
    assert node.status == NodeStatus.DONE and node.completed_on == today()
    step = _steps(case).get()
    assert (
        step.actor_label == "assets:inquiry-replies"
        and node.completed_by == f"network_inquiry_done#{step.seq}"
    )
    assert inquiry_clock.sweep_network_inquiries(today()) == 0
    assert inquiry_clock.sweep_network_inquiries(today() + dt.timedelta(days=1)) == 0
    assert network_inquiry_complete(case.pk) is False  # the late task finds it done
    assert _steps(case).count() == 1
    assert audit.verify() is None


def test_answers_that_announced_nothing_complete_the_clock_on_the_last_answers_day(world, units):
    case = _case(world, days_ago=5)
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits", "inquire_vehicles"])
    yesterday = timezone.now() - dt.timedelta(days=1)
    AssistanceRequest.objects.filter(pk__in=[r.pk for r in report.made]).update(
        status=RequestStatus.COMPLETED, completed_at=yesterday
    )  # no event, no task
    assert inquiry_clock.sweep_network_inquiries(today()) == 1
    assert _node(case).completed_on == timezone.localdate(yesterday)


def test_only_clocks_whose_answers_are_all_in_are_read_in_one_query(
    world, units, django_assert_num_queries, django_capture_on_commit_callbacks
):
    awaiting = _case(world)
    report = inquiry_start(awaiting, actor=world.officer, kinds=["inquire_deposits", "inquire_vehicles"])
    answer(units, report.made[0], NOTHING)  # the other unit still owes its answer
    withdrawn = _case(world)
    for request in inquiry_start(withdrawn, actor=world.officer, kinds=["inquire_deposits"]).made:
        request_cancel(request, reason="重复发送", actor=world.officer)  # cancelled: answered by nobody
    by_hand = answered_without_task(world, units)
    record_step(by_hand, step="network_inquiry_done", actor=world.officer)
    closed = answered_without_task(world, units)
    case_close(
        closed, mode="cancelled", closed_on=today(), details={"reason": "duplicate"}, actor=world.officer
    )
    _case(world)  # asked nothing yet
    with django_assert_num_queries(1):
        assert inquiry_clock.sweep_network_inquiries(today()) == 0
    assert _node(awaiting).status == NodeStatus.OPEN and _node(withdrawn).status == NodeStatus.OPEN
    assert _steps(by_hand).count() == 1 and not _steps(closed).exists()


def test_the_sweep_is_registered_and_runs_once_a_day(world, units):
    case = answered_without_task(world, units)
    first = {o.name: o for o in core_sweeps.run_due(today())}
    assert first["network_inquiries"].ran and first["network_inquiries"].result == 1
    second = {o.name: o for o in core_sweeps.run_due(today())}
    assert not second["network_inquiries"].ran
    assert _node(case).status == NodeStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_workers_sweeping_at_once_complete_each_clock_once(world, units):
    """Four workers with their own connections (PostgreSQL), with the answer's late task among them:
    each clock is completed once and the trail holds one step per case."""
    if memory_sqlite():
        pytest.skip("an in-memory SQLite database is private to one connection; PostgreSQL run covers this")
    cases = [answered_without_task(world, units) for _ in range(3)]
    done = run_in_threads(4, lambda: inquiry_clock.sweep_network_inquiries(today()))
    late = run_in_threads(3, lambda: network_inquiry_complete(cases[0].pk))
    assert sum(done) == 3 and not any(late)  # type: ignore[arg-type]
    for case in cases:
        assert _node(case).status == NodeStatus.DONE and _steps(case).count() == 1
    assert audit.verify() is None
