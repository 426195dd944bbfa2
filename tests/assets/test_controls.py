"""Control measures under one budget (issue 15 §4–§5, §9): freeze, seize, deduct, release, each one
request to the holding unit, effective only when the unit confirms (R-ASSET-02), never beyond the
budget (R-ASSET-03), and released when the obligation is met (R-FUND-04)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from enforcelink.assets.control import actions, listeners
from enforcelink.assets.control.budget import case_budget, measures_of
from enforcelink.assets.control.models import ControlMeasure, MeasureKind, MeasureStatus
from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.funds import queries as funds_queries
from enforcelink.funds.models import Journal
from enforcelink.funds.policy import enforcement_fee
from enforcelink.linkage.actions import request_approve, request_cancel, request_complete, request_reject
from enforcelink.linkage.models import AssistanceRequest, RequestStatus
from enforcelink.orgs.models import Role, UnitType
from tests.factories import UnitFactory, UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")

D = Decimal
UNTIL = (timezone.localdate().replace(day=1) + dt.timedelta(days=300)).isoformat()


@pytest.fixture
def case(world):
    """120,000 owed, no interest, no costs, no performance date: budget 121,700, the ledger's figure —
    the principal and the application fee on it (1,700), which the ledger owes first (R-FUND-03)."""
    return file_case(world.court, world.officer, principal="120000.00")


@pytest.fixture
def banks(world):
    """The world's bank and two more, each with a liaison."""
    more = [UnitFactory(region=world.region, name=f"银行{n}") for n in (2, 3)]
    liaisons = [world.liaison] + [UserFactory(unit=unit, role=Role.LIAISON) for unit in more]
    return list(zip([world.unit, *more], liaisons, strict=True))


@pytest.fixture
def leader(world):
    return UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)


def account(case, unit, number="62170000000000001", balance="500000.00"):
    now = timezone.now()
    return AssetRecord.objects.create(
        case=case, kind=AssetKind.DEPOSIT, unit=unit, institution=unit.name, identifier=number, key=number,
        value=D(balance), value_on=timezone.localdate(), first_seen_at=now, last_seen_at=now,
    )  # fmt: skip


def confirm_freeze(measure, liaison, amount):
    request = AssistanceRequest.objects.get(pk=measure.request_id)
    result = {
        "frozen_amount": amount,
        "frozen_until": UNTIL,
        "account": measure.identifier or "6217000000000009",
    }
    return request_complete(request, result=result, actor=liaison)


def fresh(measure):
    return ControlMeasure.objects.get(pk=measure.pk)


def budget_now(case):
    return case_budget(case, measures_of(case))


def test_the_budget_is_what_the_ledger_says_is_still_owed_the_application_fee_included(case):
    """R-ASSET-03 with the ledger's standing: 120,000 owed plus the enforcement costs, the application
    fee (申请执行费 50 + 1.5% × 110,000 = 1,700), which the ledger books as owed (R-FUND-03)."""
    assert enforcement_fee(D("120000.00")) == D("1700.00")
    found = budget_now(case)
    assert (found.owed, found.costs, found.fee, found.total, found.left) == (
        D("120000.00"), D("1700.00"), D("1700.00"), D("121700.00"), D("121700.00"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("amount", "fee"),
    [("10000", "50.00"), ("10000.01", "50.00"), ("500000", "7400.00"), ("5000000", "52400.00"),
     ("10000000", "77400.00"), ("20000000", "87400.00"), ("0", "0.00")],
)  # fmt: skip
def test_the_application_fee_by_its_bands(amount, fee):
    assert enforcement_fee(D(amount)) == D(fee)


def test_a_freeze_is_sent_as_a_request_carrying_its_amount_and_takes_effect_when_confirmed(world, case):
    record = account(case, world.unit)
    sent = actions.freeze(case, record=record, amount="50000.00", actor=world.officer)
    measure = sent.measure
    request = AssistanceRequest.objects.get(pk=measure.request_id)
    assert request.request_type == "freeze" and request.status == RequestStatus.SENT
    # the term class: the unit's answer is held to a deposit's year (R-ASSET-02)
    assert request.details == {
        "amount": "50000.00", "account": record.identifier, "term": "deposit",
        "measure": f"开户机构：{record.institution}；账号：{record.identifier}",  # the notice names both
    }  # fmt: skip
    assert request.notice.values["measure_amount"] == "50,000.00元"
    assert measure.status == MeasureStatus.SENT and budget_now(case).used == 0  # not yet under control
    confirm_freeze(measure, world.liaison, "50000.00")
    measure = fresh(measure)
    assert measure.status == MeasureStatus.EFFECTIVE and measure.confirmed_amount == D("50000.00")
    assert measure.term_start == timezone.localdate() and measure.term_end.isoformat() == UNTIL
    assert budget_now(case).used == D("50000.00") and budget_now(case).left == D("71700.00")


def test_a_freeze_of_less_than_asked_is_partly_in_effect_and_an_empty_account_refused(world, case):
    first = actions.freeze(case, unit=world.unit, amount="1000.00", actor=world.officer).measure
    confirm_freeze(first, world.liaison, "400.00")
    assert fresh(first).status == MeasureStatus.PARTLY_EFFECTIVE
    second = actions.freeze(case, unit=world.unit, account="1", amount="1000.00", actor=world.officer).measure
    confirm_freeze(second, world.liaison, "0.00")
    assert fresh(second).status == MeasureStatus.REFUSED
    third = actions.freeze(case, unit=world.unit, account="2", amount="1000.00", actor=world.officer).measure
    request_reject(
        AssistanceRequest.objects.get(pk=third.request_id), reason="账户已销户", actor=world.liaison
    )
    assert fresh(third).status == MeasureStatus.REFUSED and fresh(third).note == "账户已销户"
    assert budget_now(case).used == D("400.00")


def test_confirmations_together_beyond_the_budget_release_exactly_the_excess(world, case, banks):
    """Three banks each asked for 100,000 of a 121,700 budget; all confirm: the latest confirmed are
    unfrozen down to exactly the budget, in the transaction of the confirmation (R-ASSET-03)."""
    sent = [
        actions.freeze(case, unit=unit, amount="100000.00", actor=world.officer).measure for unit, _ in banks
    ]
    confirm_freeze(sent[0], banks[0][1], "100000.00")
    assert not ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE).exists()
    confirm_freeze(sent[1], banks[1][1], "60000.00")
    [lift] = ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE)
    assert lift.parent_id == sent[1].pk and lift.requested_amount == D("38300.00") and lift.automatic
    request = AssistanceRequest.objects.get(pk=lift.request_id)
    assert request.request_type == "unfreeze" and request.status == RequestStatus.SENT
    assert request.unit_id == banks[1][0].pk and request.details["amount"] == "38300.00"
    assert request.created_by == world.officer
    assert budget_now(case).used == D("121700.00") and budget_now(case).over == 0
    confirm_freeze(sent[2], banks[2][1], "100000.00")
    whole = ControlMeasure.objects.get(kind=MeasureKind.UNFREEZE, parent=sent[2])
    assert whole.requested_amount == D("100000.00")  # the latest confirmed is released whole
    assert budget_now(case).used == D("121700.00") and budget_now(case).over == 0


def test_an_unfreeze_confirmed_releases_the_freeze_and_a_refused_one_is_ordered_again(world, case, banks):
    first = actions.freeze(case, unit=banks[0][0], amount="100000.00", actor=world.officer).measure
    second = actions.freeze(case, unit=banks[1][0], amount="100000.00", actor=world.officer).measure
    confirm_freeze(first, banks[0][1], "100000.00")
    confirm_freeze(second, banks[1][1], "100000.00")
    lift = ControlMeasure.objects.get(kind=MeasureKind.UNFREEZE)
    assert lift.requested_amount == D("78300.00")  # 200,000 confirmed, budget 121,700
    request_reject(AssistanceRequest.objects.get(pk=lift.request_id), reason="系统故障", actor=banks[1][1])
    again = ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE).exclude(pk=lift.pk).get()
    assert again.requested_amount == D("78300.00") and budget_now(case).over == 0
    request = AssistanceRequest.objects.get(pk=again.request_id)
    request_complete(request, result={"released_amount": "78300.00"}, actor=banks[1][1])
    assert fresh(again).status == MeasureStatus.EFFECTIVE
    assert (
        fresh(second).status == MeasureStatus.PARTLY_EFFECTIVE
        or fresh(second).status == MeasureStatus.EFFECTIVE
    )
    assert budget_now(case).held[second.pk] == D("21700.00")


def test_a_deduction_is_approved_sent_confirmed_and_booked_and_the_surplus_released(world, case, leader):
    """The bank deducts 60,000 of a 120,000 freeze: booked into the ledger in the same transaction
    (source deduction, the transfer reference), paying the application fee (1,700) first and 58,300 of
    the principal, so the budget shrinks to 61,700, and the freeze still holding 60,000 is within it
    (R-ASSET-03, R-FUND-03)."""
    freeze = actions.freeze(case, unit=world.unit, amount="120000.00", actor=world.officer).measure
    confirm_freeze(freeze, world.liaison, "120000.00")
    deduction = actions.deduct(freeze, amount="60000.00", actor=world.officer).measure
    request = AssistanceRequest.objects.get(pk=deduction.request_id)
    assert request.status == RequestStatus.PENDING_APPROVAL  # deductions are approved first
    request = request_approve(request, approve=True, actor=leader)
    request_complete(
        request,
        result={"deducted_amount": "60000.00", "transfer_reference": "HZ2026000001"},
        actor=world.liaison,
    )
    assert fresh(deduction).status == MeasureStatus.EFFECTIVE
    journal = Journal.objects.get(case=case, reference="HZ2026000001")
    assert journal.kind == "receipt_deduction" and journal.amount == D("60000.00")
    assert funds_queries.recovered(case) == D("60000.00") and funds_queries.balance(case) == D("60000.00")
    found = budget_now(case)
    assert (found.owed, found.fee, found.total) == (D("61700.00"), D("0.00"), D("61700.00"))
    assert found.held[freeze.pk] == D("60000.00") and found.over == 0
    assert not ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE).exists()


def test_a_voluntary_payment_shrinks_the_budget_and_the_surplus_freeze_is_released(world, case):
    from enforcelink.funds.actions import receipt_record

    clerk = UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)
    freeze = actions.freeze(case, unit=world.unit, amount="100000.00", actor=world.officer).measure
    confirm_freeze(freeze, world.liaison, "100000.00")
    receipt_record(case, "50000.00", source="voluntary", value_on=timezone.localdate(), actor=clerk)
    lift = ControlMeasure.objects.get(kind=MeasureKind.UNFREEZE)
    assert lift.requested_amount == D("28300.00")  # 100,000 held, budget now 71,700 (121,700 − 50,000)
    assert budget_now(case).over == 0


def test_a_statement_paying_several_cases_releases_each_surplus_in_one_batch(world, case, tmp_path):
    """A statement tells its cases together (`events.announce_many`): assets' batch form reads the
    measures of every case at once and releases each case's surplus as a single receipt would
    (R-ASSET-03); a case with no measure costs nothing more."""
    from enforcelink.funds import receiving
    from enforcelink.funds.models import CaseAccount

    clerk = UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)
    other = file_case(world.court, world.officer, principal="80000.00")
    idle = file_case(world.court, world.officer, principal="1000.00")
    held = actions.freeze(case, unit=world.unit, amount="100000.00", actor=world.officer).measure
    confirm_freeze(held, world.liaison, "100000.00")
    also = actions.freeze(other, unit=world.unit, amount="80000.00", actor=world.officer).measure
    confirm_freeze(also, world.liaison, "80000.00")
    ref = dict(CaseAccount.objects.values_list("case_id", "reference"))
    on = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    path = tmp_path / "statement.csv"
    path.write_text(
        "交易日期,金额,付款人,付款账号,附言,银行流水号\n"
        f"{on},30000.00,甲,1,执行款 {ref[case.pk]},S1\n{on},20000.00,甲,1,{ref[case.pk]},S2\n"
        f"{on},81100.00,乙,2,{ref[other.pk]},S3\n{on},10.00,丙,3,{ref[idle.pk]},S4\n",
        encoding="utf-8",
    )
    outcome = receiving.statement_import(path, court=world.court, actor=clerk)
    assert outcome.applied and len(outcome.booked) == 4
    lifts = {m.case_id: m for m in ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE)}
    assert lifts[case.pk].requested_amount == D("28300.00")  # 100,000 held, 71,700 still owed
    # 80,000 and its application fee (1,100) paid in full: everything goes
    assert lifts[other.pk].requested_amount == D("80000.00")
    assert set(lifts) == {case.pk, other.pk}
    assert budget_now(case).over == 0 and budget_now(other).over == 0


def test_when_the_obligation_is_met_deductions_stop_and_every_control_is_released(world, case, leader):
    """R-FUND-04: a payment meeting what is owed cancels the deduction still awaiting its bank, and
    releases every control still holding, as requests; a freeze not yet answered is withdrawn."""
    from enforcelink.funds.actions import receipt_record

    clerk = UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)
    estate_unit = UnitFactory(region=world.region, name="不动产登记中心", unit_type=UnitType.REAL_ESTATE)
    UserFactory(unit=estate_unit, role=Role.LIAISON)
    frozen = actions.freeze(case, unit=world.unit, amount="20000.00", actor=world.officer).measure
    confirm_freeze(frozen, world.liaison, "20000.00")
    pending = actions.freeze(
        case, unit=world.unit, account="9", amount="5000.00", actor=world.officer
    ).measure
    deduction = actions.deduct(frozen, amount="10000.00", actor=world.officer).measure
    receipt_record(case, "120000.00", source="voluntary", value_on=timezone.localdate(), actor=clerk)
    # The application fee (1,700) is owed still (R-FUND-04): the deduction goes on, the freeze keeps 1,700.
    assert fresh(deduction).status == MeasureStatus.SENT and budget_now(case).total == D("1700.00")
    receipt_record(case, "1700.00", source="voluntary", value_on=timezone.localdate(), actor=clerk)
    assert fresh(deduction).status == MeasureStatus.CANCELLED
    assert AssistanceRequest.objects.get(pk=deduction.request_id).status == RequestStatus.CANCELLED
    assert fresh(pending).status == MeasureStatus.CANCELLED
    lifts = ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE, parent=frozen).order_by("pk")
    assert [lift.requested_amount for lift in lifts] == [D("18300.00"), D("1700.00")]
    assert all(lift.automatic for lift in lifts) and budget_now(case).used == 0


def test_an_officer_releases_part_of_a_freeze_and_withdraws_an_unanswered_one(world, case):
    freeze = actions.freeze(case, unit=world.unit, amount="30000.00", actor=world.officer).measure
    confirm_freeze(freeze, world.liaison, "30000.00")
    lift = actions.release(freeze, amount="10000.00", reason="申请执行人同意", actor=world.officer)
    assert lift.kind == MeasureKind.UNFREEZE and lift.requested_amount == D("10000.00") and not lift.automatic
    assert budget_now(case).held[freeze.pk] == D("20000.00")
    open_one = actions.freeze(
        case, unit=world.unit, account="7", amount="1000.00", actor=world.officer
    ).measure
    withdrawn = actions.release(open_one, reason="误发", actor=world.officer)
    assert withdrawn.status == MeasureStatus.CANCELLED
    assert AssistanceRequest.objects.get(pk=open_one.request_id).status == RequestStatus.CANCELLED


def test_a_seizure_is_indivisible_and_its_release_is_whole(world, case):
    registry = UnitFactory(region=world.region, name="不动产登记中心", unit_type=UnitType.REAL_ESTATE)
    liaison = UserFactory(unit=registry, role=Role.LIAISON)
    now = timezone.now()
    flat = AssetRecord.objects.create(
        case=case, kind=AssetKind.REAL_ESTATE, unit=registry, identifier="渝（2020）綦江区不动产权第1234567号",
        key="k1", first_seen_at=now, last_seen_at=now,
    )  # fmt: skip
    measure = actions.seize(case, record=flat, value="90000.00", actor=world.officer).measure
    assert measure.indivisible and measure.indivisible_reason
    request = AssistanceRequest.objects.get(pk=measure.request_id)
    today = timezone.localdate()
    request_complete(
        request, actor=liaison,
        result={"registered_on": today.isoformat(), "seized_until": UNTIL, "certificate": flat.identifier},
    )  # fmt: skip
    measure = fresh(measure)
    assert measure.status == MeasureStatus.EFFECTIVE and measure.confirmed_amount == D("90000.00")
    lift = actions.release(measure, reason="案外人提供担保", actor=world.officer)
    assert lift.kind == MeasureKind.RELEASE and lift.requested_amount == D("90000.00")
    request_complete(
        AssistanceRequest.objects.get(pk=lift.request_id),
        result={"released_on": today.isoformat()},
        actor=liaison,
    )
    assert fresh(measure).status == MeasureStatus.RELEASED


def test_a_confirmation_reaching_a_released_measure_has_no_effect_and_says_why(world, case):
    freeze = actions.freeze(case, unit=world.unit, amount="1000.00", actor=world.officer).measure
    ControlMeasure.objects.filter(pk=freeze.pk).update(status=MeasureStatus.RELEASED)
    listeners.confirmation(
        request_id=freeze.request_id, case_id=case.pk, court_id=case.court_id, request_type="freeze",
        result={"frozen_amount": "1000.00", "frozen_until": UNTIL}, actor=world.liaison,
    )  # fmt: skip
    after = fresh(freeze)
    assert after.status == MeasureStatus.RELEASED and after.confirmed_amount is None
    assert "no effect" in after.note


def test_a_control_request_sent_without_a_measure_is_counted_when_confirmed(world, case, banks):
    """A freeze sent from linkage's own form still counts against the budget once confirmed."""
    from enforcelink.linkage.actions import Ask, request_create, request_send

    first = actions.freeze(case, unit=banks[0][0], amount="100000.00", actor=world.officer).measure
    confirm_freeze(first, banks[0][1], "100000.00")
    raw = request_send(
        request_create(case, Ask(banks[1][0], "freeze", "冻结", "民诉法", {"amount": "50000"}), actor=world.officer),
        actor=world.officer,
    )  # fmt: skip
    request_complete(
        raw, result={"frozen_amount": "50000.00", "frozen_until": UNTIL, "account": "1"}, actor=banks[1][1]
    )
    adopted = ControlMeasure.objects.get(request=raw)
    assert adopted.status == MeasureStatus.EFFECTIVE and adopted.created_by == world.officer
    assert budget_now(case).over == 0 and budget_now(case).used == D("121700.00")


def test_another_courts_officer_and_a_liaison_cannot_control(world, case):
    record = account(case, world.unit)
    for actor in (world.outsider, world.liaison, world.command):
        with pytest.raises(NotFound):
            actions.freeze(case, record=record, amount="100.00", actor=actor)
    assert not ControlMeasure.objects.exists()


def test_cancelling_a_measures_request_refuses_a_later_confirmation(world, case):
    freeze = actions.freeze(case, unit=world.unit, amount="1000.00", actor=world.officer).measure
    request_cancel(AssistanceRequest.objects.get(pk=freeze.request_id), reason="误发", actor=world.officer)
    with pytest.raises(DomainError) as error:
        confirm_freeze(freeze, world.liaison, "1000.00")
    assert error.value.code in ("NOT_FOUND", "REQUEST_STATE")
    assert fresh(freeze).status == MeasureStatus.CANCELLED and fresh(freeze).confirmed_amount is None
