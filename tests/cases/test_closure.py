"""Closure by the modes of R-CASE-05 (with R-ZB-01/02/03 for 终本), read-only closed cases, resumption."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from enforcelink.cases import policy
from enforcelink.cases.actions import (
    case_close,
    case_resume,
    extension_request,
    lead_submit,
    reassign,
    record_step,
    suspension_start,
)
from enforcelink.cases.models import Case, ClosureMode, ExtensionStatus, NodeKind, NodeStatus, ProcessNode
from enforcelink.core.errors import DomainError, ErrorList, NotFound, RuleViolation
from enforcelink.core.models import AuditEvent
from enforcelink.funds import queries as funds_queries
from enforcelink.funds.actions import receipt_record
from enforcelink.orgs.models import Role
from tests.cases.conftest import days_ago, node_of
from tests.factories import UserFactory

ZB_ALL_TRUE = {key: True for key in policy.ZB_CHECKLIST}
FILED = dt.date(2024, 1, 2)
TODAY = dt.date(2024, 9, 1)


def facts(
    *, closed_on: dt.date = dt.date(2024, 5, 6), total: str = "1000", recovered: str = "0", met: bool = False
):
    return policy.ClosureFacts(
        filed_on=FILED,
        closed_on=closed_on,
        today=TODAY,
        amount_total=Decimal(total),
        recovered_amount=Decimal(recovered),
        obligation_met=met,
    )


# R-CASE-05: each mode with the data it requires. (mode, facts, details, expected error code or None, field)
CLOSURE_TABLE: list[tuple[str, Any, dict[str, Any], str | None, str | None]] = [
    ("fully_performed", facts(recovered="1000", met=True), {}, None, None),
    ("fully_performed", facts(recovered="999.99"), {}, "NOT_FULLY_PERFORMED", "details.settlement_performed"),
    # What the basis fixed is in, the application fee (paid first) or doubled interest is not: not met.
    ("fully_performed", facts(recovered="1000"), {}, "NOT_FULLY_PERFORMED", "details.settlement_performed"),
    ("fully_performed", facts(recovered="0"), {"settlement_performed": True}, None, None),
    (
        "fully_performed",
        facts(),
        {"settlement_performed": "yes"},
        "NOT_BOOLEAN",
        "details.settlement_performed",
    ),
    ("terminated_this_round", facts(), ZB_ALL_TRUE, None, None),
    # R-CASE-05 / R-FUND-04: the ledger shows the obligation met — 执行完毕, never 终本.
    ("terminated_this_round", facts(recovered="1000", met=True), ZB_ALL_TRUE, "OBLIGATION_MET", "mode"),
    ("fully_performed", facts(recovered="1000", met=True), {}, None, None),
    (
        "terminated_this_round",
        facts(),
        {**ZB_ALL_TRUE, "debtor_home_visited": False},
        "ZB_CONDITION_UNMET",
        "details.debtor_home_visited",
    ),
    (
        "terminated_this_round",
        facts(),
        {**ZB_ALL_TRUE, "network_inquiry_done": "true"},
        "NOT_BOOLEAN",
        "details.network_inquiry_done",
    ),
    ("terminated_this_round", facts(), {}, "NOT_BOOLEAN", "details.execution_notice_sent"),
    # R-ZB-02: not within 3 months of filing (filed 2 Jan: 2 Apr is still within, 3 Apr is not).
    ("terminated_this_round", facts(closed_on=dt.date(2024, 4, 2)), ZB_ALL_TRUE, "ZB_TOO_EARLY", "closed_on"),
    ("terminated_this_round", facts(closed_on=dt.date(2024, 4, 3)), ZB_ALL_TRUE, None, None),
    ("terminated", facts(), {"ground": "debtor_dead_no_estate"}, None, None),
    ("terminated", facts(), {"ground": "felt_like_it"}, "CHOICE_REQUIRED", "details.ground"),
    ("terminated", facts(), {}, "CHOICE_REQUIRED", "details.ground"),
    ("cancelled", facts(), {"reason": "transfer"}, None, None),
    ("cancelled", facts(), {"reason": "duplicate"}, None, None),
    ("cancelled", facts(), {"reason": "other"}, "CHOICE_REQUIRED", "details.reason"),
    ("refused", facts(), {"ruling_number": "（2024）渝0110执异12号"}, None, None),
    ("refused", facts(), {"ruling_number": ""}, "RULING_NUMBER_REQUIRED", "details.ruling_number"),
    ("rejected", facts(), {"ruling_number": "(2024)渝0110执1号之一"}, None, None),
    ("rejected", facts(), {"ruling_number": "驳回"}, "RULING_NUMBER_REQUIRED", "details.ruling_number"),
    ("settled_somehow", facts(), {}, "CLOSURE_MODE_INVALID", "mode"),
    (
        "terminated",
        facts(closed_on=dt.date(2023, 12, 31)),
        {"ground": "basis_revoked"},
        "DATE_BEFORE_FILING",
        "closed_on",
    ),
    (
        "terminated",
        facts(closed_on=dt.date(2024, 9, 2)),
        {"ground": "basis_revoked"},
        "DATE_FUTURE",
        "closed_on",
    ),
]


@pytest.mark.parametrize(("mode", "case_facts", "details", "code", "field"), CLOSURE_TABLE)
def test_closure_requirements_per_mode_r_case_05(mode, case_facts, details, code, field):
    if code is None:
        kept = policy.check_closure(mode, case_facts, details)
        assert isinstance(kept, dict) and kept
        return
    with pytest.raises(DomainError) as caught:
        policy.check_closure(mode, case_facts, details)
    errors = caught.value.errors if isinstance(caught.value, ErrorList) else [caught.value]
    assert (code, field) in {(error.code, error.field) for error in errors}


def test_zb_checklist_reports_every_unmet_condition_at_once_r_zb_01():
    details = {**ZB_ALL_TRUE, "applicant_interviewed": False, "no_undisposed_property": False}
    with pytest.raises(ErrorList) as caught:
        policy.check_closure("terminated_this_round", facts(closed_on=dt.date(2024, 3, 1)), details)
    fields = {error.field for error in caught.value.errors}
    assert fields == {"details.applicant_interviewed", "details.no_undisposed_property", "closed_on"}


def test_every_closure_mode_has_its_requirement():
    assert set(policy.CLOSURE_REQUIREMENTS) == set(ClosureMode.values)


def test_close_in_time_marks_closure_node_done_and_others_moot_r_case_05(world, fresh_case):
    clerk = UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)
    owed = funds_queries.standing(fresh_case, timezone.localdate()).outstanding  # with the fee (R-FUND-03)
    receipt_record(fresh_case, owed, source="voluntary", value_on=timezone.localdate(), actor=clerk)
    record_step(fresh_case, step="execution_notice_sent", actor=world.officer)
    closed = case_close(
        fresh_case, mode="fully_performed", closed_on=days_ago(1), details={}, actor=world.officer
    )
    assert closed.is_closed and closed.closed_on == days_ago(1) and closed.closure_mode == "fully_performed"
    assert closed.closed_within_period is True
    statuses = dict(ProcessNode.objects.filter(case=fresh_case).values_list("kind", "status"))
    assert statuses.pop(NodeKind.CLOSURE) == NodeStatus.DONE
    assert statuses.pop(NodeKind.EXECUTION_NOTICE) == NodeStatus.DONE
    assert set(statuses.values()) == {NodeStatus.MOOT}
    event = AuditEvent.objects.get(action="case.closed", case_id=fresh_case.pk)
    assert event.after["mode"] == "fully_performed" and event.after["within_period"] is True
    assert node_of(fresh_case, NodeKind.CLOSURE).completed_by == f"case.closed#{event.seq}"


def test_late_closure_recorded_as_outside_the_period_r_case_03(world, old_case):
    ProcessNode.objects.filter(case=old_case, kind=NodeKind.CLOSURE).update(due_on=days_ago(5))
    closed = case_close(
        old_case,
        mode="terminated",
        closed_on=days_ago(1),
        details={"ground": "basis_revoked"},
        actor=world.officer,
    )
    assert closed.closed_within_period is False
    assert node_of(old_case, NodeKind.CLOSURE).status == NodeStatus.MOOT


def test_zb_closure_of_an_old_case_r_zb_01(world, old_case):
    closed = case_close(
        old_case,
        mode="terminated_this_round",
        closed_on=days_ago(0),
        details=ZB_ALL_TRUE,
        actor=world.officer,
    )
    assert closed.closure_details == ZB_ALL_TRUE
    assert closed.can_resume()


def _zb(case, actor):
    return case_close(
        case, mode="terminated_this_round", closed_on=days_ago(0), details=ZB_ALL_TRUE, actor=actor
    )


def test_zb_refused_for_a_case_the_ledger_shows_paid_r_case_05_r_fund_04(world, old_case):
    """A browser walk closed a fully paid case (尚欠 0.00, money still held) as 终本, which scheduled
    re-inquiries: the ledger's standing refuses it, pointing to 执行完毕, and nothing is written. What
    the ledger owes is the amount fixed and the application fee on it (R-FUND-03)."""
    clerk = UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)
    owed = funds_queries.standing(old_case, days_ago(1)).outstanding
    assert owed > old_case.amount_total  # the fee
    receipt_record(old_case, owed, source="voluntary", value_on=days_ago(1), actor=clerk)
    before = AuditEvent.objects.count()
    with pytest.raises(RuleViolation) as refused:
        _zb(old_case, world.officer)
    assert refused.value.code == "OBLIGATION_MET" and refused.value.field == "mode"
    assert "执行完毕" in str(refused.value.message)
    old_case.refresh_from_db()
    assert not old_case.is_closed and AuditEvent.objects.count() == before
    closed = case_close(
        old_case, mode="fully_performed", closed_on=days_ago(0), details={}, actor=world.officer
    )
    assert closed.closure_mode == "fully_performed"


def test_zb_still_allowed_one_cent_short_r_case_05(world, old_case):
    """The boundary: 0.01 still owed (of the application fee too) is an obligation not met, so 终本
    stays possible."""
    clerk = UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)
    short = funds_queries.standing(old_case, days_ago(1)).outstanding - Decimal("0.01")
    receipt_record(old_case, short, source="voluntary", value_on=days_ago(1), actor=clerk)
    assert _zb(old_case, world.officer).closure_mode == "terminated_this_round"


def test_can_close_as_predicate_r_zb_02(world, fresh_case, old_case):
    assert fresh_case.can_close_as("terminated")
    assert not fresh_case.can_close_as("terminated_this_round")
    assert old_case.can_close_as("terminated_this_round")
    assert not old_case.can_close_as("made_up")
    case_close(
        old_case,
        mode="cancelled",
        closed_on=days_ago(0),
        details={"reason": "duplicate"},
        actor=world.officer,
    )
    old_case.refresh_from_db()
    assert not old_case.can_close_as("terminated")


def test_failed_closure_writes_nothing(world, fresh_case):
    before = AuditEvent.objects.count()
    with pytest.raises(RuleViolation):
        case_close(fresh_case, mode="fully_performed", closed_on=days_ago(0), details={}, actor=world.officer)
    fresh_case.refresh_from_db()
    assert not fresh_case.is_closed and AuditEvent.objects.count() == before
    assert node_of(fresh_case, NodeKind.CLOSURE).status == NodeStatus.OPEN


def test_closing_ends_a_running_suspension_and_lapses_pending_extension(world, fresh_case):
    ProcessNode.objects.filter(case=fresh_case, kind=NodeKind.CLOSURE).update(due_on=days_ago(-30))
    request = extension_request(fresh_case, reason="评估", actor=world.officer)
    suspension = suspension_start(
        fresh_case, kind="audit", started_on=days_ago(3), reason="审计", actor=world.officer
    )
    case_close(
        fresh_case,
        mode="cancelled",
        closed_on=days_ago(1),
        details={"reason": "transfer"},
        actor=world.officer,
    )
    suspension.refresh_from_db()
    request.refresh_from_db()
    assert suspension.ended_on == days_ago(1) and suspension.excluded_days == 2
    assert request.status == ExtensionStatus.LAPSED
    assert node_of(fresh_case, NodeKind.CLOSURE).status == NodeStatus.DONE


def test_closed_case_is_read_only(world, fresh_case):
    case_close(
        fresh_case,
        mode="cancelled",
        closed_on=days_ago(0),
        details={"reason": "duplicate"},
        actor=world.officer,
    )
    attempts = [
        lambda: record_step(fresh_case, step="execution_notice_sent", actor=world.officer),
        lambda: lead_submit(fresh_case, description="线索", urgent=False, actor=world.officer),
        lambda: suspension_start(
            fresh_case, kind="audit", started_on=days_ago(0), reason="x", actor=world.officer
        ),
        lambda: extension_request(fresh_case, reason="x", actor=world.officer),
        lambda: reassign(fresh_case, officer=world.colleague, reason="调整", actor=world.officer),
        lambda: case_close(
            fresh_case,
            mode="cancelled",
            closed_on=days_ago(0),
            details={"reason": "duplicate"},
            actor=world.officer,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(RuleViolation) as caught:
            attempt()
        assert caught.value.code == "CASE_CLOSED"


def test_closure_by_another_court_is_not_found(world, fresh_case):
    with pytest.raises(NotFound):
        case_close(
            fresh_case,
            mode="cancelled",
            closed_on=days_ago(0),
            details={"reason": "duplicate"},
            actor=world.outsider,
        )


def _zb_closed(world, case: Case) -> Case:
    return case_close(
        case, mode="terminated_this_round", closed_on=days_ago(0), details=ZB_ALL_TRUE, actor=world.officer
    )


def test_resuming_zb_case_files_linked_resumed_case_r_case_05_r_id_04(world, old_case):
    _zb_closed(world, old_case)
    resumed = case_resume(old_case, reason="申请执行人发现新财产线索", actor=world.officer)
    assert resumed.type_code == "执恢" and resumed.resumed_from == old_case
    assert resumed.number == f"（{resumed.filed_on.year}）渝0110执恢1号"
    assert resumed.basis_number == old_case.basis_number and resumed.principal == old_case.principal

    def parties(case):
        return sorted(case.parties.values_list("role", "name", "id_number"))

    assert parties(resumed) == parties(old_case)
    assert ProcessNode.objects.filter(case=resumed, kind=NodeKind.CLOSURE).exists()
    assert AuditEvent.objects.filter(action="case.resumed", case_id=old_case.pk).get().after[
        "resumed_as"
    ] == (resumed.number)
    assert AuditEvent.objects.filter(action="case.resumed_from", case_id=resumed.pk).exists()
    # Only once at a time: the open 执恢 case blocks another resumption.
    with pytest.raises(RuleViolation) as caught:
        case_resume(old_case, reason="再次恢复", actor=world.officer)
    assert caught.value.code == "NOT_RESUMABLE"


def test_only_zb_cases_resume(world, fresh_case, old_case):
    with pytest.raises(RuleViolation):
        case_resume(fresh_case, reason="恢复", actor=world.officer)  # still open
    case_close(
        old_case,
        mode="terminated",
        closed_on=days_ago(0),
        details={"ground": "basis_revoked"},
        actor=world.officer,
    )
    with pytest.raises(RuleViolation) as caught:
        case_resume(old_case, reason="恢复", actor=world.officer)
    assert caught.value.code == "NOT_RESUMABLE"


def test_resumption_needs_a_reason_and_the_same_court(world, old_case):
    _zb_closed(world, old_case)
    with pytest.raises(DomainError) as caught:
        case_resume(old_case, reason="", actor=world.officer)
    assert caught.value.field == "reason"
    with pytest.raises(NotFound):
        case_resume(old_case, reason="恢复", actor=world.outsider)
    assert not Case.objects.filter(resumed_from=old_case).exists()
