"""The demo's property-and-money story (issue 15 §10): a handful of the printed officer's open cases
carry the whole flow, through the real actions, so the officer's case pages, the supervisors' sample
and the fund clerk's pages have something real in them:

one-click inquiry (assets' `inquiry_start`) → each unit answers what the debtors own
(`linkage.holdings`, the same answers the simulators give later) → asset records → freezes of the
accounts found, within the budget (R-ASSET-03) → the banks confirm (in full or in part) → on some
cases a deduction, approved by the team leader and confirmed by the bank, booked in the ledger
(R-FUND-03) → on one case the debtor pays the rest, the obligation is met (R-FUND-04: controls
released, 执行完毕 proposed). The last case's freezes (the paid case's are released) the bank confirms
for a term ending within the reminder window (`ENDING`, `confirmed_short`), so the officer's list of
measures about to expire and its renewal batch have something (R-ASSET-02); `demo.followup` adds
colleagues' cases to the court's.

The units whose people `demo-logins` prints (the police) are not asked to answer: their inbox is
left to people (`demo.linkage.human_units`).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from enforcelink.assets.actions import inquiry_start
from enforcelink.assets.control import actions as controls
from enforcelink.assets.control.budget import case_budget
from enforcelink.assets.control.models import IN_EFFECT, ControlMeasure
from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.cases.models import Case, PartyRole
from enforcelink.core.errors import DomainError
from enforcelink.demo.linkage import human_units
from enforcelink.demo.world import PRIMARY_LOGINS
from enforcelink.funds import queries as fund_queries
from enforcelink.funds.actions import receipt_record
from enforcelink.linkage import actions as linkage
from enforcelink.linkage import holdings
from enforcelink.linkage.models import AssistanceRequest, RequestStatus
from enforcelink.linkage.simulator import result_for
from enforcelink.orgs.models import Role, User

STORY_CASES = 3  # the printed officer's cases that carry the story (the rest keep linkage's requests)
DEDUCTIONS = 2  # of which this many get a deduction booked in the ledger (the first is paid in full)
PURPOSE = "查明被执行人财产状况以便执行"
ENDING = (9, 23)  # days left of the last case's freezes: inside the 30-day reminder (R-ASSET-02)


@dataclass
class Story:
    cases: list[int] = field(default_factory=list)
    records: int = 0
    freezes: int = 0
    deductions: int = 0
    paid_in_full: int | None = None  # the case whose obligation was met


def _liaison(unit_id: int) -> User | None:
    return User.objects.filter(unit_id=unit_id, role=Role.LIAISON, is_active=True).order_by("pk").first()


def held_by(case: Case) -> holdings.Holdings:
    respondents = case.parties.filter(role=PartyRole.RESPONDENT).values("kind", "id_type", "id_number")
    return holdings.holdings_for(respondents)


def answer(request: AssistanceRequest, held: holdings.Holdings, skip: set[int]) -> bool:
    """The unit answers as its simulator would (`linkage.holdings`); False when nobody may (people's)."""
    liaison = None if request.unit_id in skip else _liaison(request.unit_id)
    if liaison is None or request.status not in (RequestStatus.SENT, RequestStatus.ACKNOWLEDGED):
        return False
    linkage.request_acknowledge(request, actor=liaison)
    if request.request_type in holdings.INQUIRIES:
        linkage.request_complete(
            request,
            result=holdings.inquiry_result(request.request_type, held, timezone.localdate()),
            actor=liaison,
        )
        return True
    if request.request_type not in holdings.CONTROLS:
        today = timezone.localdate()
        result = result_for(request.request_type, random.Random(request.pk), request.details, today)
        linkage.request_complete(request, result=result, actor=liaison)
        return True
    reply = holdings.control_reply(
        request.request_type, request.details, held, request_id=request.pk, today=timezone.localdate()
    )
    if reply.outcome == "completed":
        linkage.request_complete(request, result=reply.result, actor=liaison)
    else:
        linkage.request_reject(request, reason=reply.reason, actor=liaison)
    return True


def _candidates(officer: User) -> list[Case]:
    """Open money cases of the officer not asked anything yet whose debtors hold money in a bank."""
    asked = AssistanceRequest.objects.values("case_id")
    found: list[Case] = []
    for case in Case.objects.open().filter(officer=officer).exclude(pk__in=asked).order_by("pk")[:200]:
        if not case.is_money_case:
            continue
        held = held_by(case)
        if any(account.balance > 0 and not account.closed for account in held.deposits):
            found.append(case)
        if len(found) == STORY_CASES:
            break
    return found


def load_story(*, seed: int) -> Story:
    """The story on `STORY_CASES` of the printed officer's cases (nothing when the demo has no such
    officer or requests were already sent on them)."""
    story = Story()
    officer = User.objects.filter(username=PRIMARY_LOGINS[Role.OFFICER]).first()
    leader = User.objects.filter(username=PRIMARY_LOGINS[Role.TEAM_LEADER]).first()
    clerk = User.objects.filter(username=PRIMARY_LOGINS[Role.FUND_CLERK]).first()
    if officer is None or leader is None or clerk is None:
        return story
    rng = random.Random(seed * 7919)
    skip = set(human_units())
    cases = _candidates(officer)
    for n, case in enumerate(cases):
        story.cases.append(case.pk)
        held = held_by(case)
        report = inquiry_start(case, actor=officer, purpose=PURPOSE)
        for request in report.made:
            answer(request, held, skip)
        records = AssetRecord.objects.filter(case=case)
        story.records += records.count()
        ending = list(ENDING) if 0 < n == len(cases) - 1 else []  # not the case paid in full
        frozen = _freeze(case, officer, held, skip, records.filter(kind=AssetKind.DEPOSIT), ending)
        story.freezes += len(frozen)
        if n < DEDUCTIONS and frozen:
            if _deduct(frozen[0], officer, leader, held, skip, rng):
                story.deductions += 1
            if n == 0 and _pay_the_rest(case, clerk):
                story.paid_in_full = case.pk
    return story


def _freeze(
    case: Case, officer: User, held: holdings.Holdings, skip: set[int], deposits: object, ending: list[int]
) -> list[ControlMeasure]:
    """Each account found with money, frozen for what it holds, at most what the budget has left; the
    first ones confirmed for a term ending in the days `ending` lists."""
    frozen: list[ControlMeasure] = []
    for record in deposits.order_by("-value", "pk"):  # type: ignore[attr-defined]
        if not record.value or record.value <= 0 or record.unit_id in skip:
            continue
        measures = list(ControlMeasure.objects.filter(case=case))
        left = case_budget(Case.objects.get(pk=case.pk), measures).left
        amount = min(record.value, left)
        if amount <= 0:
            break
        try:
            sent = controls.freeze(case, amount=amount, actor=officer, record=record)
        except DomainError:
            continue
        liaison = _liaison(sent.measure.unit_id) if ending and sent.measure.unit_id not in skip else None
        if liaison is not None and confirmed_short(sent.measure.request, held, liaison, ends_in=ending[0]):
            ending.pop(0)
            sent.measure.refresh_from_db()
            frozen.append(sent.measure)
        elif answer(sent.measure.request, held, skip):
            sent.measure.refresh_from_db()
            if sent.measure.status in IN_EFFECT:
                frozen.append(sent.measure)
    return frozen


def _deduct(
    freeze: ControlMeasure, officer: User, leader: User, held: holdings.Holdings, skip: set[int],
    rng: random.Random,
) -> bool:  # fmt: skip
    """A deduction of part of what the freeze holds, approved by the team leader (four eyes), confirmed
    by the bank: the money is booked in the ledger."""
    amount = (freeze.confirmed_amount or Decimal("0")) * Decimal(rng.choice(("0.5", "0.8", "1")))
    amount = amount.quantize(Decimal("0.01"))
    if amount <= 0:
        return False
    sent = controls.deduct(freeze, amount=amount, actor=officer)
    request = sent.measure.request
    if request.status == RequestStatus.PENDING_APPROVAL:
        linkage.request_approve(request, approve=True, actor=leader)
        request.refresh_from_db()
    return answer(request, held, skip)


def _pay_the_rest(case: Case, clerk: User) -> bool:
    """The debtor pays what is still owed by transfer with the case's 一案一账号: the obligation is met."""
    standing = fund_queries.standing(case, timezone.localdate())
    if standing is None or standing.outstanding <= 0:
        return False
    receipt_record(
        case, standing.outstanding, source="voluntary", value_on=timezone.localdate(),
        reference=f"DEMO-PAY-{case.pk}", actor=clerk,
    )  # fmt: skip
    return True


def confirmed_short(
    request: AssistanceRequest | None, held: holdings.Holdings, liaison: User, *, ends_in: int
) -> bool:
    """The bank's answer to a freeze (`linkage.holdings`, as its simulator gives it), with a term that
    ends in `ends_in` days: the end a unit confirms is the measure's end (R-ASSET-02), so the measure
    shows on the expiring lists and gets its reminders. False (and nothing answered) when the bank
    would refuse it."""
    if request is None or request.status not in (RequestStatus.SENT, RequestStatus.ACKNOWLEDGED):
        return False
    today = timezone.localdate()
    reply = holdings.control_reply(
        request.request_type, request.details, held, request_id=request.pk, today=today
    )
    if reply.outcome != "completed":
        return False
    linkage.request_acknowledge(request, actor=liaison)
    result = {**reply.result, "frozen_until": (today + dt.timedelta(days=ends_in)).isoformat()}
    linkage.request_complete(request, result=result, actor=liaison)
    measure = ControlMeasure.objects.get(request=request)
    return measure.status in IN_EFFECT and measure.term_end == today + dt.timedelta(days=ends_in)
