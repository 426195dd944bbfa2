"""Statutory clocks (节点管理): node rules as data, nodes with their deadline trace (R-CASE-01..04, R-TIME-02)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from enforcelink.cases.models import AssetLead, Case, NodeKind, NodeRule, NodeStatus, ProcessNode
from enforcelink.core.calendar import compute_deadline


def rule_for(court_id: int, kind: str) -> NodeRule | None:
    return next((rule for rule in rules_for(court_id) if rule.kind == kind), None)


def rules_for(court_id: int) -> list[NodeRule]:
    """The rules in force for a court: its own row for a node kind, else the default row."""
    rows = NodeRule.objects.filter(Q(court_id=court_id) | Q(court__isnull=True)).order_by("kind", "-court_id")
    chosen: dict[str, NodeRule] = {}
    for rule in rows:
        current = chosen.get(rule.kind)
        if current is None or (current.court_id is None and rule.court_id is not None):
            chosen[rule.kind] = rule
    return list(chosen.values())


def rule_values(rule: NodeRule, *, urgent: bool = False, non_litigation: bool = False) -> dict[str, Any]:
    """The figures a node was computed with, recorded on the node (DOMAIN.md: configurable values)."""
    amount = rule.amount
    variant = "standard"
    if urgent and rule.urgent_amount:
        amount, variant = rule.urgent_amount, "urgent"
    elif non_litigation and rule.non_litigation_amount:
        amount, variant = rule.non_litigation_amount, "non_litigation"
    return {
        "rule_pk": rule.pk,
        "court_override": rule.court_id is not None,
        "amount": amount,
        "unit": rule.unit,
        "variant": variant,
    }


def build_nodes(case: Case, rules: list[NodeRule], *, urgent: bool = False) -> list[ProcessNode]:
    """Nodes opened on filing; the caller saves them in the filing transaction."""
    nodes = []
    for rule in rules:
        if not rule.on_filing or (rule.money_cases_only and not case.is_money_case):
            continue
        values = rule_values(rule, urgent=urgent, non_litigation=case.is_non_litigation)
        deadline = compute_deadline(
            case.filed_on, values["amount"], values["unit"], rule_id=rule.rule_id, start_event="case.filed"
        )
        nodes.append(
            ProcessNode(
                case=case,
                kind=rule.kind,
                rule_id=rule.rule_id,
                rule_values=values,
                start_event="case.filed",
                start_date=case.filed_on,
                due_on=deadline.due,
                status=NodeStatus.OPEN,
                trace=deadline.trace,
            )
        )
    return nodes


def lead_node(case: Case, rule: NodeRule, lead: AssetLead) -> ProcessNode:
    """R-CASE-04: a lead is verified within 7 days of its submission, 3 if urgent (values in force kept)."""
    values = rule_values(rule, urgent=lead.urgent)
    deadline = compute_deadline(
        lead.submitted_on,
        values["amount"],
        values["unit"],
        rule_id=rule.rule_id,
        start_event="lead.submitted",
    )
    return ProcessNode(
        case=case,
        kind=rule.kind,
        rule_id=rule.rule_id,
        rule_values=values,
        start_event="lead.submitted",
        start_date=lead.submitted_on,
        due_on=deadline.due,
        status=NodeStatus.OPEN,
        trace=deadline.trace,
        lead=lead,
    )


def recompute(node: ProcessNode, *, reason: dict[str, Any]) -> dt.date:
    """R-TIME-02: recompute the due date with the node's excluded days and extensions, with the
    rule values recorded on the node (not today's rule), keeping the earlier dates in the trace."""
    values = node.rule_values
    deadline = compute_deadline(
        node.start_date,
        values["amount"],
        values["unit"],
        rule_id=node.rule_id,
        start_event=node.start_event,
        excluded_days=node.excluded_days,
        extensions_months=node.extensions_months,
    )
    history = list(node.trace.get("history", []))
    history.append({"due": node.due_on.isoformat(), "changed_by": reason})
    node.trace = {**deadline.trace, "history": history}
    node.due_on = deadline.due
    return deadline.due


def closure_node(case: Case, *, lock: bool = True) -> ProcessNode | None:
    """The case's R-CASE-03 clock (one per case), locked for the caller's transaction."""
    nodes = ProcessNode.objects.filter(case=case, kind=NodeKind.CLOSURE).order_by("pk")
    return (nodes.select_for_update() if lock else nodes).first()


def complete(nodes: list[ProcessNode], *, on: dt.date, by: str) -> None:
    """Mark pending nodes done by the event `by` (e.g. "execution_notice_sent#42")."""
    now = timezone.now()
    for node in nodes:
        node.status, node.completed_at, node.completed_on, node.completed_by = NodeStatus.DONE, now, on, by
    ProcessNode.objects.bulk_update(nodes, ["status", "completed_at", "completed_on", "completed_by"])
