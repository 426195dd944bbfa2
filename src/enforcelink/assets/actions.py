"""Writes of asset inquiry (issue 15 §1–§2, R-ASSET-01, R-CASE-02): the one-click inquiry and the
automatic one at filing, asset records from the replies, the network-inquiry clock completed from
them, and the supervisors' sample with its verdicts.

Each action runs in one transaction and appends its audit entry inside it; the requests themselves
go through linkage's `requests_send_each`, which checks every (unit, kind) pair and says of those it
refused why (a person-only kind for a company, a unit nobody at which could receive it, the same
request still open there).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from enforcelink.assets import normalise
from enforcelink.assets.models import (
    AssetRecord,
    AssetSource,
    Inquiry,
    InquiryRequest,
    InquirySample,
    InquirySampleItem,
    Outcome,
    Verdict,
)
from enforcelink.cases.actions import (
    PENDING_NODE_STATUSES,
    ensure_open,
    ensure_open_or_terminated,
    record_step,
)
from enforcelink.cases.models import Case, NodeKind, Party, PartyRole, ProcessNode
from enforcelink.core import audit
from enforcelink.core.actors import SystemActor
from enforcelink.core.errors import DomainError, InvalidInput, NotFound, RuleViolation
from enforcelink.core.text import clean_text, column_max_length
from enforcelink.linkage import queries as linkage_queries
from enforcelink.linkage.actions import Ask, requests_send_each
from enforcelink.linkage.models import FINAL, AssistanceRequest, RequestStatus
from enforcelink.orgs.api_auth import UnitPrincipal
from enforcelink.orgs.models import ApiKey, Court, SupervisoryBody, User
from enforcelink.orgs.permissions import Action, can, require

logger = logging.getLogger(__name__)

# What an inquiry records when the officer changes nothing (R-ASSET-01: purpose and basis always).
DEFAULT_PURPOSE = "查明被执行人财产状况，以便执行生效法律文书"
FILING_PURPOSE = "立案后网络查控（总对总）：查明被执行人财产状况"
DEFAULT_BASIS = "《中华人民共和国民事诉讼法》第二百五十二条、第二百五十三条"

# Who the trail names for what the platform does on its own: the inquiry at filing, and the
# network-inquiry clock completed once every unit has answered (R-CASE-02).
FILING_INQUIRY = SystemActor("assets:filing-inquiry")
INQUIRY_REPLIES = SystemActor("assets:inquiry-replies")

NO_UNIT = "NO_UNIT"
NO_OFFICER = "NO_OFFICER"


def _trail_actor(actor: Any) -> Any:
    """The trail names a unit's system by its key's prefix, as linkage's steps do."""
    if isinstance(actor, UnitPrincipal):
        actor = actor.api_key
    if isinstance(actor, ApiKey):
        return f"api-key:{actor.prefix}"
    return actor


# --- the inquiry (R-ASSET-01) ----------------------------------------------------------------------


@dataclass
class InquiryReport:
    """What one inquiry did: the inquiry, the requests it made, and what could not go and why."""

    inquiry: Inquiry
    made: list[AssistanceRequest] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)


def clean_kinds(kinds: Iterable[str] | None) -> list[str]:
    """The kinds asked, in R-ASSET-01's order; all of them when none are named."""
    if kinds is None:
        return list(normalise.INQUIRY_TYPES)
    if isinstance(kinds, str) or not all(isinstance(kind, str) for kind in kinds):
        raise InvalidInput("KINDS_INVALID", _("Choose the kinds of property to ask about."), field="kinds")
    wanted = set(kinds)
    unknown = sorted(wanted - set(normalise.INQUIRY_TYPES))
    if unknown:
        raise InvalidInput(
            "KINDS_INVALID",
            _("Not a kind of property inquiry: %(kinds)s.") % {"kinds": ", ".join(unknown)},
            field="kinds",
        )
    if not wanted:
        raise InvalidInput("KINDS_INVALID", _("Choose the kinds of property to ask about."), field="kinds")
    return [kind for kind in normalise.INQUIRY_TYPES if kind in wanted]


def _clean_reason_text(value: Any, name: str) -> str:
    """R-ASSET-01: the purpose and the legal basis are required, under the shared text rule."""
    text = str(value or "").strip()
    if not text:
        message = _("Enter the purpose.") if name == "purpose" else _("Enter the legal basis.")
        raise InvalidInput("REQUIRED", message, field=name)
    return clean_text(text, field=name, max_length=column_max_length(Inquiry, name))


def _asks(sender: User, kinds: list[str], purpose: str, basis: str) -> tuple[list[Ask], list[dict[str, Any]]]:
    """Every unit of the court's directory whose responsibility list covers a kind, asked that kind;
    a kind no unit covers is refused, naming it (three queries)."""
    units = list(linkage_queries.directory_units(sender))
    lists = linkage_queries.responsibility_lists(units)
    asks: list[Ask] = []
    covered: set[str] = set()
    for unit in sorted(units, key=lambda u: u.pk):
        for kind in kinds:
            if kind in lists[unit.pk]:
                asks.append(Ask(unit, kind, purpose, basis, {}))
                covered.add(kind)
    refused = [
        {"unit": None, "unit_name": "", "request_type": kind, "code": NO_UNIT,
         "message": _("No unit your court sends to handles this kind of inquiry.")}
        for kind in kinds if kind not in covered
    ]  # fmt: skip
    return asks, refused


def _inquire(
    case: Case, *, sender: User, requested_by: User | None, automatic: bool, kinds: list[str],
    purpose: str, basis: str, trail_actor: Any, after_termination: bool = False,
) -> InquiryReport:  # fmt: skip
    """The inquiry's requests, sent in `sender`'s name, and its row, in one transaction;
    `after_termination`: a case closed as 终本 is asked too (R-ASSET-05's re-inquiry)."""
    asks, refused = _asks(sender, kinds, purpose, basis)
    with transaction.atomic():
        locked = Case.objects.select_for_update().filter(pk=case.pk).first()
        if locked is None:
            raise NotFound(field="case")
        (ensure_open_or_terminated if after_termination else ensure_open)(locked)
        report = requests_send_each([(locked, ask) for ask in asks], actor=sender)
        refused += [
            {key: value for key, value in refusal.as_dict().items() if key not in ("case", "case_number")}
            for refusal in report.refused
        ]
        inquiry = Inquiry.objects.create(
            case=locked, court_id=locked.court_id, kinds=kinds, purpose=purpose, legal_basis=basis,
            requested_by=requested_by, automatic=automatic, refusals=refused,
        )  # fmt: skip
        InquiryRequest.objects.bulk_create(
            [
                InquiryRequest(inquiry=inquiry, request=req, request_type=req.request_type)
                for req in report.made
            ]
        )
        audit.record(
            "inquiry.started", inquiry, actor=trail_actor, case_id=locked.pk, court_id=locked.court_id,
            after={"kinds": kinds, "purpose": purpose, "legal_basis": basis, "automatic": automatic,
                   "sent": len(report.made), "units": len({req.unit_id for req in report.made}),
                   "refused": [[row["unit_name"], row["request_type"], row["code"]] for row in refused],
                   **({"sender": sender.username} if automatic else {}),
                   **({"after_termination": True} if after_termination else {})},
        )  # fmt: skip
    return InquiryReport(inquiry, report.made, refused)


def inquiry_start(
    case: Case, *, actor: User, kinds: Iterable[str] | None = None, purpose: str = DEFAULT_PURPOSE,
    legal_basis: str = DEFAULT_BASIS,
) -> InquiryReport:  # fmt: skip
    """一键查询 (R-ASSET-01): ask every kind of property (or those named) of every unit whose
    responsibility list covers it, in one action, with the purpose and legal basis recorded on the
    inquiry and on every request. What could not go is recorded with its reason. Another court's
    case, like a missing one, is "not found"."""
    require(actor, Action.INQUIRE_ASSETS, case, field="case")
    chosen = clean_kinds(kinds)
    purpose = _clean_reason_text(purpose, "purpose")
    basis = _clean_reason_text(legal_basis, "legal_basis")
    return _inquire(
        case, sender=actor, requested_by=actor, automatic=False, kinds=chosen, purpose=purpose, basis=basis,
        trail_actor=actor,
    )  # fmt: skip


# --- automatic at filing (R-CASE-02) ---------------------------------------------------------------


def inquiry_on_filing(*, case_id: int, **_payload: Any) -> None:
    """`case.filed` listener: a money case gets its network inquiry right after filing, in a task
    enqueued when the filing commits, so filing stays fast and a failing unit does not fail it.
    Imported cases (history) are not asked again."""
    row = Case.objects.filter(pk=case_id).values("is_money_case", "imported").first()
    if row is None or not row["is_money_case"] or row["imported"]:
        return
    transaction.on_commit(lambda: filing_inquiry_task.enqueue(case_id))


@task()
def filing_inquiry_task(case_id: int) -> int:
    """Run the inquiry at filing; returns how many requests went."""
    report = filing_inquiry(case_id)
    return len(report.made) if report is not None else 0


def filing_inquiry(case_id: int) -> InquiryReport | None:
    """The automatic inquiry of a money case (R-CASE-02: network inquiry within 3 days of filing),
    once per case. The requests go in the name of the case's officer (承办人), who answers for them
    and whose court sends them; the inquiry itself is the platform's (`requested_by` empty,
    `automatic`). A case without an officer who may send gets an inquiry saying so, and nothing goes."""
    case = Case.objects.select_related("officer").filter(pk=case_id).first()
    if case is None or case.is_closed or not case.is_money_case:
        return None
    if Inquiry.objects.filter(case=case, automatic=True).exists():
        return None  # a task run twice asks once
    officer = case.officer
    if officer is None or not can(officer, Action.SEND_REQUEST, case):
        with transaction.atomic():
            refusal = {"unit": None, "unit_name": "", "request_type": "", "code": NO_OFFICER,
                       "message": _("The case has no officer in whose name the inquiry could be sent.")}  # fmt: skip
            inquiry = Inquiry.objects.create(
                case=case, court_id=case.court_id, kinds=list(normalise.INQUIRY_TYPES), purpose=FILING_PURPOSE,
                legal_basis=DEFAULT_BASIS, automatic=True, refusals=[refusal],
            )  # fmt: skip
            audit.record(
                "inquiry.started", inquiry, actor=FILING_INQUIRY, case_id=case.pk, court_id=case.court_id,
                after={"kinds": inquiry.kinds, "purpose": FILING_PURPOSE, "legal_basis": DEFAULT_BASIS,
                       "automatic": True, "sent": 0, "units": 0, "refused": [["", "", NO_OFFICER]]},
            )  # fmt: skip
        return InquiryReport(inquiry, [], [refusal])
    try:
        return _inquire(
            case, sender=officer, requested_by=None, automatic=True, kinds=list(normalise.INQUIRY_TYPES),
            purpose=FILING_PURPOSE, basis=DEFAULT_BASIS, trail_actor=FILING_INQUIRY,
        )  # fmt: skip
    except DomainError as error:  # closed in between, say: the officer asks by hand
        logger.info("filing inquiry of case %s not sent: %s", case_id, error.code)
        return None


# --- replies become records (issue 15 §2) ----------------------------------------------------------


def _respondent(case_id: int) -> int | None:
    """The respondent a reply is about, when the case has only one (a reply names nobody)."""
    ids = list(
        Party.objects.filter(case_id=case_id, role=PartyRole.RESPONDENT).values_list("pk", flat=True)[:2]
    )
    return ids[0] if len(ids) == 1 else None


def _merge(old: list[Any], new: list[str]) -> list[Any]:
    return [*old, *(item for item in new if item not in old)]


def records_from_reply(
    *, request_id: int, case_id: int, court_id: int, unit_id: int, request_type: str, result: Any,
    actor: Any, **_payload: Any,
) -> list[AssetRecord]:  # fmt: skip
    """`request.completed` listener: an inquiry's answer becomes asset records, one per real asset
    (`normalise.found_in`): a record named again gets this request as one more source, its latest
    value and date, and any new encumbrance. An answer of nothing found is recorded on the inquiry's
    request ("asked, nothing found"). Locks only this case's records, in pk order."""
    if request_type not in normalise.INQUIRY_TYPES or not isinstance(result, dict):
        return []
    now = timezone.now()
    found = normalise.found_in(request_type, result)
    outcome = Outcome.FOUND if found else Outcome.NOTHING if result.get("found") is False else Outcome.FOUND
    linked = InquiryRequest.objects.filter(request_id=request_id).update(outcome=outcome, answered_at=now)
    records = _upsert(case_id, unit_id, request_id, found, now) if found else []
    audit.record(
        "assets.recorded", None, actor=_trail_actor(actor), case_id=case_id, court_id=court_id,
        object_type="linkage.assistancerequest", object_id=str(request_id),
        after={"request": request_id, "unit": unit_id, "request_type": request_type, "found": len(found),
               "records": [record.pk for record in records],
               "new": sum(1 for record in records if record.first_seen_at == now)},
    )  # fmt: skip
    if linked:
        transaction.on_commit(lambda: network_inquiry_task.enqueue(case_id))
    return records


def _upsert(
    case_id: int, unit_id: int, request_id: int, found: list[normalise.Found], now: dt.datetime
) -> list[AssetRecord]:
    respondent = _respondent(case_id)
    today = timezone.localdate(now)
    # INSERT … ON CONFLICT DO NOTHING: a concurrent reply naming the same asset waits for this one's
    # insert and then finds the row, rather than failing on the unique key.
    AssetRecord.objects.bulk_create(
        [
            AssetRecord(
                case_id=case_id, respondent_id=respondent, kind=item.kind, key=item.key, unit_id=unit_id,
                institution=item.institution[:200], identifier=item.identifier[:200],
                identifier_is_id=item.identifier_is_id, description=item.description[:500], value=item.value,
                value_on=today if item.value is not None else None, co_owners=item.co_owners,
                encumbrances=item.encumbrances,
                other_measures=item.other_measures, details=item.details, first_seen_at=now, last_seen_at=now,
            )
            for item in found
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    wanted = Q()
    for item in found:
        wanted |= Q(kind=item.kind, key=item.key)
    locked = {
        (record.kind, record.key): record
        for record in AssetRecord.objects.select_for_update().filter(wanted, case_id=case_id).order_by("pk")
    }
    records = []
    for item in found:
        record = locked[(item.kind, item.key)]
        if record.first_seen_at != now:  # named again: the latest answer's value and what it adds
            record.last_seen_at = now
            record.unit_id = unit_id
            if item.value is not None:
                record.value, record.value_on = item.value, today
            record.co_owners = _merge(record.co_owners, item.co_owners)
            record.encumbrances = _merge(record.encumbrances, item.encumbrances)
            record.other_measures = _merge(record.other_measures, item.other_measures)
            record.details = {
                **record.details,
                **{k: v for k, v in item.details.items() if v not in ("", None)},
            }
            record.description = record.description or item.description[:500]
            record.institution = record.institution or item.institution[:200]
        records.append(record)
    AssetRecord.objects.bulk_update(
        [r for r in records if r.first_seen_at != now],
        ["last_seen_at", "unit", "value", "value_on", "co_owners", "encumbrances", "other_measures", "details",
         "description", "institution"],
    )  # fmt: skip
    values = {(item.kind, item.key): item.value for item in found}
    AssetSource.objects.bulk_create(
        [
            AssetSource(record=r, request_id=request_id, seen_at=now, value=values[(r.kind, r.key)])
            for r in records
        ],
        ignore_conflicts=True,
    )
    return records


def outcome_on_rejection(*, request_id: int, case_id: int, request_type: str, **_payload: Any) -> None:
    """`request.rejected` listener: an inquiry's request the unit refused is answered too (R-CASE-02
    counts it), with nothing recorded as found."""
    if request_type not in normalise.INQUIRY_TYPES:
        return
    if InquiryRequest.objects.filter(request_id=request_id).update(
        outcome=Outcome.REJECTED, answered_at=timezone.now()
    ):
        transaction.on_commit(lambda: network_inquiry_task.enqueue(case_id))


# --- the network-inquiry clock (R-CASE-02) ---------------------------------------------------------


@task()
def network_inquiry_task(case_id: int) -> bool:
    return network_inquiry_complete(case_id)


def network_inquiry_complete(case_id: int) -> bool:
    """R-CASE-02: the case's first inquiry that sent requests is done when every one is answered
    (completed or rejected; one the court cancelled waits for nobody): its network-inquiry clock is completed
    on the day of the last answer, through cases' `record_step`. Run after the answer's commit, in
    a transaction of its own, so the clock is locked before the trail's head as every writer does.
    Nothing when the clock is already done, the case is closed, or answers are still awaited."""
    # The first inquiry that sent anything: one that could send nothing (no officer at filing, every
    # unit refused) waits for no answer, and the officer's next inquiry is the network inquiry.
    sent = InquiryRequest.objects.filter(inquiry=OuterRef("pk"))
    inquiry = Inquiry.objects.filter(Exists(sent), case_id=case_id).order_by("created_at", "pk").first()
    if inquiry is None:
        return False
    rows = AssistanceRequest.objects.filter(inquiry_link__inquiry=inquiry)
    statuses = list(rows.values_list("status", flat=True))
    answered = [s for s in statuses if s in (RequestStatus.COMPLETED, RequestStatus.REJECTED)]
    if not answered or any(s not in FINAL for s in statuses):
        return False
    last = AssistanceRequest.objects.filter(inquiry_link__inquiry=inquiry).aggregate(last=Max("completed_at"))
    on = timezone.localdate(last["last"]) if last["last"] else timezone.localdate()
    try:
        # The case locked before its node is read: the task of a late answer and the daily sweep
        # (`inquiry_clock`) completing the same clock at once, the second finds it done and writes
        # no empty step into the trail.
        with transaction.atomic():
            case = Case.objects.select_for_update().filter(pk=case_id).first()
            pending = ProcessNode.objects.filter(
                case_id=case_id, kind=NodeKind.NETWORK_INQUIRY, status__in=PENDING_NODE_STATUSES
            )
            if case is None or case.is_closed or not pending.exists():
                return False
            done = record_step(
                case, step="network_inquiry_done", actor=INQUIRY_REPLIES, on=max(on, case.filed_on)
            )
            return bool(done)
    except DomainError as error:  # closed in between: nothing to complete
        logger.info("network inquiry of case %s not completed: %s", case_id, error.code)
        return False


# --- the supervisors' sample (R-ASSET-01, the Estonian lesson) -------------------------------------

MAX_SAMPLE = 500


def _own_body(body: SupervisoryBody, actor: User) -> SupervisoryBody:
    require(actor, Action.REVIEW_INQUIRIES, field="body")
    if not (getattr(actor, "is_superuser", False) or getattr(actor, "body_id", None) == body.pk):
        raise NotFound(field="body")
    return body


def period_inquiries(body: SupervisoryBody, start: dt.date, end: dt.date) -> list[int]:
    """The ids of the inquiries made in [start, end] (the court's days) by the courts of the body's
    region, in id order: the population a sample is drawn from."""
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    courts = Court.objects.filter(region__path__startswith=body.region.path).values("pk")
    return list(
        Inquiry.objects.filter(court__in=courts, created_at__gte=since, created_at__lt=until)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def draw(population: list[int], size: int, seed: int) -> list[int]:
    """The sample: `size` ids (or all, when fewer) drawn from the ordered population with `seed`;
    the same population and seed give the same sample, in the same order."""
    return random.Random(seed).sample(sorted(population), min(size, len(population)))


def inquiry_sample(
    body: SupervisoryBody, *, start: dt.date, end: dt.date, size: int, actor: User, seed: int | None = None
) -> InquirySample:
    """R-ASSET-01: a random sample of the period's inquiries in the body's region for its supervisors
    to review, drawn with a recorded seed (random unless given), once per body and period."""
    body = _own_body(body, actor)
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        raise InvalidInput("PERIOD_INVALID", _("Give the period's first and last day."), field="start")
    if end < start:
        raise InvalidInput("PERIOD_INVALID", _("The period ends before it starts."), field="end")
    if end > timezone.localdate():
        raise RuleViolation("PERIOD_NOT_OVER", _("The period has not ended yet."), field="end")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_SAMPLE:
        raise InvalidInput(
            "SIZE_INVALID", _("A sample of 1 to %(max)d inquiries.") % {"max": MAX_SAMPLE}, field="size"
        )
    seed = secrets.randbits(62) if seed is None else seed
    with transaction.atomic():
        if InquirySample.objects.filter(body=body, period_start=start, period_end=end).exists():
            raise RuleViolation(
                "SAMPLE_EXISTS", _("A sample of this period has already been drawn."), field="start"
            )
        population = period_inquiries(body, start, end)
        chosen = draw(population, size, seed)
        sample = InquirySample.objects.create(
            body=body, period_start=start, period_end=end, size=size, seed=seed, population=len(population),
            drawn_by=actor,
        )  # fmt: skip
        InquirySampleItem.objects.bulk_create(
            [InquirySampleItem(sample=sample, inquiry_id=pk, position=n) for n, pk in enumerate(chosen, 1)]
        )
        audit.record(
            "inquiry_sample.drawn", sample, actor=actor,
            after={"body": body.name, "start": start, "end": end, "size": size, "seed": seed,
                   "population": len(population), "drawn": len(chosen)},
        )  # fmt: skip
    return sample


def inquiry_review(inquiry: Inquiry, *, verdict: str, note: str = "", actor: User) -> InquirySampleItem:
    """R-ASSET-01: a supervisor's verdict on an inquiry drawn into their body's sample — proper, or
    improper for want of a legal basis or for going beyond its purpose (which needs a note saying
    why). Once per sampled inquiry; an inquiry not in the body's samples is "not found"."""
    require(actor, Action.REVIEW_INQUIRIES, field="inquiry")
    if verdict not in Verdict.values:
        raise InvalidInput("VERDICT_INVALID", _("Choose a verdict."), field="verdict")
    note = clean_text(str(note or "").strip(), field="note", max_length=500, multiline=True)
    if verdict != Verdict.PROPER and not note:
        raise InvalidInput("NOTE_REQUIRED", _("Say why the inquiry was improper."), field="note")
    with transaction.atomic():
        item = (
            InquirySampleItem.objects.select_for_update()
            .filter(inquiry_id=inquiry.pk, sample__body_id=getattr(actor, "body_id", None))
            .select_related("inquiry")
            .order_by("-sample__drawn_at", "-pk")
            .first()
        )
        if item is None:
            raise NotFound(field="inquiry")
        if item.verdict:
            raise RuleViolation(
                "ALREADY_REVIEWED", _("This inquiry has already been reviewed."), field="verdict"
            )
        item.verdict, item.note, item.reviewed_by, item.reviewed_at = verdict, note, actor, timezone.now()
        item.save(update_fields=["verdict", "note", "reviewed_by", "reviewed_at"])
        audit.record(
            "inquiry.reviewed", item.inquiry, actor=actor, case_id=item.inquiry.case_id,
            court_id=item.inquiry.court_id,
            after={"sample": item.sample_id, "verdict": verdict, "note": note},
        )  # fmt: skip
    return item


__all__ = [
    "DEFAULT_BASIS",
    "DEFAULT_PURPOSE",
    "InquiryReport",
    "draw",
    "filing_inquiry",
    "inquiry_on_filing",
    "inquiry_review",
    "inquiry_sample",
    "inquiry_start",
    "network_inquiry_complete",
    "outcome_on_rejection",
    "records_from_reply",
]
