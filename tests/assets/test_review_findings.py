"""Review of issue 15's assets code (reviewer "reviewassets"): each test showed one finding and failed
on the code as reviewed (over-seizure through partial unfreezes and pending deductions, payments
refused when nobody could send the surplus release, a lawful 3-year freeze refused, 500s on bad
numbers); all are fixed now and each test guards its fix. Each names the rule it checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from enforcelink.assets.control import actions
from enforcelink.assets.control.budget import case_budget, measures_of
from enforcelink.assets.control.models import ControlMeasure, MeasureKind, MeasureStatus
from enforcelink.core.errors import InvalidInput
from enforcelink.funds import queries as funds_queries
from enforcelink.funds.actions import receipt_record
from enforcelink.funds.models import Journal
from enforcelink.linkage.actions import request_approve, request_complete
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role
from tests.factories import UserFactory, file_case

SQLITE = "sqlite" in settings.DATABASES["default"]["ENGINE"]
pytestmark = pytest.mark.usefixtures("english")

D = Decimal
UNTIL = (timezone.localdate() + dt.timedelta(days=300)).isoformat()


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer, principal="120000.00")


@pytest.fixture
def leader(world):
    return UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)


@pytest.fixture
def clerk(world):
    return UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)


def _request(measure):
    return AssistanceRequest.objects.get(pk=measure.request_id)


def _frozen(world, case, amount, account="62170001"):
    measure = actions.freeze(
        case, unit=world.unit, account=account, amount=amount, actor=world.officer
    ).measure
    request_complete(
        _request(measure), result={"frozen_amount": amount, "frozen_until": UNTIL, "account": account},
        actor=world.liaison,
    )  # fmt: skip
    return ControlMeasure.objects.get(pk=measure.pk)


def _deduction_approved(world, leader, freeze, amount):
    deduction = actions.deduct(freeze, amount=amount, actor=world.officer).measure
    request_approve(_request(deduction), approve=True, actor=leader)
    return deduction


def _at_the_bank(freeze_pk):
    """What the bank still holds frozen on a freeze, by what the units confirmed, less the lifts
    ordered and not answered yet (R-ASSET-03 "net of releases already ordered")."""
    freeze = ControlMeasure.objects.get(pk=freeze_pk)
    held = freeze.confirmed_amount or D("0")
    for child in ControlMeasure.objects.filter(parent=freeze):
        if child.kind == MeasureKind.UNFREEZE and child.status == MeasureStatus.SENT:
            held -= child.requested_amount
        elif (child.kind == MeasureKind.UNFREEZE and child.status == MeasureStatus.EFFECTIVE) or (
            child.kind == MeasureKind.DEDUCT and child.status == MeasureStatus.EFFECTIVE
        ):
            held -= child.confirmed_amount
    return held


# --- 1. An unfreeze the bank confirms for less than ordered --------------------------------------


def test_an_unfreeze_confirmed_for_less_than_ordered_leaves_the_rest_over_the_budget(world, case, clerk):
    """R-ASSET-03: a payment of 50,000 shrinks the budget to 71,700 (the application fee of 1,700
    included, R-FUND-03), so 28,300 of the 100,000 freeze is ordered unfrozen. The bank confirms it released only 10,000 (`released_amount`, which linkage
    accepts up to the notice's amount). The budget still subtracts the 30,000 *ordered* (budget.py
    net_value / listeners._lifted use the lift's requested_amount, never its confirmed amount), so
    90,000 stays frozen at the bank against a 71,700 budget and nothing orders the other 18,300."""
    freeze = _frozen(world, case, "100000.00")
    receipt_record(case, "50000.00", source="voluntary", value_on=timezone.localdate(), actor=clerk)
    [lift] = ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE)
    assert lift.requested_amount == D("28300.00")
    request_complete(_request(lift), result={"released_amount": "10000.00"}, actor=world.liaison)
    total = case_budget(case, measures_of(case)).total
    assert total == D("71700.00")
    assert _at_the_bank(freeze.pk) <= total, (
        f"{_at_the_bank(freeze.pk)} still frozen at the bank against a budget of {total}"
    )
    # After the fix: the rest is ordered in the same transaction, exactly the excess.
    [again] = ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE, status=MeasureStatus.SENT)
    assert (again.parent_id, again.requested_amount) == (freeze.pk, D("18300.00"))


# --- 2. Releases ignore deductions already asked ---------------------------------------------------


def test_a_release_ordered_while_a_deduction_waits_lets_the_same_money_be_unfrozen_and_deducted(
    world, case, leader
):
    """Bad input "a deduction larger than the frozen amount": the officer deducts all 1,000 of a
    freeze, then releases the freeze whole while the deduction waits for the bank (actions.release
    uses `held`, not `held - deducting` as deduct() does). The bank confirms the unfreeze, then the
    deduction: both take effect (listeners.confirmation keeps a deduction's parent even when the
    freeze is released) and 1,000 is booked as received from a freeze that was unfrozen."""
    freeze = _frozen(world, case, "1000.00")
    deduction = _deduction_approved(world, leader, freeze, "1000.00")
    lift = actions.release(freeze, reason="申请执行人同意解除", actor=world.officer)
    assert lift.requested_amount == D("1000.00")  # all of it, the 1,000 being deducted included
    request_complete(_request(lift), result={"released_amount": "1000.00"}, actor=world.liaison)
    assert ControlMeasure.objects.get(pk=freeze.pk).status == MeasureStatus.RELEASED
    # After the fix: the bank's deduction of money the court had it unfreeze is bad input, refused
    # with its code, nothing applied (the deduction still waits, nothing booked).
    with pytest.raises(InvalidInput) as refused:
        request_complete(
            _request(deduction), result={"deducted_amount": "1000.00", "transfer_reference": "HZ-R2-1"},
            actor=world.liaison,
        )  # fmt: skip
    assert refused.value.code == "DEDUCTED_BEYOND_HELD"
    assert ControlMeasure.objects.get(pk=deduction.pk).status == MeasureStatus.SENT
    booked = Journal.objects.filter(case=case, reference="HZ-R2-1").count()
    unfrozen_and_deducted = D("1000.00") + (D("1000.00") if booked else D("0"))
    assert unfrozen_and_deducted <= D("1000.00"), "1,000 unfrozen and 1,000 deducted from a 1,000 freeze"


def test_a_payment_while_a_deduction_waits_releases_the_money_being_deducted_and_overcollects(
    world, case, leader, clerk
):
    """R-ASSET-03 / R-FUND-04: 120,000 frozen, a deduction of 120,000 approved and sent. A voluntary
    payment of 100,000 shrinks the budget to 21,700 (120,000 and the application fee of 1,700 owed,
    R-FUND-03): `settle` unfreezes 98,300 of the freeze without counting the deduction still asked
    (budget.held ignores `deducting`), and leaves the deduction open for 120,000. The bank confirms
    the deduction (within the notice's amount): 120,000 booked, 220,000 received on a 121,700
    obligation, and 98,300 unfrozen besides."""
    freeze = _frozen(world, case, "120000.00")
    deduction = _deduction_approved(world, leader, freeze, "120000.00")
    receipt_record(case, "100000.00", source="voluntary", value_on=timezone.localdate(), actor=clerk)
    assert ControlMeasure.objects.get(pk=deduction.pk).status == MeasureStatus.SENT  # still asked in full
    lifted = sum(m.requested_amount for m in ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE))
    assert lifted == D("98300.00")
    # After the fix: more than the 21,700 the freeze still holds once the 98,300 release is ordered
    # is refused, nothing applied; the bank's answer within it is booked.
    with pytest.raises(InvalidInput) as refused:
        request_complete(
            _request(deduction), result={"deducted_amount": "120000.00", "transfer_reference": "HZ-R3-1"},
            actor=world.liaison,
        )  # fmt: skip
    assert refused.value.code == "DEDUCTED_BEYOND_HELD"
    assert ControlMeasure.objects.get(pk=deduction.pk).status == MeasureStatus.SENT
    assert not Journal.objects.filter(case=case, reference="HZ-R3-1").exists()
    request_complete(
        _request(deduction), result={"deducted_amount": "21700.00", "transfer_reference": "HZ-R3-1"},
        actor=world.liaison,
    )  # fmt: skip
    received = funds_queries.recovered(case)
    assert received <= D("121700.00"), (
        f"{received} received on a 121,700 obligation; {lifted} was ordered unfrozen from the same freeze"
    )
    assert received == D("121700.00") and funds_queries.obligation_met(case)


# --- 3. 500s on bad input: str.isdigit() accepts digits int() refuses ------------------------------


@pytest.fixture
def en_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.mark.parametrize(
    "form",
    [
        # renewals._ids: "²".isdigit() is True, int("²") raises ValueError
        {"measures": ["²"]},
        {"measures": ["1"], "months": "²"},  # renewals._months: the same
        {"measures": ["99999999999999999999999"]},  # beyond the database's integers (SQLite's OverflowError)
    ],
)
def test_the_renewal_page_answers_bad_numbers_with_an_error_not_a_500(en_client, world, case, form):
    from django.urls import reverse

    _frozen(world, case, "1000.00")
    en_client.force_login(world.officer)
    en_client.raise_request_exception = False
    response = en_client.post(reverse("controls-expiring"), form)
    assert response.status_code in (200, 400, 404), response.status_code


def test_the_expiring_api_answers_a_superscript_digit_with_400_not_500(client_for, world):
    response = client_for("officer")
    response.raise_request_exception = False
    answer = response.get("/api/v1/controls/expiring/?days=²")
    assert answer.status_code == 400, answer.status_code


# --- 4. A payment cannot be booked when nobody can send the surplus release ------------------------


def _nobody_can_send(world, case):
    """The officer who sent the freeze and the case's officer both left the court (deactivated), the
    case not reassigned yet."""
    from enforcelink.orgs.models import User

    User.objects.filter(pk__in=[world.officer.pk, case.officer_id]).update(is_active=False)


def test_a_voluntary_payment_is_booked_even_when_no_officer_can_send_the_surplus_release(world, case, clerk):
    """ "No payment left unbooked" (issue 15; Sweden's JO 7750-2016): the case's officer left the court
    (deactivated, case not yet reassigned). A payment of 50,000 arrives on a case with 100,000 frozen:
    `rebalance` -> `settle` -> `actions.sender_for` raises NO_SENDER inside the receipt's transaction,
    so the fund clerk cannot book the money at all (the same refuses a bank's deduction confirmation
    and a statement import naming the case). The surplus release could wait (as `waiting.
    _within_budget` lets it); the money must be booked."""
    _frozen(world, case, "100000.00")
    _nobody_can_send(world, case)
    receipt_record(case, "50000.00", source="voluntary", value_on=timezone.localdate(), actor=clerk)
    assert funds_queries.recovered(case) == D("50000.00")


def test_one_case_without_a_sender_does_not_stop_a_whole_bank_statement(world, case, clerk, tmp_path):
    """The statement is one transaction (funds.receiving): a single line paying into a case whose
    officer left blocks the booking of every other line of the court's statement (NO_SENDER from
    `rebalance_many` -> `settle`)."""
    from enforcelink.funds import receiving
    from enforcelink.funds.models import CaseAccount

    other_officer = UserFactory(username="o2", court=world.court, team=world.team, role=Role.OFFICER)
    other = file_case(world.court, other_officer, principal="1000.00")
    _frozen(world, case, "100000.00")
    _nobody_can_send(world, case)
    ref = dict(CaseAccount.objects.values_list("case_id", "reference"))
    on = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    path = tmp_path / "statement.csv"
    path.write_text(
        "交易日期,金额,付款人,付款账号,附言,银行流水号\n"
        f"{on},30000.00,甲,1,{ref[case.pk]},S1\n{on},500.00,乙,2,{ref[other.pk]},S2\n",
        encoding="utf-8",
    )
    try:
        receiving.statement_import(path, court=world.court, actor=clerk)
    except Exception as error:
        pytest.fail(f"the whole statement was refused: {error}")
    assert funds_queries.recovered(other) == D("500.00")
    assert funds_queries.recovered(case) == D("30000.00")


def test_the_surplus_of_a_payment_is_still_released_by_a_colleague_when_the_officer_left(
    world, case, clerk, leader
):
    """R-ASSET-03 after the fix: the payment is booked and, in the same transaction, the 28,300 the
    smaller budget (71,700, the application fee included) no longer covers is ordered unfrozen, sent
    by the case's team leader."""
    freeze = _frozen(world, case, "100000.00")
    _nobody_can_send(world, case)
    receipt_record(case, "50000.00", source="voluntary", value_on=timezone.localdate(), actor=clerk)
    [lift] = ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE)
    assert (lift.parent_id, lift.requested_amount) == (freeze.pk, D("28300.00"))
    assert _request(lift).created_by_id == leader.pk
    assert _at_the_bank(freeze.pk) <= case_budget(case, measures_of(case)).total


def test_a_payment_is_booked_when_nobody_of_the_court_can_send_and_the_freeze_says_why(world, case, clerk):
    """No one of the court may send requests any more: the money is booked all the same, nothing is
    sent, and the freeze's note tells whoever comes next why its surplus waits."""
    from enforcelink.orgs.models import User

    freeze = _frozen(world, case, "100000.00")
    User.objects.filter(court=world.court).exclude(pk=clerk.pk).update(is_active=False)
    receipt_record(case, "50000.00", source="voluntary", value_on=timezone.localdate(), actor=clerk)
    assert funds_queries.recovered(case) == D("50000.00")
    assert not ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE).exists()
    assert "assign an officer" in ControlMeasure.objects.get(pk=freeze.pk).note


# --- 5. R-ASSET-02: a lawful 3-year freeze of securities or equity cannot be confirmed ------------


def test_a_unit_can_confirm_a_securities_freeze_for_the_three_years_the_law_allows(world, case):
    """R-ASSET-02 (民诉解释 Art.485): securities and equity are "other property rights", frozen for up
    to 3 years, and assets itself counts them so (policy.TERM_OF_KIND, expiry.policy.confirmed_end).
    But the unit's confirmation goes through linkage.policy.check_result_against, which caps every
    `freeze` at a fixed 366 days (MAX_TERM_DAYS, by request type, not by property and not in calendar
    years): the registry's lawful answer is refused as RESULT_INVALID."""
    from enforcelink.assets.models import AssetKind, AssetRecord
    from enforcelink.core.calendar import add_months

    now = timezone.now()
    record = AssetRecord.objects.create(
        case=case, kind=AssetKind.SECURITIES, unit=world.unit, institution=world.unit.name,
        identifier="A123456789", key="A123456789", value=D("50000.00"), value_on=timezone.localdate(),
        first_seen_at=now, last_seen_at=now,
    )  # fmt: skip
    measure = actions.freeze(case, record=record, amount="50000.00", actor=world.officer).measure
    until = add_months(timezone.localdate(), 36).isoformat()
    request_complete(
        _request(measure), result={"frozen_amount": "50000.00", "frozen_until": until, "account": "A123456789"},
        actor=world.liaison,
    )  # fmt: skip
    assert ControlMeasure.objects.get(pk=measure.pk).term_end.isoformat() == until
