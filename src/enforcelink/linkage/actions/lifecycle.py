"""One request's lifecycle: the court creates, sends (or puts before an approver), approves, re-sends
and cancels; the unit acknowledges, starts, completes, rejects or returns; both sides write in its
thread; a closing case withdraws its unsent requests.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases.actions import ensure_open, ensure_open_or_terminated, staff_case
from enforcelink.cases.models import Case
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.linkage import policy, queries
from enforcelink.linkage.actions.access import court_request, unit_request
from enforcelink.linkage.actions.inputs import Ask, clean_ask, clean_reason
from enforcelink.linkage.actions.notices import dispatch
from enforcelink.linkage.actions.trail import record_step
from enforcelink.linkage.attachments import CleanFile, FileLike, attachments_store, clean_files, trail_data
from enforcelink.linkage.delivery import enqueue_deliveries
from enforcelink.linkage.models import (
    AssistanceRequest,
    AttachmentKind,
    RequestMessage,
    RequestStatus,
    Side,
)
from enforcelink.orgs.models import ApiKey, LinkageUnit, User
from enforcelink.orgs.permissions import Action, Actor, can, is_own_request, person
from enforcelink.orgs.scoping import unit_directory_scope

PAST = {"acknowledge": "acknowledged", "start": "started", "complete": "completed", "reject": "rejected",
        "return": "returned"}  # fmt: skip


def request_create(case: Case, ask: Ask, *, actor: User, batch: uuid.UUID | None = None) -> AssistanceRequest:
    """A draft request from an open case to a unit of the court's directory that has the type on its
    responsibility list."""
    if not LinkageUnit.objects.filter(unit_directory_scope(actor), pk=ask.unit.pk).exists():
        raise NotFound(field="unit")
    entry = clean_ask(ask)
    with transaction.atomic():
        locked = staff_case(case, actor, Action.DRAFT_REQUEST)
        _ensure_open(locked, ask.request_type)
        policy.check_subject(ask.request_type, queries.respondent_kinds([locked.pk]).get(locked.pk, set()))
        request = AssistanceRequest.objects.create(
            case=locked, unit=ask.unit, request_type=ask.request_type, purpose=ask.purpose.strip()[:300],
            legal_basis=ask.legal_basis.strip()[:200], details=ask.details, sla_amount=entry.sla_amount,
            sla_unit=entry.sla_unit, needs_approval=entry.needs_approval, created_by=actor, batch=batch,
        )  # fmt: skip
        record_step(request, "created", "", actor=actor)
    return request


def _ensure_open(case: Case, request_type: str) -> None:
    """A closed case takes no request, except one lifting a measure (`policy.LIFTS`); a 终本 case's
    controls stay in force, so they are renewed too (`policy.RENEWALS`, R-ASSET-02, R-ZB-04)."""
    if request_type in policy.RENEWALS:
        ensure_open_or_terminated(case)
    elif request_type not in policy.LIFTS:
        ensure_open(case)


def _move(request: AssistanceRequest, transition: str) -> str:
    before = request.status
    request.status = policy.next_status(before, transition)
    return before


def request_send(request: AssistanceRequest, *, actor: User) -> AssistanceRequest:
    """Send a draft, or put it before an approver when its type needs approval."""
    with transaction.atomic():
        locked = court_request(request, actor)
        _ensure_open(locked.case, locked.request_type)
        if locked.needs_approval:
            before = _move(locked, "submit_for_approval")
            locked.save()
            record_step(locked, "submitted", before, actor=actor)
            return locked
        before = _move(locked, "submit")
        record_step(locked, "sent", before, actor=actor, **dispatch(locked, actor=actor))
    return locked


def request_approve(
    request: AssistanceRequest, *, approve: bool, actor: User, note: str = ""
) -> AssistanceRequest:
    """The president or a team leader approves (it goes out) or refuses (it goes back to draft)."""
    with transaction.atomic():
        locked = court_request(request, actor)
        _ensure_open(locked.case, locked.request_type)
        if not can(actor, Action.APPROVE_REQUEST):
            raise RuleViolation("NOT_APPROVER", _("Only the president or a team leader approves requests."))
        # Four eyes: neither who drafted it nor who put it before an approver (an approver who sends a
        # colleague's draft does not then approve it).
        if is_own_request(actor, locked):
            raise RuleViolation("OWN_REQUEST", _("A request is approved by someone other than its author."))
        if not approve and not note.strip():
            raise InvalidInput("REASON_REQUIRED", _("Give a reason."), field="note")
        before = _move(locked, "approve" if approve else "refuse")
        data: dict[str, Any] = {}
        if approve:
            data = dispatch(locked, actor=actor)
        else:
            locked.save()
        record_step(locked, "approved" if approve else "refused", before, actor=actor, note=note, **data)
    return locked


def apply_transition(locked: AssistanceRequest, transition: str, now: dt.datetime, **data: Any) -> str:
    """Apply one of the unit's transitions to a locked request; returns the status before."""
    before = _move(locked, transition)
    if locked.acknowledged_at is None:
        locked.acknowledged_at = now  # an answer without a separate acknowledgement acknowledges too
    if transition in ("complete", "reject"):
        locked.completed_at = now
    if transition == "return":
        locked.returned_at = now
    for name, value in data.items():
        setattr(locked, name, value)
    return before


def _unit_step(
    request: AssistanceRequest,
    transition: str,
    *,
    actor: Actor,
    note: str = "",
    files: list[CleanFile] | None = None,
    **data: Any,
) -> AssistanceRequest:
    """A unit's step; the files of a reply (checked by the caller) are stored in its transaction."""
    with transaction.atomic():
        action = Action.ACKNOWLEDGE if transition in ("acknowledge", "start") else Action.REPLY
        locked = unit_request(request, actor, action)
        before = apply_transition(locked, transition, timezone.now(), **data)
        locked.save()
        attachments_store(locked, files or [], kind=AttachmentKind.REPLY, side=Side.UNIT, actor=actor)
        record_step(locked, PAST[transition], before, actor=actor, note=note, **trail_data(files or []))
    return locked


def request_acknowledge(request: AssistanceRequest, *, actor: Actor) -> AssistanceRequest:
    """Acknowledging twice (a retrying system) is not an error: the second one changes nothing."""
    with transaction.atomic():
        locked = unit_request(request, actor, Action.ACKNOWLEDGE)
        if locked.acknowledged_at is not None and locked.status != RequestStatus.SENT:
            return locked
    return _unit_step(request, "acknowledge", actor=actor)


def request_start(request: AssistanceRequest, *, actor: Actor) -> AssistanceRequest:
    return _unit_step(request, "start", actor=actor)


def request_complete(
    request: AssistanceRequest, *, result: Any, actor: Actor, attachments: Sequence[FileLike] = ()
) -> AssistanceRequest:
    """The structured result the type must return (`policy.RESULT_FIELDS`), checked before anything,
    with the files that come with it (a statement, an extract), stored with it or not at all."""
    cleaned = policy.clean_result(request.request_type, result)
    policy.check_result_against(request.request_type, cleaned, request.details, timezone.localdate())
    files = clean_files(attachments)
    return _unit_step(request, "complete", actor=actor, result=cleaned, files=files)


def request_reject(
    request: AssistanceRequest, *, reason: str, actor: Actor, attachments: Sequence[FileLike] = ()
) -> AssistanceRequest:
    files, reason = clean_files(attachments), clean_reason(reason)
    return _unit_step(request, "reject", actor=actor, note=reason, reason=reason, files=files)


def request_return(
    request: AssistanceRequest, *, reason: str, actor: Actor, attachments: Sequence[FileLike] = ()
) -> AssistanceRequest:
    """Back to the court for correction: the SLA clock pauses until the court re-sends."""
    files, reason = clean_files(attachments), clean_reason(reason)
    return _unit_step(request, "return", actor=actor, note=reason, reason=reason, files=files)


def request_resend(
    request: AssistanceRequest, *, actor: User, details: dict[str, Any] | None = None, note: str = ""
) -> AssistanceRequest:
    """The court corrected a returned request; the days it spent here are added to the deadline."""
    with transaction.atomic():
        locked = court_request(request, actor)
        _ensure_open(locked.case, locked.request_type)
        before = _move(locked, "resend")
        if details is not None:
            corrected = Ask(locked.unit, locked.request_type, locked.purpose, locked.legal_basis, details)
            clean_ask(corrected)
            locked.details = corrected.details
        assert locked.returned_at is not None
        paused = policy.paused_between(
            timezone.localdate(locked.returned_at), timezone.localdate(), locked.sla_unit
        )
        locked.paused_days += paused
        locked.returned_at = None
        locked.reminded_on = locked.escalated_on = None  # the new deadline gets its own reminder
        data = dispatch(locked, actor=actor)
        record_step(locked, "resent", before, actor=actor, note=note, paused_days=paused, **data)
    return locked


def request_cancel(request: AssistanceRequest, *, reason: str, actor: User) -> AssistanceRequest:
    with transaction.atomic():
        locked = court_request(request, actor)
        before = _move(locked, "cancel")
        locked.reason = clean_reason(reason)
        locked.save()
        record_step(locked, "cancelled", before, actor=actor, note=locked.reason)
        if before != RequestStatus.DRAFT and before != RequestStatus.PENDING_APPROVAL:
            enqueue_deliveries([locked], "request.cancelled")  # the unit must stop working on it
    return locked


def message_post(
    request: AssistanceRequest, *, body: str, actor: Actor, attachments: Sequence[FileLike] = ()
) -> RequestMessage:
    """A message in the request's thread, from the court or from the unit, with any files (a message
    may be only files); a closed request's thread stays readable, and still open for questions
    about the result. The files are stored with the message or not at all."""
    text = (body or "").strip()
    files = clean_files(attachments)
    if (not text and not files) or len(text) > 4000:
        raise InvalidInput("MESSAGE_INVALID", _("Write a message of at most 4,000 characters."), field="body")
    with transaction.atomic():
        if can(actor, Action.REPLY):  # a unit's liaison or system writes on the unit's side
            locked, side = unit_request(request, actor, Action.MESSAGE), Side.UNIT
        else:
            locked, side = court_request(request, actor, Action.MESSAGE), Side.COURT
        user, key = person(actor), actor if isinstance(actor, ApiKey) else None
        message = RequestMessage.objects.create(
            request=locked, side=side, author=user, api_key=key, body=text, at=timezone.now()
        )
        attachments_store(locked, files, kind=AttachmentKind.MESSAGE, side=side, actor=actor, message=message)
        record_step(locked, "message", locked.status, actor=actor, side=side, **trail_data(files))
    return message


def requests_withdraw_unsent(case: Case, *, actor: User) -> int:
    """When a case closes, its drafts and requests awaiting approval are withdrawn; what is already
    with a unit goes on (after 终本 the controls stay in force, R-ZB-04) and can still be answered."""
    return requests_withdraw_for_closure(case_id=case.pk, actor=actor)


def requests_withdraw_for_closure(*, case_id: int, actor: User, **_payload: Any) -> int:
    """The `case.closed` listener (apps.py): inside the closure's transaction, after it locked the
    case, the case's unsent requests are locked in id order and withdrawn."""
    withdrawn = 0
    for request in (
        AssistanceRequest.objects.select_for_update()
        .filter(case_id=case_id, status__in=(RequestStatus.DRAFT, RequestStatus.PENDING_APPROVAL))
        .order_by("pk")
    ):
        before = request.status
        request.status, request.reason = RequestStatus.CANCELLED, _("The case was closed.")
        request.save(update_fields=["status", "reason"])
        record_step(request, "cancelled", before, actor=actor, note=request.reason)
        withdrawn += 1
    return withdrawn
