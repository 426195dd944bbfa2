"""R-CASE-02: a money case's network inquiry goes out right after filing, in a task enqueued when
the filing commits (filing stays fast; a failing unit does not fail it), and its clock completes
once every unit has answered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from enforcelink.assets.actions import (
    FILING_PURPOSE,
    NO_OFFICER,
    filing_inquiry,
    filing_inquiry_task,
    inquiry_start,
    network_inquiry_complete,
)
from enforcelink.assets.models import Inquiry
from enforcelink.cases.actions import record_step
from enforcelink.cases.models import Case, NodeKind, NodeStatus, ProcessNode
from enforcelink.core.models import AuditEvent
from enforcelink.linkage.models import AssistanceRequest
from tests.assets.conftest import ACCOUNT, NOTHING, answer, refuse
from tests.factories import file_case

pytestmark = pytest.mark.usefixtures("english")


def _today_case(world, **overrides):
    return file_case(world.court, world.officer, filed_on=timezone.localdate(), **overrides)


def _node(case):
    return ProcessNode.objects.get(case=case, kind=NodeKind.NETWORK_INQUIRY)


def test_filing_a_money_case_enqueues_its_inquiry_after_commit(
    world, units, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _today_case(world)
    queued = DBTaskResult.objects.get(task_path="enforcelink.assets.actions.filing_inquiry_task")
    assert queued.args_kwargs == {"args": [case.pk], "kwargs": {}}
    assert not AssistanceRequest.objects.exists()  # nothing sent inside the filing
    assert filing_inquiry_task.call(case.pk) == 9
    inquiry = Inquiry.objects.get()
    assert inquiry.automatic and inquiry.requested_by is None and inquiry.purpose == FILING_PURPOSE
    # Sent in the name of the case's officer (承办人), whose court's directory and permissions apply.
    assert set(AssistanceRequest.objects.values_list("created_by", flat=True)) == {case.officer_id}
    event = AuditEvent.objects.get(action="inquiry.started")
    assert event.actor_label == "assets:filing-inquiry" and event.after["automatic"] is True
    assert filing_inquiry_task.call(case.pk) == 0  # a task run twice asks once
    assert Inquiry.objects.count() == 1


def test_no_automatic_inquiry_for_a_non_money_or_an_imported_case(
    world, units, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _today_case(world, is_money_case=False, principal="0")
        _today_case(world, imported=True)
    assert not DBTaskResult.objects.filter(task_path__startswith="enforcelink.assets").exists()


def test_without_an_officer_the_inquiry_says_so_and_sends_nothing(world, units):
    case = _today_case(world)
    Case.objects.filter(pk=case.pk).update(officer=None)
    report = filing_inquiry(case.pk)
    assert report is not None and report.made == []
    assert [row["code"] for row in Inquiry.objects.get().refusals] == [NO_OFFICER]


def test_the_network_inquiry_clock_completes_when_every_unit_has_answered(
    world, units, django_capture_on_commit_callbacks
):
    case = _today_case(world)
    report = filing_inquiry(case.pk)
    requests = sorted(report.made, key=lambda r: r.pk)
    for request in requests[:-1]:
        answer(units, request, NOTHING) if request.request_type != "inquire_deposits" else answer(
            units, request, {"found": True, "accounts": [ACCOUNT]}
        )
    assert network_inquiry_complete(case.pk) is False  # one unit still owes its answer
    assert _node(case).status == NodeStatus.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        refuse(units, requests[-1])
    queued = DBTaskResult.objects.filter(task_path="enforcelink.assets.actions.network_inquiry_task")
    assert queued.exists()
    assert network_inquiry_complete(case.pk) is True
    node = _node(case)
    assert node.status == NodeStatus.DONE and node.completed_on == timezone.localdate()
    step = AuditEvent.objects.get(action="step.network_inquiry_done")
    assert (
        step.actor_label == "assets:inquiry-replies"
        and node.completed_by == f"network_inquiry_done#{step.seq}"
    )
    assert network_inquiry_complete(case.pk) is False  # done once


def test_a_clock_completed_by_hand_is_left_alone(world, units):
    case = _today_case(world)
    report = filing_inquiry(case.pk)
    record_step(case, step="network_inquiry_done", actor=world.officer)
    for request in report.made:
        answer(units, request, NOTHING)
    assert network_inquiry_complete(case.pk) is False
    assert AuditEvent.objects.filter(action="step.network_inquiry_done").count() == 1


def test_only_the_first_inquiry_counts(world, units):
    """A later one-click inquiry does not hold back (or complete) the clock of the first."""
    case = _today_case(world)
    first = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    second = inquiry_start(case, actor=world.officer, kinds=["inquire_vehicles"])
    answer(units, first.made[0], NOTHING)
    assert second.made[0].status == "sent"
    assert network_inquiry_complete(case.pk) is True


def test_the_day_of_the_last_answer_is_the_step_day(world, units):
    case = file_case(world.court, world.officer, filed_on=timezone.localdate() - dt.timedelta(days=5))
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    answer(units, report.made[0], NOTHING)
    yesterday = timezone.now() - dt.timedelta(days=1)
    AssistanceRequest.objects.filter(pk=report.made[0].pk).update(completed_at=yesterday)
    assert network_inquiry_complete(case.pk) is True
    assert _node(case).completed_on == timezone.localdate(yesterday)


def test_an_inquiry_that_sent_nothing_waits_for_no_answer(world, units):
    """No officer at filing: the automatic inquiry sent nothing; the officer's later one is the
    network inquiry whose answers complete the clock."""
    case = _today_case(world)
    officer = case.officer
    Case.objects.filter(pk=case.pk).update(officer=None)
    assert filing_inquiry(case.pk).made == []
    Case.objects.filter(pk=case.pk).update(officer=officer)
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    assert network_inquiry_complete(case.pk) is False
    answer(units, report.made[0], NOTHING)
    assert network_inquiry_complete(case.pk) is True
