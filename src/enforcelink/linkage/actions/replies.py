"""Replies from a unit's system (or a liaison sending an Idempotency-Key), each applied exactly once
under its own key (issue 4 §7): alone or a page of up to 500, a repeat with the same body replays the
first answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases.models import Case
from enforcelink.core import rows
from enforcelink.core.errors import DomainError, InvalidInput, NotFound, RuleViolation
from enforcelink.core.rows import insert_rows, update_rows
from enforcelink.linkage import policy
from enforcelink.linkage.actions.access import replying_unit
from enforcelink.linkage.actions.inputs import clean_reason
from enforcelink.linkage.actions.lifecycle import PAST, apply_transition
from enforcelink.linkage.actions.trail import Step, trail_step, write_trail
from enforcelink.linkage.attachments import CleanFile, FileLike, attachments_store, clean_files, trail_data
from enforcelink.linkage.models import AssistanceRequest, AttachmentKind, ReplyReceipt, Side
from enforcelink.orgs.permissions import RequestActor

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
ReplyActor = RequestActor


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
        return apply_page(replies, actor, present)
    except (IntegrityError, OperationalError):
        return [_apply_alone(reply, actor, present) for reply in replies]


def _apply_alone(reply: UnitReply, actor: ReplyActor, present: Present) -> dict[str, Any]:
    try:
        [answer] = apply_page([reply], actor, present)
    except IntegrityError:  # the other call's receipt for this key has been committed by now
        [answer] = apply_page([reply], actor, present)
    return answer


def apply_page(replies: list[UnitReply], actor: ReplyActor, present: Present) -> list[dict[str, Any]]:
    with transaction.atomic():
        ids = sorted({reply.id for reply in replies})
        # The cases first, in id order, then the requests: the order every writer of a request takes
        # (`access.unit_request`); a request's case never changes, so it is read before the lock.
        cases = AssistanceRequest.objects.sent_to(actor.unit_id).filter(pk__in=ids).values("case_id")
        list(
            Case.objects.select_for_update().filter(pk__in=cases).order_by("pk").values_list("pk", flat=True)
        )
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
            write_trail(work.trail)
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
    before = apply_transition(request, transition, work.now, **data)
    work.changed[request.pk] = request
    if files:
        work.files.append((request, files))
    work.trail.append(
        trail_step(request, PAST[transition], before, actor=work.actor, note=note, court_id=request.case_court_id,  # type: ignore[attr-defined]
               **trail_data(files))
    )  # fmt: skip
    receipt = rows.new(
        ReplyReceipt, unit_id=work.actor.unit_id, key=key, request_id=request.pk, fingerprint=fingerprint
    )
    receipts[key] = receipt
    work.made.append(receipt)
    return request
