"""Batches of requests, all or nothing: one case to many units (一键查询), many cases to one unit (a
bank's daily batch), written in bulk with the same checks and trail as one request at a time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from enforcelink.cases.actions import ensure_open
from enforcelink.cases.models import Case
from enforcelink.core.errors import NotFound
from enforcelink.core.rows import insert_rows
from enforcelink.documents.actions import documents_reserve
from enforcelink.linkage import policy, queries
from enforcelink.linkage.actions.deadlines import schedule
from enforcelink.linkage.actions.inputs import Ask, clean_ask
from enforcelink.linkage.actions.notices import attach_rulings, notice_for, sent_data
from enforcelink.linkage.actions.trail import trail_step, write_trail
from enforcelink.linkage.delivery import enqueue_deliveries
from enforcelink.linkage.models import AssistanceRequest, RequestStatus
from enforcelink.orgs.models import LinkageUnit, User
from enforcelink.orgs.permissions import Action, can
from enforcelink.orgs.scoping import unit_directory_scope


def requests_fan_out(
    case: Case, asks: Iterable[Ask], *, actor: User, send: bool = True
) -> list[AssistanceRequest]:
    """One case to many units in one action (一键查询): all are created, or none."""
    return requests_batch([(case, ask) for ask in asks], actor=actor, send=send)


def requests_for_cases(
    cases: Iterable[Case], ask: Ask, *, actor: User, send: bool = True
) -> list[AssistanceRequest]:
    """Many cases to one unit (a bank's daily batch): all are created, or none."""
    return requests_batch(
        [(case, Ask(ask.unit, ask.request_type, ask.purpose, ask.legal_basis, dict(ask.details))) for case in cases],
        actor=actor, send=send,
    )  # fmt: skip


def requests_batch(
    pairs: list[tuple[Case, Ask]], *, actor: User, send: bool = True
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
        entries.append(clean_ask(ask, lists[ask.unit.pk]))
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
                schedule(request, due_dates)
        going = [request for request in requests if request.status == RequestStatus.SENT]
        # Rulings before notices (the notice prints the ruling's number), in every path the same
        # order of counter locks. Inquiries need none: a batch of them costs nothing here.
        ruled = [
            request for request, entry in zip(requests, entries, strict=True)
            if request.status == RequestStatus.SENT and policy.RULING in entry.attachments
        ]  # fmt: skip
        issued_now = attach_rulings(ruled, actor=actor) if ruled else []
        fresh = {id(request) for request, now in zip(ruled, issued_now, strict=True) if now}
        notices = documents_reserve(
            [notice_for(r) for r in going], kind="assistance_notice", actor=actor, own_entries=False
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
            data = sent_data(request, issued=True, ruling_issued=id(request) in fresh) if sent else {}
            trail.append(trail_step(request, kinds.get(request.status, "created"), "", actor=actor, **data))
        enqueue_deliveries(going, "request.sent")
        write_trail(trail)
    return requests


def _lock_cases(ids: set[int], actor: User, *, drafts_only: bool) -> dict[int, Case]:
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
        # As one at a time: drafts may be made by the platform operator too (`request_create`),
        # sending is for the court's staff only (`court_request`).
        if case is None or not can(actor, Action.DRAFT_REQUEST if drafts_only else Action.SEND_REQUEST, case):
            raise NotFound(field="case")
        ensure_open(case)
    return cases
