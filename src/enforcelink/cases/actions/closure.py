"""Closure by the modes of R-CASE-05 (R-ZB-01..03 for 终本) and resumption of a 终本 case as 执恢."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases import clocks, money, policy
from enforcelink.cases.actions.access import ensure_open, staff_case
from enforcelink.cases.actions.deadlines import PENDING_NODE_STATUSES, finish_suspension
from enforcelink.cases.actions.filing import CaseFiling, PartyInput, case_file
from enforcelink.cases.models import Case, CaseStatus, CaseType, ExtensionStatus, NodeStatus, ProcessNode
from enforcelink.core import audit, events
from enforcelink.core.errors import RuleViolation
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action

# --- Closure and resumption (R-CASE-05) -------------------------------------------------------------


def case_close(
    case: Case, *, mode: str, closed_on: dt.date, details: dict[str, Any] | None, actor: User
) -> Case:
    """R-CASE-05: close the case in one of the modes, with the data that mode requires (policy.py).

    A running suspension ends on the closing date first. The closure clock is done when the case
    was closed in time and moot otherwise (`closed_within_period` keeps which); every other pending
    node ends with the case. Closed cases are read-only: every other action calls `ensure_open`.
    """
    with transaction.atomic():
        case = staff_case(case, actor, Action.CLOSE)
        ensure_open(case)
        facts = policy.ClosureFacts(
            filed_on=case.filed_on,
            closed_on=closed_on,
            today=timezone.localdate(),
            amount_total=case.amount_total,
            recovered_amount=money.recovered(case),  # 执行到位金额 from the ledger (R-FUND-03)
            obligation_met=money.obligation_met(case),  # nothing owed: not 终本 (R-FUND-04)
            money_case=case.is_money_case,
        )
        kept = policy.check_closure(mode, facts, details)
        # Lock the nodes before the trail's head (audit.record): the overdue sweep takes them in the
        # other order, node first, and must not wait on us while we wait on it.
        pending = ProcessNode.objects.select_for_update().filter(case=case, status__in=PENDING_NODE_STATUSES)
        list(pending.order_by("pk"))
        running = case.open_suspension
        if running is not None:
            finish_suspension(case, running.pk, closed_on, actor)
        node = clocks.closure_node(case)
        within = policy.within_period(closed_on, node.due_on if node else None)
        event = audit.record(
            "case.closed",
            case,
            actor=actor,
            case_id=case.pk,
            court_id=case.court_id,
            before={"status": case.status},
            after={
                "status": CaseStatus.CLOSED,
                "mode": mode,
                "closed_on": closed_on,
                "details": kept,
                "within_period": within,
                "closure_due_on": node.due_on if node else None,
            },
        )
        _end_nodes(case, node if within else None, closed_on, f"case.closed#{event.seq}")
        # A request the president has not decided yet lapses with the case (the event above says closed).
        case.extension_requests.filter(status=ExtensionStatus.PENDING).update(status=ExtensionStatus.LAPSED)
        case.status, case.closed_on, case.closure_mode = CaseStatus.CLOSED, closed_on, mode
        case.closure_details, case.closed_within_period = kept, within
        case.save(
            update_fields=["status", "closed_on", "closure_mode", "closure_details", "closed_within_period"]
        )
        # Higher apps act on the closure here, inside it: linkage withdraws the unsent requests.
        events.announce(
            "case.closed",
            case_id=case.pk,
            court_id=case.court_id,
            mode=mode,
            closed_on=closed_on,
            actor=actor,
        )
    return case


def _end_nodes(case: Case, done: ProcessNode | None, closed_on: dt.date, by: str) -> None:
    """The closure clock is done when the case closed in time; every other pending node is moot."""
    pending = ProcessNode.objects.filter(case=case, status__in=PENDING_NODE_STATUSES)
    if done is not None:
        clocks.complete([done], on=closed_on, by=by)
        pending = pending.exclude(pk=done.pk)
    pending.update(status=NodeStatus.MOOT, completed_by=by)


def case_resume(case: Case, *, reason: str, actor: User, filed_on: dt.date | None = None) -> Case:
    """R-CASE-05 / R-ID-04: a 终本 case is resumed as a new, linked 执恢 case with the same parties
    and basis and its own gapless number; both cases get an event."""
    reason = policy.require_text(
        reason, field="reason", code="REASON_REQUIRED", message=_("Give the reason."), max_length=300
    )
    with transaction.atomic():
        old = staff_case(case, actor, Action.RESUME)
        if not old.can_resume():
            raise RuleViolation(
                "NOT_RESUMABLE", _("Only a case closed as 终本 without an open resumption can be resumed.")
            )
        new = case_file(_resumption_filing(old, filed_on or timezone.localdate()), actor=actor)
        audit.record(
            "case.resumed", old, actor=actor, court_id=old.court_id, case_id=old.pk,
            after={"resumed_as": new.number, "reason": reason},
        )  # fmt: skip
        audit.record(
            "case.resumed_from", new, actor=actor, court_id=old.court_id, case_id=new.pk,
            after={"resumed_from": old.number, "reason": reason},
        )  # fmt: skip
        events.announce(
            "case.resumed",
            case_id=old.pk,
            new_case_id=new.pk,
            reason=reason,
            actor=actor,
            court_id=old.court_id,
        )
    return new


def _resumption_filing(old: Case, filed_on: dt.date) -> CaseFiling:
    parties = [
        PartyInput(
            role=p.role,
            kind=p.kind,
            name=p.name,
            id_number=p.id_number,
            id_type=p.id_type,
            legal_representative=p.legal_representative,
            actual_controller=p.actual_controller,
            address=p.address,
            phone=p.phone,
        )
        for p in old.parties.order_by("role", "position", "pk")
    ]
    # The amounts are those of the basis; what was recovered stays on the 终本 case's ledger.
    return CaseFiling(
        court=old.court,
        filed_on=filed_on,
        basis_type=old.basis_type,
        basis_body=old.basis_body,
        basis_number=old.basis_number,
        basis_effective_on=old.basis_effective_on,
        performance_due_on=old.performance_due_on,
        parties=parties,
        principal=old.principal,
        interest=old.interest,
        costs=old.costs,
        type_code=CaseType.RESUMED,
        is_money_case=old.is_money_case,
        is_non_litigation=old.is_non_litigation,
        is_livelihood=old.is_livelihood,
        is_labour_pay=old.is_labour_pay,
        is_financial=old.is_financial,
        is_enterprise=old.is_enterprise,
        resumed_from=old,
    )
