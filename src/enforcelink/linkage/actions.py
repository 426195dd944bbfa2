"""Writes on assistance requests: create, send (with its 协助执行通知书), approve, the unit's
acknowledgement, progress, result, rejection and return, the court's re-sending and cancellation,
the follow-up thread, and batches (one case to many units, many cases to one unit).

Every change locks the request, checks the transition (`policy.TRANSITIONS`) and who may make it,
appends a `RequestEvent` (what SLA figures are read from) and an audit event. The unit side is a
liaison (a user of the unit) or the unit's system (its `ApiKey`); another unit's request, like a
missing one, is "not found".
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.db.models.fields.json import KT
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enforcelink.cases.actions import ensure_open, is_staff_of, staff_case
from enforcelink.cases.models import Case
from enforcelink.core import audit, events, rows
from enforcelink.core.calendar import Deadline, with_history
from enforcelink.core.errors import DomainError, InvalidInput, NotFound, RuleViolation
from enforcelink.core.models import Notification
from enforcelink.core.money import parse_amount
from enforcelink.core.rows import insert_rows, update_rows
from enforcelink.core.sweeps import claim_each
from enforcelink.core.text import clean_text, column_max_length
from enforcelink.documents.actions import Reservation, documents_reserve, issued_fields
from enforcelink.documents.models import Document, DocumentKind
from enforcelink.documents.policy import AMOUNT_VARIANTS
from enforcelink.linkage import policy, queries
from enforcelink.linkage.attachments import CleanFile, FileLike, attachments_store, clean_files, trail_data
from enforcelink.linkage.delivery import enqueue_deliveries
from enforcelink.linkage.models import (
    WITH_UNIT,
    AssistanceRequest,
    AttachmentKind,
    ReplyReceipt,
    RequestEvent,
    RequestMessage,
    RequestStatus,
    RequestType,
    Side,
)
from enforcelink.orgs.models import ApiKey, LinkageUnit, Role, User
from enforcelink.orgs.scoping import unit_directory_scope

APPROVERS = {Role.PRESIDENT, Role.TEAM_LEADER}
PAST = {"acknowledge": "acknowledged", "start": "started", "complete": "completed", "reject": "rejected",
        "return": "returned"}  # fmt: skip


@dataclass
class Ask:
    """What the officer asks one unit to do."""

    unit: LinkageUnit
    request_type: str
    purpose: str
    legal_basis: str
    details: dict[str, Any] = field(default_factory=dict)


def _clean_ask_texts(ask: Ask) -> None:
    """The shared text rule (issue 12) for what the notice prints: NFC, no control or text-direction
    character, no longer than its column (refused, not cut), whichever page or API call it came by."""
    for name in ("purpose", "legal_basis"):
        limit = column_max_length(AssistanceRequest, name)
        setattr(ask, name, clean_text(str(getattr(ask, name)).strip(), field=name, max_length=limit))


DETAIL_SCALARS = (str, int, float, bool)
MAX_DETAIL_KEY = 100
MAX_DETAIL_TEXT = 1000  # a measure, an account, a certificate: never a document's worth


def _clean_details(details: dict[Any, Any]) -> dict[str, Any]:
    """The request's details (the measure, an amount, an account): flat, text keys and text, number
    or yes/no values, every text under the text rule. They are printed in the notice and shown to the
    unit, so a nested list or object, or a key with a control character, is refused naming it."""
    cleaned: dict[str, Any] = {}
    for key, value in details.items():
        if not isinstance(key, str):
            raise InvalidInput(
                "DETAILS_INVALID", _("The request details must be an object."), field="details"
            )
        name = clean_text(key, field=f"details.{key[:MAX_DETAIL_KEY]}", max_length=MAX_DETAIL_KEY)
        if value is not None and not isinstance(value, DETAIL_SCALARS):
            raise InvalidInput(
                "DETAILS_INVALID",
                _("Give text, a number or yes/no here, not a list or an object."),
                field=f"details.{name}",
            )
        if isinstance(value, float) and not math.isfinite(value):  # JSON's NaN/Infinity: no column takes it
            raise InvalidInput("DETAILS_INVALID", _("Give a number."), field=f"details.{name}")
        if isinstance(value, str):
            value = clean_text(value, field=f"details.{name}", max_length=MAX_DETAIL_TEXT)
        cleaned[name] = value
    return cleaned


def _clean_ask(ask: Ask, responsibilities: dict[str, policy.Entry] | None = None) -> policy.Entry:
    """R-ASSET-01: every request records its purpose and legal basis; the unit must handle the type."""
    for name in ("purpose", "legal_basis"):
        if not str(getattr(ask, name) or "").strip():
            raise InvalidInput(
                "REQUIRED", _("Enter the %(what)s.") % {"what": _(name.replace("_", " "))}, field=name
            )
    _clean_ask_texts(ask)
    if responsibilities is None:
        responsibilities = queries.responsibility_list(ask.unit)
    entry = responsibilities.get(ask.request_type) if ask.unit.active else None
    if entry is None:
        raise RuleViolation(
            "NOT_ON_LIST",
            _("%(unit)s does not handle this kind of request.") % {"unit": ask.unit.name},
            field="request_type",
        )
    # The documents the list requires must be ones the platform makes (notice, ruling): a request
    # that could not go out complete is refused before anything is written.
    policy.check_attachments(entry.attachments, unit=ask.unit.name, field="request_type")
    if not isinstance(ask.details, dict):
        raise InvalidInput("DETAILS_INVALID", _("The request details must be an object."), field="details")
    ask.details = _clean_details(ask.details)
    variant = policy.NOTICE_VARIANTS.get(ask.request_type, "")
    if variant in AMOUNT_VARIANTS.get("assistance_notice", ()):
        ask.details["amount"] = str(
            parse_amount(ask.details.get("amount"), field_name="details.amount", allow_zero=False)
        )
    return entry


class Step(NamedTuple):
    """One step of a request, not yet written: its event row, its audit entry and the domain event
    it announces, if any (`core.events`: `request.sent`, `request.completed`, `request.rejected`)."""

    event: RequestEvent
    entry: audit.Entry
    fact: tuple[str, dict[str, Any]] | None


SENT_STEPS = frozenset({"sent", "approved", "resent"})  # the steps that put a request before its unit


def _fact(
    request: AssistanceRequest, kind: str, court_id: int, actor: Any
) -> tuple[str, dict[str, Any]] | None:
    ids = {"request_id": request.pk, "case_id": request.case_id, "court_id": court_id, "unit_id": request.unit_id,
           "request_type": request.request_type, "actor": actor}  # fmt: skip
    if kind in SENT_STEPS and request.status == RequestStatus.SENT:
        return "request.sent", {**ids, "step": kind}
    if kind == "completed":
        return "request.completed", {**ids, "result": request.result}
    if kind == "rejected":
        return "request.rejected", {**ids, "reason": request.reason}
    return None


def _trail(
    request: AssistanceRequest,
    kind: str,
    before: str,
    *,
    actor: Any,
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
    return Step(event, entry, _fact(request, kind, court_id, actor))


def _write_trail(trail: list[Step]) -> None:
    """The events, then their audit entries: the chain head is locked last in the transaction, so
    concurrent writers wait on it only for their commit. Then, the one point where every step of a
    request is announced, each step's fact in the order of the steps."""
    insert_rows([step.event for step in trail])
    audit.append_many([step.entry for step in trail])
    for step in trail:
        if step.fact is not None:
            events.announce(step.fact[0], **step.fact[1])


def _record(
    request: AssistanceRequest, kind: str, before: str, *, actor: Any, note: str = "", **data: Any
) -> None:
    _write_trail([_trail(request, kind, before, actor=actor, note=note, **data)])


def request_create(case: Case, ask: Ask, *, actor: Any, batch: uuid.UUID | None = None) -> AssistanceRequest:
    """A draft request from an open case to a unit of the court's directory that has the type on its
    responsibility list."""
    if not LinkageUnit.objects.filter(unit_directory_scope(actor), pk=ask.unit.pk).exists():
        raise NotFound(field="unit")
    entry = _clean_ask(ask)
    with transaction.atomic():
        locked = staff_case(case, actor)
        ensure_open(locked)
        request = AssistanceRequest.objects.create(
            case=locked, unit=ask.unit, request_type=ask.request_type, purpose=ask.purpose.strip()[:300],
            legal_basis=ask.legal_basis.strip()[:200], details=ask.details, sla_amount=entry.sla_amount,
            sla_unit=entry.sla_unit, needs_approval=entry.needs_approval, created_by=actor, batch=batch,
        )  # fmt: skip
        _record(request, "created", "", actor=actor)
    return request


def _lock(request: AssistanceRequest) -> AssistanceRequest:
    locked = (
        AssistanceRequest.objects.select_for_update()
        .select_related("case__court", "unit")
        .filter(pk=request.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


def court_request(request: AssistanceRequest, actor: Any) -> AssistanceRequest:
    """Lock for a write by the staff of the case's court; anyone else: "not found". The case is locked
    before the request, the order every writer takes (closing a case locks it, then its requests;
    the other way round, an approval meeting a closing would deadlock)."""
    list(Case.objects.select_for_update().filter(pk=request.case_id).values_list("pk", flat=True))
    locked = _lock(request)
    if not is_staff_of(actor, locked.case.court_id):
        raise NotFound()
    return locked


def unit_request(request: AssistanceRequest, actor: Any) -> AssistanceRequest:
    """Lock for a write by the unit it was sent to (a liaison or the unit's API key); what was never
    sent to it (`sent_to`) and other units' requests are "not found"."""
    locked = _lock(request)
    if replying_unit(actor) != locked.unit_id or not locked.was_sent:
        raise NotFound()
    return locked


def replying_unit(actor: Any) -> int | None:
    """The unit an actor answers for: a live API key's, or an active liaison's (unit staff); anyone
    else answers for none (every request is "not found"). Read from the actor, without a query."""
    if isinstance(actor, ApiKey):
        return actor.unit_id if actor.revoked_at is None else None
    if getattr(actor, "is_unit_staff", False) and actor.is_active:
        return actor.unit_id
    return None


def _move(request: AssistanceRequest, transition: str) -> str:
    before = request.status
    request.status = policy.next_status(before, transition)
    return before


def _schedule(request: AssistanceRequest, due_dates: dict[tuple[Any, ...], Any] | None = None) -> None:
    """Sent: the SLA clock starts (once: a re-sent request keeps its first day)."""
    request.sent_at = request.sent_at or timezone.now()
    key = (timezone.localdate(request.sent_at), request.sla_amount, request.sla_unit, request.paused_days)
    deadline = due_dates.get(key) if due_dates is not None else None
    if deadline is None:
        deadline = policy.due_date(
            key[0], request.sla_amount, request.sla_unit, paused_days=request.paused_days
        )
        if due_dates is not None:
            due_dates[key] = deadline
    request.due_on, request.due_trace = deadline.due, deadline.trace


def _dispatch(request: AssistanceRequest, *, actor: Any) -> dict[str, Any]:
    """Sent: the SLA clock starts and the notice is issued (numbered now, rendered on first download),
    with the case's ruling when the unit's list requires one. Returns what the step's trail entry
    says of the deadline, the notice and the ruling. A re-sent request keeps both."""
    _schedule(request)
    issued = request.notice_id is None
    ruling_issued = False
    if issued:  # the notice prints the case as it is now: `court_request` locked it and read it since
        if policy.RULING in _attachments_now(request):
            [ruling_issued] = _attach_rulings([request], actor=actor)
        [request.notice] = documents_reserve(
            [_notice(request)], kind="assistance_notice", actor=actor, own_entries=False
        )
    request.save()
    enqueue_deliveries([request], "request.sent")
    return _sent_data(request, issued=issued, ruling_issued=ruling_issued)


def _attachments_now(request: AssistanceRequest) -> tuple[str, ...]:
    """What the unit's list requires with the request as it goes out (the list may have changed since
    the draft; a type it no longer lists keeps its type's shipped line)."""
    entry = queries.responsibility_for(request.unit, request.request_type)
    if entry is None:
        entry = policy.DEFAULT_LISTS.get(request.unit.unit_type, {}).get(request.request_type)
    return policy.check_attachments(
        entry.attachments if entry else (), unit=request.unit.name, field="request_type"
    )


def _sent_data(request: AssistanceRequest, *, issued: bool, ruling_issued: bool = False) -> dict[str, Any]:
    """The deadline, the notice and the ruling: a document issued with this step is recorded in the
    step's own entry (one entry for the one action), with the template it was filled from; a ruling
    already issued for the case is named by its number."""
    assert request.notice is not None
    data: dict[str, Any] = {"due_on": request.due_on, "notice": request.notice.number}
    if issued:
        data["notice_template"] = issued_fields(request.notice)["template"]
    if request.ruling is not None:
        data["ruling"] = request.ruling.number
        if ruling_issued:
            data["ruling_template"] = issued_fields(request.ruling)["template"]
    return data


RulingKey = tuple[int, str, str]


def _ruling_key(request: AssistanceRequest) -> RulingKey:
    """One ruling per case and measure: the shipped variant, or for the general text the measure's
    printed name (a general ruling decides one named measure)."""
    variant = policy.ruling_variant(request.request_type)
    return (request.case_id, variant, "" if variant else _printed_type(request.request_type))


def _ruling(request: AssistanceRequest) -> Reservation:
    """The case's 执行裁定书 for the request's measure (CPL Art.253/255; the periods of R-ASSET-02 are
    in the shipped texts, the limit is what the case still owes, R-ASSET-03)."""
    variant, measure = _ruling_key(request)[1:]
    extra = {"measure": measure, "legal_basis": request.legal_basis} if not variant else {}
    return Reservation(request.case, variant, extra)


def _attach_rulings(requests: list[AssistanceRequest], *, actor: Any) -> list[bool]:
    """Give each request (its case locked by the caller) the case's ruling for its measure: the newest
    already issued for the case and measure, else one reserved now and shared by the requests of the
    same case and measure. One query for the existing rulings, one reservation for the new ones.
    Returns, per request, whether its ruling was issued now."""
    keys = [_ruling_key(request) for request in requests]
    found: dict[RulingKey, Document] = {}
    rulings = (
        Document.objects.filter(
            kind=DocumentKind.ENFORCEMENT_RULING, case_id__in={key[0] for key in keys},
            variant__in={key[1] for key in keys},
        )
        .annotate(measure=KT("values__measure"))
        .only("pk", "case_id", "variant", "number")
        .order_by("pk")
    )  # fmt: skip
    for ruling in rulings:  # the newest wins
        measure = "" if ruling.variant else str(getattr(ruling, "measure", None) or "")
        found[(ruling.case_id or 0, ruling.variant, measure)] = ruling
    wanted = {key: request for key, request in zip(keys, requests, strict=True) if key not in found}
    made = documents_reserve(
        [_ruling(request) for request in wanted.values()], kind=DocumentKind.ENFORCEMENT_RULING, actor=actor,
        own_entries=False,
    ) if wanted else []  # fmt: skip
    issued = dict(zip(wanted, made, strict=True))
    for key, request in zip(keys, requests, strict=True):
        request.ruling = issued.get(key) or found[key]
    return [key in issued for key in keys]


@functools.cache
def _printed_type(request_type: str) -> str:
    """The request type as the notice prints it: in Chinese, whatever the officer's UI language."""
    with translation.override("zh-hans"):
        return str(RequestType(request_type).label)


def _notice(request: AssistanceRequest) -> Reservation:
    """The request's 协助执行通知书: addressed to the unit, with the measure, its basis and amount."""
    details = request.details
    measure = details.get("measure") or f"{_printed_type(request.request_type)}：{request.purpose}"
    extra = {"addressee": request.unit.name, "measure": measure, "legal_basis": request.legal_basis}
    if details.get("amount"):
        extra["measure_amount"] = details["amount"]
    if request.ruling is not None:
        extra["ruling_number"] = request.ruling.number  # the ruling the notice executes (DOMAIN.md §11)
    return Reservation(request.case, policy.NOTICE_VARIANTS.get(request.request_type, ""), extra)


def request_send(request: AssistanceRequest, *, actor: Any) -> AssistanceRequest:
    """Send a draft, or put it before an approver when its type needs approval."""
    with transaction.atomic():
        locked = court_request(request, actor)
        ensure_open(locked.case)
        if locked.needs_approval:
            before = _move(locked, "submit_for_approval")
            locked.save()
            _record(locked, "submitted", before, actor=actor)
            return locked
        before = _move(locked, "submit")
        _record(locked, "sent", before, actor=actor, **_dispatch(locked, actor=actor))
    return locked


def request_approve(
    request: AssistanceRequest, *, approve: bool, actor: Any, note: str = ""
) -> AssistanceRequest:
    """The president or a team leader approves (it goes out) or refuses (it goes back to draft)."""
    with transaction.atomic():
        locked = court_request(request, actor)
        ensure_open(locked.case)
        if actor.role not in APPROVERS:
            raise RuleViolation("NOT_APPROVER", _("Only the president or a team leader approves requests."))
        # Four eyes: neither who drafted it nor who put it before an approver (an approver who sends a
        # colleague's draft does not then approve it).
        submitted_by = (
            RequestEvent.objects.filter(request=locked, kind="submitted").order_by("-at", "-pk")
            .values_list("actor_id", flat=True).first()
        )  # fmt: skip
        if actor.pk in (locked.created_by_id, submitted_by):
            raise RuleViolation("OWN_REQUEST", _("A request is approved by someone other than its author."))
        if not approve and not note.strip():
            raise InvalidInput("REASON_REQUIRED", _("Give a reason."), field="note")
        before = _move(locked, "approve" if approve else "refuse")
        data: dict[str, Any] = {}
        if approve:
            data = _dispatch(locked, actor=actor)
        else:
            locked.save()
        _record(locked, "approved" if approve else "refused", before, actor=actor, note=note, **data)
    return locked


def _step(locked: AssistanceRequest, transition: str, now: dt.datetime, **data: Any) -> str:
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
    actor: Any,
    note: str = "",
    files: list[CleanFile] | None = None,
    **data: Any,
) -> AssistanceRequest:
    """A unit's step; the files of a reply (checked by the caller) are stored in its transaction."""
    with transaction.atomic():
        locked = unit_request(request, actor)
        before = _step(locked, transition, timezone.now(), **data)
        locked.save()
        attachments_store(locked, files or [], kind=AttachmentKind.REPLY, side=Side.UNIT, actor=actor)
        _record(locked, PAST[transition], before, actor=actor, note=note, **trail_data(files or []))
    return locked


def request_acknowledge(request: AssistanceRequest, *, actor: Any) -> AssistanceRequest:
    """Acknowledging twice (a retrying system) is not an error: the second one changes nothing."""
    with transaction.atomic():
        locked = unit_request(request, actor)
        if locked.acknowledged_at is not None and locked.status != RequestStatus.SENT:
            return locked
    return _unit_step(request, "acknowledge", actor=actor)


def request_start(request: AssistanceRequest, *, actor: Any) -> AssistanceRequest:
    return _unit_step(request, "start", actor=actor)


def request_complete(
    request: AssistanceRequest, *, result: Any, actor: Any, attachments: Sequence[FileLike] = ()
) -> AssistanceRequest:
    """The structured result the type must return (`policy.RESULT_FIELDS`), checked before anything,
    with the files that come with it (a statement, an extract), stored with it or not at all."""
    cleaned = policy.clean_result(request.request_type, result)
    policy.check_result_against(request.request_type, cleaned, request.details, timezone.localdate())
    files = clean_files(attachments)
    return _unit_step(request, "complete", actor=actor, result=cleaned, files=files)


def request_reject(
    request: AssistanceRequest, *, reason: str, actor: Any, attachments: Sequence[FileLike] = ()
) -> AssistanceRequest:
    files, reason = clean_files(attachments), clean_reason(reason)
    return _unit_step(request, "reject", actor=actor, note=reason, reason=reason, files=files)


def request_return(
    request: AssistanceRequest, *, reason: str, actor: Any, attachments: Sequence[FileLike] = ()
) -> AssistanceRequest:
    """Back to the court for correction: the SLA clock pauses until the court re-sends."""
    files, reason = clean_files(attachments), clean_reason(reason)
    return _unit_step(request, "return", actor=actor, note=reason, reason=reason, files=files)


def clean_reason(reason: Any) -> str:
    """A rejection, return or cancellation reason: required, the text rule (issue 12) and no longer
    than its column, refused rather than cut, whether it came by a page, the API or a reply sheet."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("REASON_REQUIRED", _("Give a reason."), field="reason")
    limit = column_max_length(AssistanceRequest, "reason")
    return clean_text(reason.strip(), field="reason", multiline=True, max_length=limit)


def request_resend(
    request: AssistanceRequest, *, actor: Any, details: dict[str, Any] | None = None, note: str = ""
) -> AssistanceRequest:
    """The court corrected a returned request; the days it spent here are added to the deadline."""
    with transaction.atomic():
        locked = court_request(request, actor)
        ensure_open(locked.case)
        before = _move(locked, "resend")
        if details is not None:
            corrected = Ask(locked.unit, locked.request_type, locked.purpose, locked.legal_basis, details)
            _clean_ask(corrected)
            locked.details = corrected.details
        assert locked.returned_at is not None
        paused = policy.paused_between(
            timezone.localdate(locked.returned_at), timezone.localdate(), locked.sla_unit
        )
        locked.paused_days += paused
        locked.returned_at = None
        locked.reminded_on = locked.escalated_on = None  # the new deadline gets its own reminder
        data = _dispatch(locked, actor=actor)
        _record(locked, "resent", before, actor=actor, note=note, paused_days=paused, **data)
    return locked


def request_cancel(request: AssistanceRequest, *, reason: str, actor: Any) -> AssistanceRequest:
    with transaction.atomic():
        locked = court_request(request, actor)
        before = _move(locked, "cancel")
        locked.reason = clean_reason(reason)
        locked.save()
        _record(locked, "cancelled", before, actor=actor, note=locked.reason)
        if before != RequestStatus.DRAFT and before != RequestStatus.PENDING_APPROVAL:
            enqueue_deliveries([locked], "request.cancelled")  # the unit must stop working on it
    return locked


def message_post(
    request: AssistanceRequest, *, body: str, actor: Any, attachments: Sequence[FileLike] = ()
) -> RequestMessage:
    """A message in the request's thread, from the court or from the unit, with any files (a message
    may be only files); a closed request's thread stays readable, and still open for questions
    about the result. The files are stored with the message or not at all."""
    text = (body or "").strip()
    files = clean_files(attachments)
    if (not text and not files) or len(text) > 4000:
        raise InvalidInput("MESSAGE_INVALID", _("Write a message of at most 4,000 characters."), field="body")
    with transaction.atomic():
        if isinstance(actor, ApiKey) or getattr(actor, "is_unit_staff", False):
            locked, side = unit_request(request, actor), Side.UNIT
        else:
            locked, side = court_request(request, actor), Side.COURT
        user, key = (None, actor) if isinstance(actor, ApiKey) else (actor, None)
        message = RequestMessage.objects.create(
            request=locked, side=side, author=user, api_key=key, body=text, at=timezone.now()
        )
        attachments_store(locked, files, kind=AttachmentKind.MESSAGE, side=side, actor=actor, message=message)
        _record(locked, "message", locked.status, actor=actor, side=side, **trail_data(files))
    return message


# --- batches ---------------------------------------------------------------------------------------


def requests_fan_out(
    case: Case, asks: Iterable[Ask], *, actor: Any, send: bool = True
) -> list[AssistanceRequest]:
    """One case to many units in one action (一键查询): all are created, or none."""
    return requests_batch([(case, ask) for ask in asks], actor=actor, send=send)


def requests_for_cases(
    cases: Iterable[Case], ask: Ask, *, actor: Any, send: bool = True
) -> list[AssistanceRequest]:
    """Many cases to one unit (a bank's daily batch): all are created, or none."""
    return requests_batch(
        [(case, Ask(ask.unit, ask.request_type, ask.purpose, ask.legal_basis, dict(ask.details))) for case in cases],
        actor=actor, send=send,
    )  # fmt: skip


def requests_batch(
    pairs: list[tuple[Case, Ask]], *, actor: Any, send: bool = True
) -> list[AssistanceRequest]:
    """Many (case, ask) pairs in one transaction, all or nothing, with the same checks and trail as
    one `request_create` + `request_send` each, but written in bulk: one lock per case, one insert
    per table, one counter lock per court for the notices, one audit append. Types that need
    approval go before an approver; the rest are sent, with their deliveries."""
    if not pairs:
        return []
    batch = uuid.uuid4()
    lists: dict[int, dict[str, policy.Entry]] = {}
    wanted = {ask.unit.pk for _case, ask in pairs}
    directory = set(
        LinkageUnit.objects.filter(unit_directory_scope(actor), pk__in=wanted).values_list("pk", flat=True)
    )
    entries = []
    for _case, ask in pairs:
        if ask.unit.pk not in directory:
            raise NotFound(field="unit")
        if ask.unit.pk not in lists:
            lists[ask.unit.pk] = queries.responsibility_list(ask.unit)
        entries.append(_clean_ask(ask, lists[ask.unit.pk]))
    with transaction.atomic():
        cases = _lock_cases({case.pk for case, _ask in pairs}, actor, drafts_only=not send)
        requests = [
            AssistanceRequest(
                case=cases[case.pk], unit=ask.unit, request_type=ask.request_type, purpose=ask.purpose.strip()[:300],
                legal_basis=ask.legal_basis.strip()[:200], details=ask.details, sla_amount=entry.sla_amount,
                sla_unit=entry.sla_unit, needs_approval=entry.needs_approval, created_by=actor, batch=batch,
            )
            for (case, ask), entry in zip(pairs, entries, strict=True)
        ]  # fmt: skip
        due_dates: dict[tuple[Any, ...], Any] = {}
        for request in requests:
            if not send:
                request.status = RequestStatus.DRAFT
            elif request.needs_approval:
                request.status = policy.next_status(RequestStatus.DRAFT, "submit_for_approval")
            else:
                request.status = policy.next_status(RequestStatus.DRAFT, "submit")
                _schedule(request, due_dates)
        going = [request for request in requests if request.status == RequestStatus.SENT]
        # Rulings before notices (the notice prints the ruling's number), in every path the same
        # order of counter locks. Inquiries need none: a batch of them costs nothing here.
        ruled = [
            request for request, entry in zip(requests, entries, strict=True)
            if request.status == RequestStatus.SENT and policy.RULING in entry.attachments
        ]  # fmt: skip
        issued_now = _attach_rulings(ruled, actor=actor) if ruled else []
        fresh = {id(request) for request, now in zip(ruled, issued_now, strict=True) if now}
        notices = documents_reserve(
            [_notice(r) for r in going], kind="assistance_notice", actor=actor, own_entries=False
        )
        for request, notice in zip(going, notices, strict=True):
            request.notice = notice
        insert_rows(requests)
        # One event per request: made and sent (or put before an approver) in the same step, so
        # the event starts from no status; a draft gets its "created".
        kinds: dict[str, str] = {RequestStatus.SENT: "sent", RequestStatus.PENDING_APPROVAL: "submitted"}
        trail = []
        for request in requests:
            sent = request.status == RequestStatus.SENT
            data = _sent_data(request, issued=True, ruling_issued=id(request) in fresh) if sent else {}
            trail.append(_trail(request, kinds.get(request.status, "created"), "", actor=actor, **data))
        enqueue_deliveries(going, "request.sent")
        _write_trail(trail)
    return requests


def _lock_cases(ids: set[int], actor: Any, *, drafts_only: bool) -> dict[int, Case]:
    """Lock the cases (in id order, as every writer does) for a write by their court's staff; a case
    of another court, like a missing one, is "not found"; a closed one refuses."""
    ordered = sorted(ids)
    locked = set(
        Case.objects.select_for_update().filter(pk__in=ordered).order_by("pk").values_list("pk", flat=True)
    )
    cases = {
        case.pk: case
        for case in Case.objects.filter(pk__in=locked).select_related("court", "officer").prefetch_related("parties")
    }  # fmt: skip
    for pk in ordered:
        case = cases.get(pk)
        # As one at a time: drafts may be made by the platform administrator too (`request_create`),
        # sending is for the court's staff only (`court_request`).
        superuser = drafts_only and getattr(actor, "is_superuser", False)
        if case is None or not (is_staff_of(actor, case.court_id) or superuser):
            raise NotFound(field="case")
        ensure_open(case)
    return cases


# --- reminders and escalation (issue 4 §5) --------------------------------------------------------

REMIND_WITHIN_DAYS = 1  # the liaison hears about a request the day before it is due


def _notify_unit(request: AssistanceRequest, roles: set[str], kind: str, message: str) -> list[Notification]:
    people = User.objects.filter(unit_id=request.unit_id, role__in=roles, is_active=True).values_list(
        "pk", flat=True
    )
    url = f"/requests/{request.pk}/"
    return [
        Notification(user_id=pk, kind=kind, message=message, url=url, case_id=request.case_id)
        for pk in people
    ]


def sweep_requests(today: dt.date) -> int:
    """Remind liaisons of requests due soon and escalate overdue ones to the unit's leader and the
    case's officer, each once however many workers sweep: rows are claimed by a conditional UPDATE."""
    return _remind_due(today) + _escalate_overdue(today)


def _remind_due(today: dt.date) -> int:
    soon = today + dt.timedelta(days=REMIND_WITHIN_DAYS)
    due = Q(status__in=WITH_UNIT, reminded_on__isnull=True, due_on__lte=soon, due_on__gte=today)

    def remind(won: list[dict[str, Any]]) -> None:
        notes = []
        for request in AssistanceRequest.objects.filter(pk__in=[row["pk"] for row in won]).select_related(
            "case"
        ):
            message = _("Assistance request for case %(case)s is due on %(due)s.") % {
                "case": request.case.number, "due": request.due_on}  # fmt: skip
            notes += _notify_unit(request, {Role.LIAISON}, "request.due_soon", message)
        Notification.objects.bulk_create(notes)

    return claim_each(AssistanceRequest.objects.all(), due, {"reminded_on": today}, remind)


def _escalate_overdue(today: dt.date) -> int:
    due = Q(status__in=WITH_UNIT, escalated_on__isnull=True, due_on__lt=today)

    def escalate(won: list[dict[str, Any]]) -> None:
        notes, trail = [], []
        requests = AssistanceRequest.objects.filter(pk__in=[row["pk"] for row in won]).select_related(
            "case__court", "unit"
        )
        for request in requests.order_by("pk"):
            message = _("%(unit)s has not answered the request for case %(case)s, due on %(due)s.") % {
                "unit": request.unit.name, "case": request.case.number, "due": request.due_on}  # fmt: skip
            notes += _notify_unit(request, {Role.UNIT_LEADER}, "request.overdue", message)
            if request.case.officer_id:
                notes.append(Notification(user_id=request.case.officer_id, kind="request.overdue", message=message,
                                          url=f"/cases/{request.case_id}/", case_id=request.case_id))  # fmt: skip
            trail.append(_trail(request, "escalated", request.status, actor=None, due_on=request.due_on))
        Notification.objects.bulk_create(notes)
        _write_trail(trail)

    return claim_each(AssistanceRequest.objects.all(), due, {"escalated_on": today}, escalate)


# --- a changed holiday calendar (R-TIME-01, R-TIME-02) ---------------------------------------------


def requests_recompute_for_calendar(*, dates: frozenset[dt.date], actor: Any, change: int) -> int:
    """Listener of `calendar.changed`: the SLA clocks running with a unit (sent, acknowledged, in
    progress) whose period crosses a changed day are recomputed from the first sending with the days
    already spent back with the court; each whose due date moves keeps the earlier one in its trace,
    gets a `due_recomputed` event and its own reminder. Answered, cancelled and returned requests keep
    theirs (a returned one is recomputed when re-sent). Returns how many moved."""
    if not dates:
        return 0
    candidates = AssistanceRequest.objects.select_for_update(of=("self",)).filter(
        status__in=WITH_UNIT, sent_at__isnull=False, due_on__gte=min(dates)
    )
    moved, trail = [], []
    for request in candidates.select_related("case").order_by("pk"):
        assert request.due_on is not None and request.sent_at is not None
        sent_on = timezone.localdate(request.sent_at)
        touched = sorted(day.isoformat() for day in dates if sent_on < day <= request.due_on)
        if not touched:
            continue
        before, old_trace = request.due_on, request.due_trace
        _schedule(request)
        if request.due_on == before:
            continue
        reason: dict[str, Any] = {"calendar": change, "dates": touched}
        request.due_trace = with_history(
            before, old_trace, Deadline(request.due_on, request.due_trace), reason
        )
        request.reminded_on = None  # the new deadline gets its own reminder
        if request.due_on >= timezone.localdate():
            request.escalated_on = None  # and, no longer overdue, its own escalation when it is again
        moved.append(request)
        trail.append(_trail(request, "due_recomputed", request.status, actor=actor, before_due_on=before,
                            due_on=request.due_on, **reason))  # fmt: skip
    AssistanceRequest.objects.bulk_update(moved, ["due_on", "due_trace", "reminded_on", "escalated_on"])
    _write_trail(trail)
    return len(moved)


# --- replies from a unit's system, exactly once (issue 4 §7) --------------------------------------

MAX_KEY = 100


def _fingerprint(body: Any) -> str:
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _check_same(receipt: ReplyReceipt, fingerprint: str, request: AssistanceRequest) -> None:
    if receipt.fingerprint != fingerprint or receipt.request_id != request.pk:
        raise RuleViolation(
            "IDEMPOTENCY_KEY_REUSED",
            _("This Idempotency-Key was already used for a different reply."),
            field="Idempotency-Key",
        )


def _replay(receipt: ReplyReceipt, fingerprint: str, request: AssistanceRequest) -> dict[str, Any]:
    _check_same(receipt, fingerprint, request)
    return dict(receipt.response)


def _clean_key(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY:
        raise InvalidInput(
            "IDEMPOTENCY_KEY_REQUIRED",
            _("Send an Idempotency-Key header of 1 to 100 characters with every reply."),
            field="Idempotency-Key",
        )
    return key


@dataclass
class UnitReply:
    """One reply from a unit's system, alone or in a batch (validated in shape by the API)."""

    id: int
    key: str
    outcome: str  # completed | rejected | returned
    result: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    attachments: Sequence[FileLike] = ()  # the single reply's files; batches carry none

    def body(self, files: Sequence[CleanFile] = ()) -> dict[str, Any]:
        """What the fingerprint is taken of: a repeat must say the same, files included (by name,
        type and hash; a reply without files keeps the fingerprint it always had)."""
        body = {"outcome": self.outcome, "result": self.result, "reason": self.reason}
        return {**body, **trail_data(files)}


OUTCOMES = {"completed": "complete", "rejected": "reject", "returned": "return"}
# What a reply reads: the request (without its deadline's trace) and, as plain attributes, the names
# its answer prints: not the case, court, unit and notice as model instances (four more objects per
# reply to build; a notice carries its filled text).
REPLY_COLUMNS = [f.name for f in AssistanceRequest._meta.concrete_fields if f.name != "due_trace"]
REPLY_NAMES = {
    "case_number": F("case__number"), "court_name": F("case__court__name"), "case_court_id": F("case__court_id"),
    "unit_name": F("unit__name"), "notice_number": F("notice__number"), "ruling_number": F("ruling__number"),
}  # fmt: skip


Present = Callable[[list[AssistanceRequest]], list[dict[str, Any]]]
# Who replies under an Idempotency-Key: a unit's system (its API key), or a liaison signed in by
# session who sends the header (a unit's own web client, a script). Either way the receipts are the
# unit's: one key space per unit, whoever of the unit uses a key.
ReplyActor = ApiKey | User


def replies_apply(replies: list[UnitReply], *, actor: ReplyActor, present: Present) -> list[dict[str, Any]]:
    """Replies from a unit's system (one, or a batch of up to 500), or a liaison's reply with its
    key: each applied exactly once under its own Idempotency-Key, each with its own answer
    (`{"id", "status", "request"}`, or the error's code, message and field) — a bad one does not
    hold up the others, and a repeat with the same body gets the first answer back and changes
    nothing. The requests are those of the actor's unit (`replying_unit`, as `unit_request`
    decides), the trail's actor is the key or the person.

    The page is written in bulk: its requests are locked together (in id order), then the receipts
    are read, so a concurrent repeat waits on the locks and then replays. When a key is reused at
    the same moment by another call (a retrying system sending the same reply twice at once, or two
    pages waiting on each other's keys), the database refuses the page; it is then applied reply by
    reply, and a reply that still collides once more finds the other call's receipt and replays it.
    `present` turns the changed requests into the answers stored in their receipts; each carries its
    names as attributes (`REPLY_NAMES`: case_number, court_name, unit_name, notice_number,
    ruling_number)."""
    if replying_unit(actor) is None:  # a revoked key, or a person who answers for no unit
        return [{"id": reply.id, "status": NotFound.status, **NotFound().as_dict()} for reply in replies]
    try:
        return _apply_page(replies, actor, present)
    except (IntegrityError, OperationalError):
        return [_apply_alone(reply, actor, present) for reply in replies]


def _apply_alone(reply: UnitReply, actor: ReplyActor, present: Present) -> dict[str, Any]:
    try:
        [answer] = _apply_page([reply], actor, present)
    except IntegrityError:  # the other call's receipt for this key has been committed by now
        [answer] = _apply_page([reply], actor, present)
    return answer


def _apply_page(replies: list[UnitReply], actor: ReplyActor, present: Present) -> list[dict[str, Any]]:
    with transaction.atomic():
        ids = sorted({reply.id for reply in replies})
        requests = {
            request.pk: request
            for request in AssistanceRequest.objects.select_for_update(of=("self",))
            .only(*REPLY_COLUMNS)
            .annotate(**REPLY_NAMES)
            .sent_to(actor.unit_id)
            .filter(pk__in=ids)
            .order_by("pk")
        }
        keys = {reply.key.strip() for reply in replies}
        receipts = {r.key: r for r in ReplyReceipt.objects.filter(unit_id=actor.unit_id, key__in=keys)}
        work = _Work(actor, timezone.now(), timezone.localdate())
        outcomes: list[dict[str, Any] | AssistanceRequest] = []
        for reply in replies:
            try:
                outcomes.append(_apply_one(reply, requests, receipts, work))
            except DomainError as error:
                outcomes.append({"id": reply.id, "status": error.status, **error.as_dict()})
        if work.changed:
            changed = list(work.changed.values())
            answers = dict(zip(work.changed, present(changed), strict=True))
            for receipt in work.made:
                receipt.response = answers[receipt.request_id]
            update_rows(
                changed, ["status", "acknowledged_at", "completed_at", "returned_at", "result", "reason"]
            )
            insert_rows(work.made)
            for request, files in work.files:
                attachments_store(request, files, kind=AttachmentKind.REPLY, side=Side.UNIT, actor=work.actor)
            _write_trail(work.trail)
    return [
        {"id": item.pk, "status": 200, "request": answers[item.pk]} if isinstance(item, AssistanceRequest) else item
        for item in outcomes
    ]  # fmt: skip


@dataclass
class _Work:
    actor: ReplyActor
    now: dt.datetime
    today: dt.date
    changed: dict[int, AssistanceRequest] = field(default_factory=dict)
    trail: list[Step] = field(default_factory=list)
    made: list[ReplyReceipt] = field(default_factory=list)
    files: list[tuple[AssistanceRequest, list[CleanFile]]] = field(default_factory=list)


def _apply_one(
    reply: UnitReply, requests: dict[int, AssistanceRequest], receipts: dict[str, ReplyReceipt], work: _Work
) -> dict[str, Any] | AssistanceRequest:
    """One reply of a batch: the stored answer of a repeat, or the request it changed (answered
    once the page is presented). A refusal raises, and changes nothing."""
    key = _clean_key(reply.key)
    request = requests.get(reply.id)
    if request is None:
        raise NotFound()
    files = clean_files(reply.attachments)
    fingerprint = _fingerprint(reply.body(files))
    if key in receipts:
        receipt = receipts[key]
        if receipt.pk is None:  # the same reply twice in this batch: the answer is the first one's
            _check_same(receipt, fingerprint, request)
            return request
        return {"id": reply.id, "status": 200, "request": _replay(receipt, fingerprint, request)}
    transition = OUTCOMES[reply.outcome]
    if transition == "complete":
        cleaned = policy.clean_result(request.request_type, reply.result)
        policy.check_result_against(request.request_type, cleaned, request.details, work.today)
        data: dict[str, Any] = {"result": cleaned}
        note = ""
    else:
        note = clean_reason(reply.reason)
        data = {"reason": note}
    policy.next_status(request.status, transition)  # refused before anything changes
    before = _step(request, transition, work.now, **data)
    work.changed[request.pk] = request
    if files:
        work.files.append((request, files))
    work.trail.append(
        _trail(request, PAST[transition], before, actor=work.actor, note=note, court_id=request.case_court_id,  # type: ignore[attr-defined]
               **trail_data(files))
    )  # fmt: skip
    receipt = rows.new(
        ReplyReceipt, unit_id=work.actor.unit_id, key=key, request_id=request.pk, fingerprint=fingerprint
    )
    receipts[key] = receipt
    work.made.append(receipt)
    return request


def requests_withdraw_unsent(case: Case, *, actor: Any) -> int:
    """When a case closes, its drafts and requests awaiting approval are withdrawn; what is already
    with a unit goes on (after 终本 the controls stay in force, R-ZB-04) and can still be answered."""
    return requests_withdraw_for_closure(case_id=case.pk, actor=actor)


def requests_withdraw_for_closure(*, case_id: int, actor: Any, **_payload: Any) -> int:
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
        _record(request, "cancelled", before, actor=actor, note=request.reason)
        withdrawn += 1
    return withdrawn
