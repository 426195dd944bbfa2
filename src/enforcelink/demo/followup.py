"""What comes after the story's first inquiry and controls (issue 15 §6, §7, R-FUND-02), through the
real actions, so that the pages a newcomer opens show it:

- 终本 cases with their re-inquiry schedules (R-ASSET-05): the bulk load announces no `case.closed`
  (as it announces no `case.filed`, see `loader.load`), so the printed officer's cases it closed as
  终本 in the last year (with colleagues' when they are fewer than three) get the schedule that
  event's listener makes (`schedule_on_closure`). Those
  closed more than six months ago have a round fallen due: for two of them it is asked as the daily
  sweep asks it (`reinquiry_run`), answered as the units' simulators answer (`linkage.holdings`) and
  concluded (`reinquiry_conclude`): the applicant's notice and, where the debtor turns out to own
  something, the officer's alert with one-click resumption; the other debtor owns nothing, and the
  notice says so. Any other round due is left to the sweep of `make demo`.
- Measures near their end (R-ASSET-02): besides the story's, freezes on colleagues' cases the bank
  confirms for a term that ends within the reminder window (`story.confirmed_short`), so that the
  command centre's list has them too. (Measures placed a year ago would be truer, but the demo's open cases are younger than
  that: most cases of that age are closed, and measures cannot be placed on closed cases.) And the
  seizure of a flat another court seized first, on the waiting list (R-ASSET-04).
- Payouts awaiting approval (R-FUND-02): the debtor of a large case pays part of the debt by transfer
  and the officer proposes paying it to the applicant — above the court's threshold
  (`world.PAYOUT_PRESIDENT_ABOVE`), so it waits for the president; and one below it, on a story case,
  for a team leader.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from enforcelink.assets.actions import inquiry_start
from enforcelink.assets.control import actions as controls
from enforcelink.assets.control.budget import case_budget
from enforcelink.assets.control.models import ControlMeasure
from enforcelink.assets.expiry import queries as expiring
from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.assets.reports.models import Reinquiry, ReinquiryStatus
from enforcelink.assets.reports.reinquiry import reinquiry_conclude, reinquiry_run, schedule_on_closure
from enforcelink.cases.models import Case, CaseStatus, ClosureMode, PartyRole
from enforcelink.core.calendar import add_months
from enforcelink.core.errors import DomainError
from enforcelink.demo.linkage import human_units
from enforcelink.demo.story import PURPOSE, answer, confirmed_short, held_by
from enforcelink.demo.world import PAYOUT_PRESIDENT_ABOVE, PRIMARY_LOGINS
from enforcelink.funds import paying
from enforcelink.funds import queries as fund_queries
from enforcelink.funds.actions import receipt_record
from enforcelink.funds.payouts import Payout
from enforcelink.linkage import holdings
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import LinkageUnit, Role, UnitType, User

DEMO = "demo-data"  # who the trail names for what the demo's load does in the platform's place
MIN_TERMINATED = 3  # 终本 cases with schedules: the officer's, and colleagues' when they have fewer
RUN_ROUNDS = 2  # rounds fallen due asked and concluded at load: one found property, one nothing
ENDS_IN_DAYS = (5, 18, 27)  # the freezes' days left: inside the 7-day and the 30-day reminders
PRICE_PER_SQUARE_METRE = Decimal("6200")  # what a flat in 綦江 fetches, for the seizure's value
WHOLE = "房屋为不可分物，只能整体查封"  # the officer's reason for seizing beyond the budget (R-ASSET-03)
BANKS = ("中国建设银行股份有限公司重庆綦江支行", "中国工商银行股份有限公司重庆綦江支行")
ZERO = Decimal("0.00")


@dataclass
class Followup:
    terminated: list[int] = field(default_factory=list)  # 终本 cases with their re-inquiry schedules
    concluded: list[int] = field(default_factory=list)  # re-inquiry rounds asked and concluded
    new_property: list[int] = field(default_factory=list)  # of which found new property (the alert)
    expiring: list[int] = field(default_factory=list)  # freezes ending within the reminder window
    ending_soon: int = 0  # measures of the demo ending within it, the story's included
    waiting: list[int] = field(default_factory=list)  # seizures on the waiting list
    payouts: list[int] = field(default_factory=list)  # payouts awaiting approval


def load_followup(*, seed: int) -> Followup:
    """All of the above (nothing when the demo has no printed officer, or has re-inquiries already:
    it runs once)."""
    done = Followup()
    officer = User.objects.filter(username=PRIMARY_LOGINS[Role.OFFICER]).first()
    clerk = User.objects.filter(username=PRIMARY_LOGINS[Role.FUND_CLERK]).first()
    if officer is None or clerk is None or Reinquiry.objects.exists():
        return done
    rng = random.Random(seed * 6151)
    skip = set(human_units())
    taken: set[int] = set()
    _reinquiries(done, officer, skip)
    _ending(done, officer, skip, taken)
    _waiting(done, officer, skip, taken)
    _payouts(done, officer, clerk, rng, taken)
    window = timezone.localdate() + dt.timedelta(days=expiring.DEFAULT_DAYS)
    done.ending_soon = expiring.running().filter(term_end__lte=window).count()
    return done


def _court(officer: User) -> int:
    assert officer.court_id is not None  # the printed officer is court staff
    return officer.court_id


def _fresh(officer: User, taken: set[int], *, mine: bool = True) -> Iterator[Case]:
    """Open money cases of the officer (or of the officer's court) not asked anything yet, oldest first."""
    asked = AssistanceRequest.objects.values("case_id")
    rows = Case.objects.open().filter(court_id=_court(officer), is_money_case=True).exclude(pk__in=asked)
    rows = rows.filter(officer=officer) if mine else rows.exclude(officer=officer)
    for case in rows.order_by("pk").iterator(chunk_size=200):
        if case.pk not in taken:
            yield case


# --- 终本 and re-inquiry (R-ASSET-05) ---------------------------------------------------------------


def _reinquiries(done: Followup, officer: User, skip: set[int]) -> None:
    """The schedules of the officer's 终本 cases closed in the last year and not resumed since (and,
    to make `MIN_TERMINATED`, of colleagues' in the court), then `RUN_ROUNDS` rounds fallen due asked
    and concluded, the officer's first: a debtor who owns something, then one who owns nothing (or
    any, when none does)."""
    today = timezone.localdate()
    closed = Case.objects.filter(
        court_id=_court(officer), status=CaseStatus.CLOSED, closure_mode=ClosureMode.TERMINATED_THIS_ROUND,
        closed_on__gt=add_months(today, -12), resumptions__isnull=True,
    ).order_by("closed_on", "pk")  # fmt: skip
    cases = list(closed.filter(officer=officer))
    cases += list(closed.exclude(officer=officer)[: max(0, MIN_TERMINATED - len(cases))])
    due: list[tuple[Reinquiry, holdings.Holdings]] = []
    for case in cases:
        assert case.closed_on is not None
        with transaction.atomic():  # the listener runs inside the closure's transaction
            rows = schedule_on_closure(case_id=case.pk, court_id=case.court_id, mode=case.closure_mode,
                                       closed_on=case.closed_on, actor=DEMO)  # fmt: skip
        done.terminated.append(case.pk)
        due += [(row, held_by(case)) for row in rows if row.due_on <= today]
    due.sort(key=lambda pair: pair[0].case.officer_id != officer.pk)  # stable: the officer's first
    owning = [pair for pair in due if not pair[1].empty]
    nothing = [pair for pair in due if pair[1].empty] or [pair for pair in due if pair not in owning[:1]]
    for row, held in (owning[:1] + nothing[:1])[:RUN_ROUNDS]:
        _ask_again(done, row, held, skip)


def _ask_again(done: Followup, row: Reinquiry, held: holdings.Holdings, skip: set[int]) -> None:
    """A round fallen due: asked as the daily sweep asks it, answered, concluded."""
    asked = reinquiry_run(row.pk)
    if asked is None or asked.inquiry_id is None:
        return
    for request in AssistanceRequest.objects.filter(inquiry_link__inquiry_id=asked.inquiry_id).order_by("pk"):
        answer(request, held, skip)
    reinquiry_conclude(row.pk)  # the answers' task concludes it too, later: once is all it does
    row.refresh_from_db()
    if row.status == ReinquiryStatus.DONE:
        done.concluded.append(row.pk)
        if row.new_records.exists():
            done.new_property.append(row.pk)


# --- measures near their end, and the waiting list (R-ASSET-02, R-ASSET-04) -------------------------------


def _ending(done: Followup, officer: User, skip: set[int], taken: set[int]) -> None:
    """Freezes of a debtor's fullest account not frozen yet, each confirmed by the bank for a term that
    ends in one of `ENDS_IN_DAYS` (`confirmed_short`): on the officer's open cases first (the story's
    among them), then on colleagues' not asked anything yet."""
    bank = (
        LinkageUnit.objects.filter(unit_type=UnitType.BANK, active=True)
        .exclude(pk__in=skip)
        .order_by("pk")
        .first()
    )
    if bank is None:
        return
    liaison = User.objects.filter(unit=bank, role=Role.LIAISON, is_active=True).order_by("pk").first()
    if liaison is None:
        return
    wanted = list(ENDS_IN_DAYS)
    own = Case.objects.open().filter(officer=officer, is_money_case=True).order_by("pk")
    for case in [*own, *_fresh(officer, taken, mine=False)]:
        if not wanted:
            return
        measures = list(ControlMeasure.objects.filter(case=case))
        frozen = {measure.identifier for measure in measures}
        held = held_by(case)
        accounts = [a for a in held.deposits if not a.closed and a.balance >= 100 and a.number not in frozen]
        left = case_budget(case, measures).left
        if not accounts or left <= 0:
            continue
        account = max(accounts, key=lambda a: a.balance)
        amount = min(account.balance, left).quantize(Decimal("0.01"), ROUND_DOWN)
        try:
            sent = controls.freeze(
                case, amount=amount, actor=case.officer or officer, unit=bank, account=account.number
            )
        except DomainError:
            continue
        taken.add(case.pk)
        if confirmed_short(sent.measure.request, held, liaison, ends_in=wanted[0]):
            wanted.pop(0)
            done.expiring.append(sent.measure.pk)


def _waiting(done: Followup, officer: User, skip: set[int], taken: set[int]) -> None:
    """The seizure of a flat another court seized first: the registry registers it behind that court's
    (轮候查封). On the officer's case whose inquiry found one, else on a case of the court (the
    officer's first) whose debtor owns one, after the one-click inquiry."""
    own = Case.objects.open().filter(officer=officer, is_money_case=True).order_by("pk")
    for case in [*own, *_fresh(officer, taken), *_fresh(officer, taken, mine=False)]:
        held = held_by(case)
        flat = next((item for item in held.of("estate") if item.seized_elsewhere), None)
        if flat is None or case.officer is None:
            continue
        taken.add(case.pk)
        measure = _seize_behind(case, case.officer, held, flat.identifier, flat.description, skip)
        if measure is not None:
            done.waiting.append(measure.pk)
            return


def _seize_behind(
    case: Case, officer: User, held: holdings.Holdings, certificate: str, description: str, skip: set[int]
) -> ControlMeasure | None:
    record = AssetRecord.objects.filter(case=case, kind=AssetKind.REAL_ESTATE, identifier=certificate).first()
    if record is None:  # not asked yet: the one-click inquiry first
        for request in inquiry_start(case, actor=officer, purpose=PURPOSE).made:
            answer(request, held, skip)
        record = AssetRecord.objects.filter(
            case=case, kind=AssetKind.REAL_ESTATE, identifier=certificate
        ).first()
    if record is None or record.unit_id in skip:
        return None
    area = re.search(r"建筑面积([\d.]+)平方米", description)
    value = (Decimal(area[1]) if area else Decimal("90")) * PRICE_PER_SQUARE_METRE
    try:
        sent = controls.seize(case, record=record, value=value.quantize(Decimal("100")), actor=officer,
                              indivisible_reason=WHOLE)  # fmt: skip
    except DomainError:
        return None
    answer(sent.measure.request, held, skip)
    measure = ControlMeasure.objects.get(pk=sent.measure.pk)
    return measure if measure.waiting_position is not None else None


# --- payouts awaiting approval (R-FUND-02) -----------------------------------------------------------


def _payouts(done: Followup, officer: User, clerk: User, rng: random.Random, taken: set[int]) -> None:
    """Above the threshold: a large case's debtor pays part, the officer proposes it to the applicant.
    Below it: what a story case's deduction booked, proposed to its applicant."""
    big = _large_case(officer, taken)
    if big is not None:
        taken.add(big.pk)
        owed = fund_queries.standing(big, timezone.localdate())
        outstanding = owed.outstanding if owed is not None else ZERO
        tens = int(outstanding * Decimal("0.6") / 10000)  # about 60%, in round tens of thousands
        paid = Decimal(max(56, tens) * 10000).quantize(Decimal("0.01"))
        if paid < outstanding:
            receipt_record(big, paid, source="voluntary", value_on=timezone.localdate(),
                           reference=f"DEMO-TRANSFER-{big.pk}", actor=clerk)  # fmt: skip
            _propose(done, big, rng, note="被执行人部分履行，款项发放给申请执行人")
    deducted = (
        Case.objects.open()
        .filter(court_id=_court(officer), officer=officer, journals__kind="receipt_deduction")
        .exclude(pk__in=Payout.objects.values("case_id"))
        .order_by("pk")
        .distinct()
    )
    for case in deducted[:1]:
        _propose(done, case, rng, note="扣划款项发放给申请执行人")


def _large_case(officer: User, taken: set[int]) -> Case | None:
    """An open money case of the officer's court (the officer's own first) owing well above the threshold."""
    floor = PAYOUT_PRESIDENT_ABOVE * Decimal("1.6")
    asked = AssistanceRequest.objects.values("case_id")
    rows = (
        Case.objects.open()
        .filter(court_id=_court(officer), is_money_case=True)
        .exclude(pk__in=asked)
        .exclude(pk__in=taken)
        .annotate(total=F("principal") + F("interest") + F("costs"))
        .filter(total__gte=floor)
    )
    return rows.filter(officer=officer).order_by("pk").first() or rows.order_by("pk").first()


def _propose(done: Followup, case: Case, rng: random.Random, *, note: str) -> None:
    """The case's officer proposes paying what the case may pay out to its first applicant."""
    proposer = case.officer
    applicant = case.parties.filter(role=PartyRole.APPLICANT).order_by("position", "pk").first()
    if proposer is None or applicant is None:
        return
    held = fund_queries.balance(case) - paying.pending_total(case.pk) - fund_queries.fee_held(case)
    if held <= 0:
        return
    prefix = "6217" if applicant.kind == "person" else "5000"
    account = prefix + "".join(rng.choice("0123456789") for _ in range(15))
    try:
        payout = paying.payout_propose(case, party=applicant, amount=held, account=account,
                                       bank=rng.choice(BANKS), note=note, actor=proposer)  # fmt: skip
    except DomainError:
        return
    done.payouts.append(payout.pk)
