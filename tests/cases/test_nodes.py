"""Node completion from events and asset leads (R-CASE-01, R-CASE-02, R-CASE-04, R-TIME-02)."""

from __future__ import annotations

import datetime as dt

import pytest

from enforcelink.cases.actions import lead_submit, record_step
from enforcelink.cases.models import NodeKind, NodeRule, NodeStatus, ProcessNode
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.models import AuditEvent
from tests.cases.conftest import days_ago, node_of
from tests.factories import file_case


def test_step_completes_matching_node_with_its_event_r_case_01(world, fresh_case):
    done = record_step(fresh_case, step="execution_notice_sent", actor=world.officer, on=days_ago(8))
    assert [node.kind for node in done] == [NodeKind.EXECUTION_NOTICE]
    node = node_of(fresh_case, NodeKind.EXECUTION_NOTICE)
    event = AuditEvent.objects.get(action="step.execution_notice_sent", case_id=fresh_case.pk)
    assert node.status == NodeStatus.DONE
    assert node.completed_on == days_ago(8) and node.completed_at is not None
    assert node.completed_by == f"execution_notice_sent#{event.seq}"
    assert node.completed_late is False
    assert event.after["completes"][0]["node"] == node.pk
    # The property-report order (R-CASE-01) is a separate node, still open.
    assert node_of(fresh_case, NodeKind.PROPERTY_REPORT).status == NodeStatus.OPEN


def test_notice_and_report_together_complete_both_r_case_01(world, fresh_case):
    done = record_step(fresh_case, step="notice_and_report_sent", actor=world.officer)
    assert {node.kind for node in done} == {NodeKind.EXECUTION_NOTICE, NodeKind.PROPERTY_REPORT}


def test_overdue_node_completed_late_r_case_02(world, fresh_case):
    # Network inquiry was due 3 days after filing (R-CASE-02); the sweep marked it overdue.
    ProcessNode.objects.filter(case=fresh_case, kind=NodeKind.NETWORK_INQUIRY).update(
        status=NodeStatus.OVERDUE
    )
    record_step(fresh_case, step="network_inquiry_done", actor=world.officer)
    node = node_of(fresh_case, NodeKind.NETWORK_INQUIRY)
    assert node.status == NodeStatus.DONE and node.completed_late is True


def test_step_on_done_node_completes_nothing_but_is_recorded(world, fresh_case):
    record_step(fresh_case, step="local_inquiry_done", actor=world.officer)
    assert record_step(fresh_case, step="local_inquiry_done", actor=world.officer) == []
    assert AuditEvent.objects.filter(action="step.local_inquiry_done").count() == 2


@pytest.mark.parametrize(
    ("step", "on", "code", "field"),
    [
        ("made_up_step", None, "STEP_UNKNOWN", "step"),
        ("four_inquiries_done", dt.date.today() + dt.timedelta(days=2), "DATE_FUTURE", "on"),
        ("four_inquiries_done", days_ago(400), "DATE_BEFORE_FILING", "on"),
    ],
)
def test_bad_step_input_names_the_field(world, fresh_case, step, on, code, field):
    before = AuditEvent.objects.count()
    with pytest.raises((InvalidInput, RuleViolation)) as caught:
        record_step(fresh_case, step=step, actor=world.officer, on=on)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert AuditEvent.objects.count() == before
    assert node_of(fresh_case, NodeKind.FOUR_INQUIRIES).status == NodeStatus.OPEN


def test_other_court_and_supervisor_get_not_found(world, fresh_case):
    for actor in (world.outsider, world.supervisor, world.liaison):
        with pytest.raises(NotFound):
            record_step(fresh_case, step="execution_notice_sent", actor=actor)
    assert node_of(fresh_case, NodeKind.EXECUTION_NOTICE).status == NodeStatus.OPEN


def test_lead_verification_not_opened_on_filing_r_case_04(world, fresh_case):
    assert NodeRule.objects.get(court=None, kind=NodeKind.LEAD_VERIFICATION).on_filing is False
    assert not ProcessNode.objects.filter(case=fresh_case, kind=NodeKind.LEAD_VERIFICATION).exists()


@pytest.mark.parametrize(("urgent", "days"), [(False, 7), (True, 3)])
def test_lead_opens_verification_clock_r_case_04(world, fresh_case, urgent, days):
    # 2024-03-04 is a Monday: neither deadline falls on a weekend or holiday.
    case = file_case(world.court, world.president, filed_on=dt.date(2024, 3, 1))
    lead = lead_submit(
        case,
        description="被执行人在綦江农商银行有存款",
        urgent=urgent,
        actor=world.officer,
        on=dt.date(2024, 3, 4),
    )
    node = ProcessNode.objects.get(lead=lead)
    assert node.kind == NodeKind.LEAD_VERIFICATION and node.rule_id == "R-CASE-04"
    assert node.due_on == dt.date(2024, 3, 4) + dt.timedelta(days=days)
    assert node.rule_values["variant"] == ("urgent" if urgent else "standard")
    assert node.trace["start_event"] == "lead.submitted"
    assert AuditEvent.objects.filter(action="lead.submitted", case_id=case.pk).exists()


def test_lead_verified_completes_only_that_leads_node_r_case_04(world, fresh_case):
    first = lead_submit(fresh_case, description="车辆线索", urgent=False, actor=world.officer)
    second = lead_submit(fresh_case, description="房产线索", urgent=True, actor=world.officer)
    with pytest.raises(InvalidInput) as caught:
        record_step(fresh_case, step="lead_verified", actor=world.officer)
    assert caught.value.field == "lead"
    record_step(fresh_case, step="lead_verified", actor=world.officer, lead=second)
    assert ProcessNode.objects.get(lead=second).status == NodeStatus.DONE
    assert ProcessNode.objects.get(lead=first).status == NodeStatus.OPEN
    second.refresh_from_db()
    assert second.verified_on is not None


def test_lead_needs_a_description(world, fresh_case):
    with pytest.raises(InvalidInput) as caught:
        lead_submit(fresh_case, description="  ", urgent=False, actor=world.officer)
    assert caught.value.field == "description"


def test_court_override_of_lead_rule_is_recorded_on_the_node(world, fresh_case):
    NodeRule.objects.create(
        court=world.court,
        kind=NodeKind.LEAD_VERIFICATION,
        rule_id="R-CASE-04",
        amount=5,
        unit="days",
        urgent_amount=2,
        on_filing=False,
    )
    lead = lead_submit(fresh_case, description="股权线索", urgent=True, actor=world.officer)
    node = ProcessNode.objects.get(lead=lead)
    assert node.rule_values["amount"] == 2 and node.rule_values["court_override"] is True


def test_a_lead_is_verified_once_r_case_04(world, fresh_case):
    lead = lead_submit(fresh_case, description="车辆线索", urgent=False, actor=world.officer)
    record_step(fresh_case, step="lead_verified", actor=world.officer, lead=lead)
    with pytest.raises(RuleViolation) as caught:
        record_step(fresh_case, step="lead_verified", actor=world.officer, lead=lead)
    assert caught.value.code == "LEAD_ALREADY_VERIFIED"
