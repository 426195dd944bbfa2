"""The statutory clocks after filing: steps that complete nodes, asset leads (R-CASE-04), periods not
counted and extensions (R-CASE-03, R-TIME-02), and the overdue sweep (issue 2 §5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from enforcelink.cases import clocks, policy
from enforcelink.cases.actions.access import ensure_open, staff_case
from enforcelink.cases.models import (
    AssetLead,
    Case,
    CaseStatus,
    CaseSuspension,
    ExtensionRequest,
    ExtensionStatus,
    NodeKind,
    NodeStatus,
    ProcessNode,
    SuspensionKind,
)
from enforcelink.core import audit
from enforcelink.core.actors import SystemActor
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.notifications import Note, notify, notify_all
from enforcelink.core.sweeps import claim_each
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, Actor, can, holders, require

# --- Node completion and asset leads (R-CASE-01, R-CASE-02, R-CASE-04) ----------------------------

PENDING_NODE_STATUSES = (NodeStatus.OPEN, NodeStatus.OVERDUE, NodeStatus.SUSPENDED)


def enqueue_overdue_check(case_id: int) -> None:
    """After commit, mark this case's nodes that are already past due (a backdated lead, a deadline
    moved into the past) without waiting for the daily sweep."""
    transaction.on_commit(lambda: check_case_overdue.enqueue(case_id))


def _node_refs(nodes: list[ProcessNode]) -> list[dict[str, Any]]:
    return [
        {"node": node.pk, "kind": node.kind, "due_on": node.due_on, "status": node.status} for node in nodes
    ]


def record_step(
    case: Case,
    *,
    step: str,
    actor: User | SystemActor,
    on: dt.date | None = None,
    lead: AssetLead | None = None,
    document: str = "",
) -> list[ProcessNode]:
    """A procedural step happened on `on` (default today): append its event and complete the matching
    open or overdue nodes (R-CASE-01, R-CASE-02, R-CASE-04). `lead_verified` needs the lead;
    `document` is the number of the document whose issue is the step (documents calls it so).

    A `SystemActor` is the platform recording a step its own data shows (assets: every unit has
    answered the network inquiry, R-CASE-02); it is never a web or API caller (`actor_of` refuses
    one), so its case is locked without a person's permission."""
    kinds = policy.check_step(step)
    today = timezone.localdate()
    on = on or today
    with transaction.atomic():
        if isinstance(actor, SystemActor):
            found = Case.objects.select_for_update().select_related("court").filter(pk=case.pk).first()
            if found is None:
                raise NotFound()
            case = found
        else:
            case = staff_case(case, actor)
        ensure_open(case)
        policy.check_event_date(on, case.filed_on, today)
        nodes = ProcessNode.objects.select_for_update().filter(
            case=case, kind__in=kinds, status__in=PENDING_NODE_STATUSES
        )
        if step == "lead_verified":
            lead = _case_lead(case, lead)
            if lead.verified_on is not None:
                raise RuleViolation(
                    "LEAD_ALREADY_VERIFIED",
                    _("This lead was verified on %(day)s.") % {"day": lead.verified_on.isoformat()},
                    field="lead",
                )
            nodes = nodes.filter(lead=lead)
            lead.verified_on = on
            lead.save(update_fields=["verified_on"])
        done = list(nodes.order_by("pk"))
        event = audit.record(
            f"step.{step}",
            case,
            actor=actor,
            case_id=case.pk,
            court_id=case.court_id,
            after={"step": step, "on": on, "lead": lead.pk if lead else None, "completes": _node_refs(done)}
            | ({"document": document} if document else {}),
        )
        clocks.complete(done, on=on, by=f"{step}#{event.seq}")
    return done


def _case_lead(case: Case, lead: AssetLead | None) -> AssetLead:
    found = AssetLead.objects.filter(case=case, pk=lead.pk).first() if lead is not None and lead.pk else None
    if found is None:
        raise InvalidInput("LEAD_REQUIRED", _("Choose the asset lead that was verified."), field="lead")
    return found


def lead_submit(
    case: Case, *, description: str, urgent: bool, actor: User, on: dt.date | None = None
) -> AssetLead:
    """The applicant gave an asset lead (财产线索): keep it and open its verification clock, 7 days or
    3 if urgent (R-CASE-04), with the court's rule values in force recorded on the node."""
    description = policy.require_text(
        description,
        field="description",
        code="DESCRIPTION_REQUIRED",
        message=_("Describe the asset lead."),
        max_length=1000,
    )
    today = timezone.localdate()
    on = on or today
    with transaction.atomic():
        case = staff_case(case, actor)
        ensure_open(case)
        policy.check_event_date(on, case.filed_on, today)
        lead = AssetLead.objects.create(
            case=case, description=description, urgent=bool(urgent), submitted_on=on, submitted_by=actor
        )
        rule = clocks.rule_for(case.court_id, NodeKind.LEAD_VERIFICATION)
        node = clocks.lead_node(case, rule, lead) if rule is not None else None
        if node is not None:
            node.save()
        audit.record(
            "lead.submitted",
            lead,
            actor=actor,
            case_id=case.pk,
            court_id=case.court_id,
            after={
                "description": description,
                "urgent": lead.urgent,
                "on": on,
                "due_on": node.due_on if node else None,
            },
        )
        if node is not None and node.due_on < today:
            enqueue_overdue_check(case.pk)
    return lead


# --- Periods not counted and extensions (R-CASE-03, R-TIME-02) --------------------------------------


def suspension_start(
    case: Case, *, kind: str, started_on: dt.date, reason: str, actor: User
) -> CaseSuspension:
    """R-CASE-03: audit/appraisal, suspension (中止), settlement deferral and auction periods are not
    counted; while one runs, the closure clock is paused (SUSPENDED)."""
    if kind not in SuspensionKind.values:
        raise InvalidInput("SUSPENSION_KIND_INVALID", _("Choose the kind of period."), field="kind")
    reason = policy.require_text(
        reason, field="reason", code="REASON_REQUIRED", message=_("Give the reason."), max_length=300
    )
    with transaction.atomic():
        case = staff_case(case, actor)
        ensure_open(case)
        policy.check_event_date(started_on, case.filed_on, timezone.localdate(), field="started_on")
        if case.open_suspension is not None:
            raise RuleViolation(
                "SUSPENSION_OPEN", _("A period not counted is already running; end it first."), field="kind"
            )
        last = case.suspensions.exclude(ended_on__isnull=True).order_by("-ended_on").first()
        policy.check_suspension_start(started_on, last.ended_on if last else None)
        suspension = CaseSuspension.objects.create(
            case=case, kind=kind, started_on=started_on, reason=reason, created_by=actor
        )
        node = clocks.closure_node(case)
        # A clock that had already run out before the period began stays as it is.
        paused = node is not None and node.is_pending and started_on <= node.due_on
        if node is not None and paused:
            node.status, node.overdue_at = NodeStatus.SUSPENDED, None
            node.save(update_fields=["status", "overdue_at"])
        audit.record(
            "case.suspension_started",
            suspension,
            actor=actor,
            case_id=case.pk,
            court_id=case.court_id,
            after={"kind": kind, "started_on": started_on, "reason": reason, "closure_clock_paused": paused},
        )
    return suspension


def suspension_end(suspension: CaseSuspension, *, ended_on: dt.date, actor: User) -> CaseSuspension:
    """R-CASE-03 / R-TIME-02: the days of the period are added to the closure clock, whose due date is
    recomputed with `compute_deadline(excluded_days=...)`; the earlier date stays in its trace."""
    with transaction.atomic():
        case = staff_case(suspension.case, actor)
        ensure_open(case)
        policy.check_event_date(ended_on, case.filed_on, timezone.localdate(), field="ended_on")
        suspension = finish_suspension(case, suspension.pk, ended_on, actor)
    return suspension


def finish_suspension(case: Case, suspension_pk: int, ended_on: dt.date, actor: User) -> CaseSuspension:
    suspension = CaseSuspension.objects.select_for_update().filter(pk=suspension_pk, case=case).first()
    if suspension is None:
        raise NotFound()
    if suspension.ended_on is not None:
        raise RuleViolation("SUSPENSION_ENDED", _("This period has already ended."), field="ended_on")
    days = policy.suspension_days(suspension.started_on, ended_on)
    suspension.ended_on, suspension.excluded_days, suspension.ended_by = ended_on, days, actor
    suspension.save(update_fields=["ended_on", "excluded_days", "ended_by"])
    node = clocks.closure_node(case)
    before = node.due_on if node else None
    if node is not None and node.status == NodeStatus.SUSPENDED:
        node.excluded_days += days
        clocks.recompute(node, reason={"suspension": suspension.pk, "kind": suspension.kind, "days": days})
        node.status = NodeStatus.OPEN
        node.save(update_fields=["excluded_days", "due_on", "trace", "status"])
        if node.due_on < timezone.localdate():
            enqueue_overdue_check(case.pk)
    audit.record(
        "case.suspension_ended",
        suspension,
        actor=actor,
        case_id=case.pk,
        court_id=case.court_id,
        before={"closure_due_on": before},
        after={"ended_on": ended_on, "excluded_days": days, "closure_due_on": node.due_on if node else None},
    )
    return suspension


def _running_closure_node(case: Case) -> ProcessNode:
    node = clocks.closure_node(case)
    if node is None or node.status != NodeStatus.OPEN:
        raise RuleViolation("CLOSURE_CLOCK_NOT_RUNNING", _("The closure period of this case is not running."))
    return node


def extension_request(case: Case, *, reason: str, actor: User, high_court_ref: str = "") -> ExtensionRequest:
    """R-CASE-03: ask for 3 more months at least 5 days before the closure deadline; a further
    extension needs the high court's filing reference. The president decides."""
    reason = policy.require_text(
        reason, field="reason", code="REASON_REQUIRED", message=_("Give the reason."), max_length=500
    )
    with transaction.atomic():
        case = staff_case(case, actor)
        ensure_open(case)
        node = _running_closure_node(case)
        if case.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
            raise RuleViolation("EXTENSION_PENDING", _("An extension request is already waiting."))
        approved = case.extension_requests.filter(status=ExtensionStatus.APPROVED).count()
        policy.check_extension_request(node.due_on, timezone.localdate(), approved, high_court_ref)
        request = ExtensionRequest.objects.create(
            case=case,
            months=policy.EXTENSION_MONTHS,
            reason=reason,
            high_court_ref=(high_court_ref or "").strip()[:100],
            requested_by=actor,
        )
        audit.record(
            "case.extension_requested",
            request,
            actor=actor,
            case_id=case.pk,
            court_id=case.court_id,
            after={
                "months": request.months,
                "reason": reason,
                "due_on": node.due_on,
                "high_court_ref": request.high_court_ref,
            },
        )
        _notify_approvers(case, request)
    return request


def _notify_approvers(case: Case, request: ExtensionRequest) -> None:
    """The approvers of an extension (whom the permissions table lets decide it in this court)."""
    message = _("%(person)s asks to extend %(number)s by %(months)s months: %(reason)s") % {
        "person": request.requested_by,
        "number": case.number,
        "months": request.months,
        "reason": request.reason,
    }
    notify(
        holders(Action.DECIDE_EXTENSION, court_id=case.court_id),
        kind="extension.requested",
        message=message,
        url=case_url(case.pk, "#action-extension_decide"),
        case_id=case.pk,
        exclude=[request.requested_by_id],
    )


def extension_decide(request: ExtensionRequest, *, approve: bool, note: str, actor: User) -> ExtensionRequest:
    """R-CASE-03: the court president approves or rejects; approval adds the months to the closure
    clock and recomputes its due date with the trace (R-TIME-02)."""
    require(actor, Action.WRITE, request.case)
    policy.check_approver(can(actor, Action.DECIDE_EXTENSION, request.case))
    with transaction.atomic():
        case = staff_case(request.case, actor)
        ensure_open(case)
        request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if not request.is_pending:
            raise RuleViolation("EXTENSION_DECIDED", _("This request has already been decided."))
        request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        request.decided_by, request.decided_at = actor, timezone.now()
        request.decision_note = (note or "").strip()[:300]
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        before, after = _apply_extension(case, request) if approve else (None, None)
        audit.record(
            "case.extension_decided",
            request,
            actor=actor,
            case_id=case.pk,
            court_id=case.court_id,
            before={"closure_due_on": before},
            after={"status": request.status, "note": request.decision_note, "closure_due_on": after},
        )
        notify(
            [request.requested_by_id],
            kind="extension.decided",
            message=_("%(person)s decided the extension of %(number)s: %(status)s")
            % {"person": actor, "number": case.number, "status": request.get_status_display()},
            url=case_url(case.pk),
            case_id=case.pk,
            exclude=[actor],
        )
    return request


def _apply_extension(case: Case, request: ExtensionRequest) -> tuple[dt.date | None, dt.date | None]:
    node = clocks.closure_node(case)
    if node is None:
        return None, None
    before = node.due_on
    node.extensions_months += request.months
    clocks.recompute(
        node,
        reason={"extension": request.pk, "months": request.months, "high_court_ref": request.high_court_ref},
    )
    # The request was made in time: the president's decision date does not count against the officer.
    if node.status == NodeStatus.OVERDUE and node.due_on >= timezone.localdate():
        node.status, node.overdue_at = NodeStatus.OPEN, None
    node.save(update_fields=["extensions_months", "due_on", "trace", "status", "overdue_at"])
    return before, node.due_on


# --- A changed holiday calendar (R-TIME-01, R-TIME-02) ---------------------------------------------


def crossed(dates: frozenset[dt.date], start: dt.date, due: dt.date) -> list[str]:
    """The changed days a period read: after its first day, up to its due date (a deadline's count never
    looks beyond that, so a clock that crosses none of them would come out the same)."""
    return sorted(day.isoformat() for day in dates if start < day <= due)


def nodes_recompute_for_calendar(*, dates: frozenset[dt.date], actor: Actor, change: int) -> int:
    """Listener of `calendar.changed`: recompute the pending clocks whose period crosses a changed day,
    with the rule values recorded on each node; each whose due date moves keeps the earlier one in its
    trace and gets a `node.recomputed` event. Done and moot clocks, and clocks whose date comes out the
    same, keep their date and trace. Returns how many moved."""
    if not dates:
        return 0
    candidates = ProcessNode.objects.select_for_update(of=("self",)).filter(
        status__in=PENDING_NODE_STATUSES, start_date__lt=max(dates), due_on__gte=min(dates)
    )
    today, moved, entries, past_due = timezone.localdate(), [], [], set()
    for node in candidates.select_related("case").order_by("pk"):
        touched = crossed(dates, node.start_date, node.due_on)
        if not touched:
            continue
        before = node.due_on
        clocks.recompute(node, reason={"calendar": change, "dates": touched})
        if node.due_on == before:
            continue  # the count comes out the same (a calendar-day clock not ending near the day)
        if node.status == NodeStatus.OVERDUE and node.due_on >= today:
            node.status, node.overdue_at = NodeStatus.OPEN, None
        elif node.status == NodeStatus.OPEN and node.due_on < today:
            past_due.add(node.case_id)
        moved.append(node)
        entries.append(
            audit.Entry(
                "node.recomputed", node, actor=actor, case_id=node.case_id, court_id=node.case.court_id,
                before={"due_on": before}, after={"due_on": node.due_on, "calendar": change, "dates": touched},
            )
        )  # fmt: skip
    ProcessNode.objects.bulk_update(moved, ["due_on", "trace", "status", "overdue_at"])
    audit.append_many(entries)
    for case_id in sorted(past_due):
        enqueue_overdue_check(case_id)
    return len(moved)


# --- Overdue sweep (issue 2 §5) ---------------------------------------------------------------------


def sweep_overdue(today: dt.date, *, case_id: int | None = None) -> int:
    """Mark open nodes due before `today` overdue, each exactly once however many workers run this
    (`sweeps.claim_each`): only the worker that claimed a node notifies the officer and appends
    its event."""
    candidates = ProcessNode.objects.filter(case__status=CaseStatus.OPEN)
    if case_id is not None:
        candidates = candidates.filter(case_id=case_id)
    return claim_each(candidates, overdue(today), overdue_changes(), lambda won: _report_overdue(won, today))


def overdue(today: dt.date) -> Q:
    return Q(status=NodeStatus.OPEN, due_on__lt=today)


def overdue_changes() -> dict[str, Any]:
    return {"status": NodeStatus.OVERDUE, "overdue_at": timezone.now()}


def _report_overdue(won: list[dict[str, Any]], today: dt.date) -> None:
    nodes = list(
        ProcessNode.objects.filter(pk__in=[row["pk"] for row in won])
        .select_related("case", "case__officer")
        .order_by("pk")
    )
    notify_all([_overdue_notice(node) for node in nodes if node.case.officer_id])
    audit.append_many(
        audit.Entry(
            "node.overdue",
            node,
            actor=None,
            case_id=node.case_id,
            court_id=node.case.court_id,
            before={"status": NodeStatus.OPEN},
            after={"status": NodeStatus.OVERDUE, "kind": node.kind, "due_on": node.due_on, "swept_on": today},
        )
        for node in nodes
    )


def case_url(case_id: int, anchor: str = "") -> str:
    return reverse("case-detail", args=[case_id]) + anchor


def _overdue_notice(node: ProcessNode) -> Note:
    case = node.case
    message = _("%(node)s on %(number)s was due on %(due)s and is overdue.") % {
        "node": node.get_kind_display(),
        "number": case.number,
        "due": node.due_on.isoformat(),
    }
    assert case.officer_id is not None
    return Note(case.officer_id, "node.overdue", message, case_url(case.pk), case.pk)


# The tasks beside the sweep they run (cases/tasks.py only registers the daily sweep): ids and ISO
# dates, never objects.


@task()
def sweep_overdue_task(day: str | None = None) -> int:
    """The whole sweep in a worker; safe to run any number of times at once."""
    return sweep_overdue(dt.date.fromisoformat(day) if day else timezone.localdate())


@task()
def check_case_overdue(case_id: int) -> int:
    """One case's nodes, right after a change that may have left a due date in the past."""
    return sweep_overdue(timezone.localdate(), case_id=case_id)
