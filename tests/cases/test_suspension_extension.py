"""Periods not counted and extensions of the closure period (R-CASE-03), with the trace (R-TIME-02)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enforcelink.cases import policy
from enforcelink.cases.actions import (
    extension_decide,
    extension_request,
    record_step,
    suspension_end,
    suspension_start,
)
from enforcelink.cases.models import ExtensionStatus, NodeKind, NodeStatus, ProcessNode
from enforcelink.core.calendar import compute_deadline
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.models import AuditEvent, Notification
from enforcelink.orgs.permissions import Action, can
from tests.cases.conftest import days_ago, node_of
from tests.factories import file_case


def test_suspension_pauses_and_then_pushes_the_closure_deadline_r_case_03(world, fresh_case):
    closure = node_of(fresh_case, NodeKind.CLOSURE)
    original_due = closure.due_on
    suspension = suspension_start(
        fresh_case, kind="audit", started_on=days_ago(6), reason="委托评估", actor=world.officer
    )
    assert node_of(fresh_case, NodeKind.CLOSURE).status == NodeStatus.SUSPENDED
    suspension_end(suspension, ended_on=days_ago(2), actor=world.officer)
    closure = node_of(fresh_case, NodeKind.CLOSURE)
    suspension.refresh_from_db()
    assert suspension.excluded_days == 4
    assert closure.status == NodeStatus.OPEN and closure.excluded_days == 4
    expected = compute_deadline(
        fresh_case.filed_on, 6, "months", rule_id="R-CASE-03", start_event="case.filed", excluded_days=4
    )
    assert closure.due_on == expected.due >= original_due
    # R-TIME-02: the trace says why, and keeps the earlier date.
    assert closure.trace["excluded_days"] == 4
    assert any("not counted" in step for step in closure.trace["steps"])
    assert closure.trace["history"][0]["due"] == original_due.isoformat()
    assert closure.trace["history"][0]["changed_by"]["suspension"] == suspension.pk
    actions = list(AuditEvent.objects.filter(case_id=fresh_case.pk).values_list("action", flat=True))
    assert actions[-2:] == ["case.suspension_started", "case.suspension_ended"]


def test_only_one_period_at_a_time_and_no_overlap_r_case_03(world, fresh_case):
    first = suspension_start(
        fresh_case, kind="auction", started_on=days_ago(8), reason="拍卖", actor=world.officer
    )
    with pytest.raises(RuleViolation) as caught:
        suspension_start(fresh_case, kind="audit", started_on=days_ago(7), reason="审计", actor=world.officer)
    assert caught.value.code == "SUSPENSION_OPEN"
    suspension_end(first, ended_on=days_ago(5), actor=world.officer)
    with pytest.raises(RuleViolation) as caught:
        suspension_start(fresh_case, kind="audit", started_on=days_ago(6), reason="审计", actor=world.officer)
    assert caught.value.code == "SUSPENSION_OVERLAP" and caught.value.field == "started_on"
    with pytest.raises(RuleViolation) as caught:
        suspension_end(first, ended_on=days_ago(1), actor=world.officer)
    assert caught.value.code == "SUSPENSION_ENDED"


@pytest.mark.parametrize(
    ("kind", "reason", "code", "field"),
    [("holiday", "x", "SUSPENSION_KIND_INVALID", "kind"), ("settlement", " ", "REASON_REQUIRED", "reason")],
)
def test_suspension_bad_input(world, fresh_case, kind, reason, code, field):
    with pytest.raises(InvalidInput) as caught:
        suspension_start(fresh_case, kind=kind, started_on=days_ago(1), reason=reason, actor=world.officer)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_suspension_cannot_end_before_it_started(world, fresh_case):
    suspension = suspension_start(
        fresh_case, kind="settlement", started_on=days_ago(3), reason="和解", actor=world.officer
    )
    with pytest.raises(RuleViolation) as caught:
        suspension_end(suspension, ended_on=days_ago(5), actor=world.officer)
    assert caught.value.code == "SUSPENSION_END_BEFORE_START"
    assert node_of(fresh_case, NodeKind.CLOSURE).status == NodeStatus.SUSPENDED


def test_steps_still_complete_other_nodes_while_suspended(world, fresh_case):
    suspension_start(
        fresh_case, kind="suspension", started_on=days_ago(1), reason="中止", actor=world.officer
    )
    record_step(fresh_case, step="execution_notice_sent", actor=world.officer)
    assert node_of(fresh_case, NodeKind.EXECUTION_NOTICE).status == NodeStatus.DONE


def _case_due_in(world, days: int):
    """A case whose 6-month closure deadline is `days` from today (working-day roll-over aside)."""
    case = file_case(world.court, world.president, filed_on=days_ago(150))
    closure = node_of(case, NodeKind.CLOSURE)
    ProcessNode.objects.filter(pk=closure.pk).update(due_on=timezone.localdate() + dt.timedelta(days=days))
    return case


def test_extension_needs_five_days_notice_r_case_03(world):
    late = _case_due_in(world, 4)
    with pytest.raises(RuleViolation) as caught:
        extension_request(late, reason="财产处置中", actor=world.officer)
    assert caught.value.code == "EXTENSION_TOO_LATE"
    assert extension_request(_case_due_in(world, 5), reason="财产处置中", actor=world.officer).is_pending


def test_president_approves_and_deadline_moves_three_months_r_case_03(world):
    case = _case_due_in(world, 20)
    closure = node_of(case, NodeKind.CLOSURE)
    request = extension_request(case, reason="拍卖程序未完成", actor=world.officer)
    assert Notification.objects.filter(user=world.president, kind="extension.requested").count() == 1
    with pytest.raises(RuleViolation) as caught:
        extension_request(case, reason="再次申请", actor=world.officer)
    assert caught.value.code == "EXTENSION_PENDING"
    extension_decide(request, approve=True, note="同意", actor=world.president)
    request.refresh_from_db()
    assert request.status == ExtensionStatus.APPROVED and request.decided_by == world.president
    extended = node_of(case, NodeKind.CLOSURE)
    assert extended.extensions_months == 3
    expected = compute_deadline(
        case.filed_on, 6, "months", rule_id="R-CASE-03", start_event="case.filed", extensions_months=3
    )
    assert extended.due_on == expected.due
    assert extended.trace["extensions_months"] == 3
    assert extended.trace["history"][-1]["due"] == closure.due_on.isoformat()
    assert extended.trace["history"][-1]["changed_by"]["extension"] == request.pk
    assert Notification.objects.filter(user=world.officer, kind="extension.decided").exists()


def test_only_the_president_of_the_same_court_decides_r_case_03(world):
    case = _case_due_in(world, 30)
    request = extension_request(case, reason="评估中", actor=world.officer)
    with pytest.raises(RuleViolation) as caught:
        extension_decide(request, approve=True, note="", actor=world.command)
    assert caught.value.code == "APPROVER_REQUIRED"
    other_president = type(world.president).objects.create(
        username="other_president", court=world.other_court, role="president"
    )
    assert can(other_president, Action.DECIDE_EXTENSION, other_president.court)
    with pytest.raises(NotFound):
        extension_decide(request, approve=True, note="", actor=other_president)
    request.refresh_from_db()
    assert request.is_pending


def test_rejection_leaves_the_deadline(world):
    case = _case_due_in(world, 30)
    due = node_of(case, NodeKind.CLOSURE).due_on
    request = extension_request(case, reason="评估中", actor=world.officer)
    extension_decide(request, approve=False, note="理由不足", actor=world.president)
    assert node_of(case, NodeKind.CLOSURE).due_on == due
    with pytest.raises(RuleViolation) as caught:
        extension_decide(request, approve=True, note="", actor=world.president)
    assert caught.value.code == "EXTENSION_DECIDED"


def test_second_extension_needs_high_court_reference_r_case_03(world):
    case = _case_due_in(world, 30)
    extension_decide(
        extension_request(case, reason="拍卖中", actor=world.officer),
        approve=True,
        note="",
        actor=world.president,
    )
    with pytest.raises(RuleViolation) as caught:
        extension_request(case, reason="仍在拍卖", actor=world.officer)
    assert (caught.value.code, caught.value.field) == ("HIGH_COURT_REF_REQUIRED", "high_court_ref")
    second = extension_request(
        case, reason="仍在拍卖", actor=world.officer, high_court_ref="渝高法执备〔2024〕12号"
    )
    extension_decide(second, approve=True, note="", actor=world.president)
    assert node_of(case, NodeKind.CLOSURE).extensions_months == 6


def test_extension_request_needs_a_reason_and_a_running_clock(world, fresh_case):
    with pytest.raises(InvalidInput) as caught:
        extension_request(fresh_case, reason="", actor=world.officer)
    assert caught.value.field == "reason"
    suspension_start(fresh_case, kind="audit", started_on=days_ago(1), reason="审计", actor=world.officer)
    with pytest.raises(RuleViolation) as caught:
        extension_request(fresh_case, reason="评估", actor=world.officer)
    assert caught.value.code == "CLOSURE_CLOCK_NOT_RUNNING"


@pytest.mark.parametrize(
    ("due_in", "approved", "ref", "code"),
    [
        (5, 0, "", None),
        (4, 0, "", "EXTENSION_TOO_LATE"),
        (-1, 0, "", "EXTENSION_TOO_LATE"),
        (30, 1, "", "HIGH_COURT_REF_REQUIRED"),
        (30, 1, "渝高法执备1号", None),
    ],
)
def test_extension_policy_table_r_case_03(due_in, approved, ref, code):
    today = dt.date(2024, 6, 3)
    due = today + dt.timedelta(days=due_in)
    if code is None:
        policy.check_extension_request(due, today, approved, ref)
    else:
        with pytest.raises(RuleViolation) as caught:
            policy.check_extension_request(due, today, approved, ref)
        assert caught.value.code == code


def test_period_starting_after_the_deadline_does_not_pause_the_clock_r_case_03(world, old_case):
    ProcessNode.objects.filter(case=old_case, kind=NodeKind.CLOSURE).update(
        due_on=days_ago(10), status=NodeStatus.OVERDUE
    )
    suspension = suspension_start(
        old_case, kind="auction", started_on=days_ago(5), reason="拍卖", actor=world.officer
    )
    assert node_of(old_case, NodeKind.CLOSURE).status == NodeStatus.OVERDUE
    suspension_end(suspension, ended_on=days_ago(1), actor=world.officer)
    closure = node_of(old_case, NodeKind.CLOSURE)
    assert closure.status == NodeStatus.OVERDUE and closure.excluded_days == 0


def test_approval_after_the_deadline_reopens_a_timely_request_r_case_03(world):
    case = _case_due_in(world, 6)
    request = extension_request(case, reason="拍卖中", actor=world.officer)
    # The president decides only after the old deadline passed and the sweep marked it.
    ProcessNode.objects.filter(case=case, kind=NodeKind.CLOSURE).update(status=NodeStatus.OVERDUE)
    extension_decide(request, approve=True, note="同意", actor=world.president)
    closure = node_of(case, NodeKind.CLOSURE)
    assert closure.status == NodeStatus.OPEN and closure.overdue_at is None
    assert closure.due_on > timezone.localdate()
