"""Batches of requests: one case to many units (一键查询), many cases to one unit (a bank's daily
batch), written in bulk with the same checks and trail as one request at a time. `requests_batch`
is all or nothing; `requests_send_each` checks every (case, unit, kind) first, sends what can be
sent and says of the rest why not.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from enforcelink.cases.actions import ensure_open, ensure_open_or_terminated
from enforcelink.cases.models import Case, PartyRole
from enforcelink.core.errors import DomainError, NotFound, RuleViolation
from enforcelink.core.rows import insert_rows
from enforcelink.documents.actions import documents_reserve
from enforcelink.linkage import policy, queries
from enforcelink.linkage.actions.deadlines import schedule
from enforcelink.linkage.actions.inputs import Ask, clean_ask
from enforcelink.linkage.actions.notices import attach_rulings, notice_for, sent_data
from enforcelink.linkage.actions.trail import trail_step, write_trail
from enforcelink.linkage.codes import LinkageCode
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


@dataclass(frozen=True)
class Refusal:
    """One (case, unit, kind) not sent, and why: a coded reason in the user's language, and the open
    request it would have repeated, if that is why."""

    case: Case
    unit: LinkageUnit
    request_type: str
    code: str
    message: str
    existing: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case.pk, "case_number": self.case.number, "unit": self.unit.pk,
            "unit_name": self.unit.name, "request_type": self.request_type, "code": self.code,
            "message": self.message, "existing_request": self.existing,
        }  # fmt: skip


@dataclass
class SendReport:
    """What `requests_send_each` did: the requests made (sent, or before an approver) and the pairs
    refused, in the order asked."""

    made: list[AssistanceRequest] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def batch(self) -> uuid.UUID | None:
        return self.made[0].batch if self.made else None


# Refusals that belong to the unit, the same for every case, by the field that chose the unit or the
# request type: a batch of many cases to one unit names them once, beside that field.
UNIT_REFUSALS = {
    "NOT_ON_LIST": "request_type",
    "ATTACHMENT_UNAVAILABLE": "request_type",
    "NO_RECIPIENT": "unit",
    "UNIT_NOT_IN_DIRECTORY": "unit",
}

# A refusal on one of these is about what every pair shares (the purpose, the legal basis, the
# amount): it is the input that is wrong, answered beside its field, and nothing is sent.
PER_PAIR_FIELDS = frozenset({"request_type", "unit", "case"})


def requests_send_each(pairs: list[tuple[Case, Ask]], *, actor: User) -> SendReport:
    """Send what can be sent, and say of every other (case, unit, kind) why not (`requests_check`).
    The pairs that pass go out together in one transaction (`requests_batch`), so nothing is ever
    half written; if that transaction is refused after all (a colleague closed the case in between)
    none of them is sent and each says why.

    The cases are locked before the check, so a second click or a colleague sending the same request
    on the same case waits for this one and then finds it open (DUPLICATE_OPEN) instead of sending it
    again."""
    with transaction.atomic():
        ids = sorted({case.pk for case, _ask in pairs})
        list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        going, refused = requests_check(pairs, actor=actor)
        report = SendReport(refused=refused)
        if not going:
            return report
        try:
            report.made = requests_batch(going, actor=actor)
        except DomainError as error:
            if error.status == 404:
                raise
            report.refused += [
                Refusal(case, ask.unit, ask.request_type, error.code, str(error.message))
                for case, ask in going
            ]
        return report


def requests_check(
    pairs: list[tuple[Case, Ask]], *, actor: User
) -> tuple[list[tuple[Case, Ask]], list[Refusal]]:
    """Split (case, ask) pairs into those that can go and those refused, with the reason: the case is
    closed, the unit is outside the court's directory or does not handle the kind (its
    responsibility list, with the overrides), nobody at the unit could receive it, or the same
    request (same kind and details) is still open there. A pair asked twice counts once. A case the
    actor may not send on is "not found" for the whole call; an invalid purpose, legal basis or
    amount raises its coded error, since it would refuse every pair alike. A person-only kind
    (`policy.PERSON_ONLY`) on a case with no natural person among its respondents is refused too.
    Five queries, six with a person-only kind."""
    pairs = list({(case.pk, ask.unit.pk, ask.request_type): (case, ask) for case, ask in pairs}.values())
    for case in {case.pk: case for case, _ask in pairs}.values():
        if not can(actor, Action.SEND_REQUEST, case):
            raise NotFound(field="case")
    wanted = {ask.unit.pk for _case, ask in pairs}
    units = {unit.pk: unit for unit in queries.directory_units(actor).filter(pk__in=wanted)}
    lists = queries.responsibility_lists(units.values())
    waiting = queries.open_requests({case.pk for case, _ask in pairs}, units)
    # Whom each case is against, read only when a person-only kind is asked (R-EXIT-01).
    person_only = {case.pk for case, ask in pairs if ask.request_type in policy.PERSON_ONLY}
    kinds = queries.respondent_kinds(person_only) if person_only else {}
    going: list[tuple[Case, Ask]] = []
    refused: list[Refusal] = []
    for case, ask in pairs:
        refusal = _refusal(case, ask, units.get(ask.unit.pk), lists, waiting, kinds.get(case.pk, set()))
        if refusal is None:
            going.append((case, ask))
        else:
            refused.append(refusal)
    return going, refused


def _refusal(
    case: Case, ask: Ask, unit: LinkageUnit | None, lists: dict[int, dict[str, policy.Entry]],
    waiting: list[AssistanceRequest], respondent_kinds: set[str],
) -> Refusal | None:  # fmt: skip
    """Why this pair cannot go, or None."""

    def refused(error: DomainError, existing: int | None = None) -> Refusal:
        return Refusal(case, ask.unit, ask.request_type, error.code, str(error.message), existing)

    try:
        ensure_takes(case, [ask.request_type])
    except DomainError as error:
        return refused(error)
    if unit is None:
        return refused(RuleViolation(
            LinkageCode.UNIT_NOT_IN_DIRECTORY,
            _("%(unit)s is not an active unit your court sends to.") % {"unit": ask.unit.name}, field="unit",
        ))  # fmt: skip
    try:
        clean_ask(ask, lists[unit.pk])
    except DomainError as error:
        if error.field not in PER_PAIR_FIELDS:
            raise
        return refused(error)
    try:
        policy.check_subject(ask.request_type, respondent_kinds)
    except DomainError as error:
        return refused(error)
    if not getattr(unit, "reachable", True):
        return refused(RuleViolation(
            LinkageCode.NO_RECIPIENT,
            _("%(unit)s has no liaison or connected system on the platform yet: nobody there would receive "
              "the request. The administrator adds one.") % {"unit": unit.name},
            field="unit",
        ))  # fmt: skip
    for other in waiting:
        same = (other.case_id, other.unit_id, other.request_type) == (case.pk, unit.pk, ask.request_type)
        if same and other.details == ask.details:
            return refused(RuleViolation(
                LinkageCode.DUPLICATE_OPEN,
                _("%(unit)s already has this request on the case and has not answered it yet (%(status)s).")
                % {"unit": unit.name, "status": other.get_status_display()},
                field="request_type",
            ), existing=other.pk)  # fmt: skip
    return None


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
        asked: dict[int, list[str]] = {}
        for case, ask in pairs:
            asked.setdefault(case.pk, []).append(ask.request_type)
        cases = _lock_cases(asked, actor, drafts_only=not send)
        for case, ask in pairs:
            parties = cases[case.pk].parties.all()  # prefetched by the lock
            policy.check_subject(
                ask.request_type, (p.kind for p in parties if p.role == PartyRole.RESPONDENT)
            )
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


def ensure_takes(case: Case, request_types: list[str]) -> None:
    """A closed case takes no request, except property inquiries while it is closed as 终本 and not
    resumed: the court goes on asking for the debtor's property (R-ASSET-05, R-ZB-04)."""
    if all(kind in policy.INQUIRIES for kind in request_types):
        ensure_open_or_terminated(case)
    else:
        ensure_open(case)


def _lock_cases(asked: dict[int, list[str]], actor: User, *, drafts_only: bool) -> dict[int, Case]:
    """Lock the cases (in id order, as every writer does) for a write by their court's staff; a case
    of another court, like a missing one, is "not found"; a closed one refuses what it no longer
    takes (`ensure_takes`)."""
    ordered = sorted(asked)
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
        ensure_takes(case, asked[pk])
    return cases
