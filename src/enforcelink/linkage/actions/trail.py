"""The trail of a request's steps: each step's `RequestEvent` (what SLA figures are read from), its
audit entry, and the domain event it announces (`request.sent`, `request.completed`,
`request.rejected`, `request.cancelled`), built apart so batches write them in bulk.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.utils import timezone

from enforcelink.core import audit, events, rows
from enforcelink.core.rows import insert_rows
from enforcelink.linkage.actions.alerts import notify_steps
from enforcelink.linkage.models import AssistanceRequest, RequestEvent, RequestStatus
from enforcelink.orgs.models import ApiKey
from enforcelink.orgs.permissions import Actor


class Step(NamedTuple):
    """One step of a request, not yet written: its event row, its audit entry and the domain event
    it announces, if any (`core.events`: `request.sent`, `request.completed`, `request.rejected`,
    `request.cancelled`)."""

    event: RequestEvent
    entry: audit.Entry
    fact: tuple[str, dict[str, Any]] | None
    actor: Any = None  # who took the step, for the notifications it sends (`alerts`)


SENT_STEPS = frozenset({"sent", "approved", "resent"})  # the steps that put a request before its unit


def _fact(
    request: AssistanceRequest, kind: str, court_id: int, actor: Actor, before: str
) -> tuple[str, dict[str, Any]] | None:
    ids = {"request_id": request.pk, "case_id": request.case_id, "court_id": court_id, "unit_id": request.unit_id,
           "request_type": request.request_type, "actor": actor}  # fmt: skip
    if kind in SENT_STEPS and request.status == RequestStatus.SENT:
        return "request.sent", {**ids, "step": kind}
    if kind == "completed":
        return "request.completed", {**ids, "result": request.result}
    if kind == "rejected":
        return "request.rejected", {**ids, "reason": request.reason}
    if kind == "cancelled":  # by the court's staff, or withdrawn by a closing case
        return "request.cancelled", {**ids, "reason": request.reason, "was": before}
    return None


def trail_step(
    request: AssistanceRequest,
    kind: str,
    before: str,
    *,
    actor: Actor,
    note: str = "",
    court_id: int | None = None,
    **data: Any,
) -> Step:
    """The request's event row, its audit entry and its announcement, not yet written (batches write
    them in bulk); `court_id` when the caller has it without the request's case."""  # fmt: skip
    user, key = (None, actor) if isinstance(actor, ApiKey) else (actor, None)
    event = rows.new(
        RequestEvent, request_id=request.pk, kind=kind, status_before=before, status_after=request.status,
        actor_id=getattr(user, "pk", None), api_key_id=key.pk if key is not None else None, at=timezone.now(),
        note=note[:500], data=audit.jsonable(data),
    )  # fmt: skip
    court_id = court_id if court_id is not None else request.case.court_id
    entry = audit.Entry(
        f"request.{kind}",
        request,
        actor=user if user is not None else f"api-key:{key.prefix}" if key else None,
        case_id=request.case_id,
        court_id=court_id,
        before={"status": before},
        after={"status": request.status, **data, **({"note": note} if note else {})},
    )
    return Step(event, entry, _fact(request, kind, court_id, actor, before), actor)


def write_trail(trail: list[Step]) -> None:
    """The events, then their audit entries: the chain head is locked last in the transaction, so
    concurrent writers wait on it only for their commit. Then, the one point where every step of a
    request is announced, each step's fact in the order of the steps, and whoever must hear of a
    step is told (`alerts`: the officer of a unit's answer, the approvers of a submission, …)."""
    insert_rows([step.event for step in trail])
    audit.append_many([step.entry for step in trail])
    notify_steps(trail)
    for step in trail:
        if step.fact is not None:
            events.announce(step.fact[0], **step.fact[1])


def record_step(
    request: AssistanceRequest, kind: str, before: str, *, actor: Actor, note: str = "", **data: Any
) -> None:
    write_trail([trail_step(request, kind, before, actor=actor, note=note, **data)])
