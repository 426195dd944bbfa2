"""A correction of the amounts the basis fixed changes what the ledger says is owed, so the
R-ASSET-03 budget: when it shrinks below the value under control, the surplus is released in the
same transaction, as when a payment lands (`case.amount_changed` → `rebalance`). The application fee
the ledger owes (R-FUND-03) is on the amounts fixed, so it follows the correction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from enforcelink.assets.control import actions
from enforcelink.assets.control.budget import case_budget, measures_of
from enforcelink.assets.control.models import ControlMeasure, MeasureKind, MeasureStatus
from enforcelink.cases.actions import case_amounts_correct
from enforcelink.cases.models import Case
from enforcelink.core import events
from enforcelink.funds.actions import receipt_record
from enforcelink.linkage.actions import request_complete
from enforcelink.linkage.models import AssistanceRequest, RequestStatus
from enforcelink.orgs.models import Role
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")

D = Decimal
UNTIL = (timezone.localdate() + dt.timedelta(days=200)).isoformat()


def frozen(world, case, amount, account="1"):
    measure = actions.freeze(
        case, unit=world.unit, account=account, amount=amount, actor=world.officer
    ).measure
    request_complete(
        AssistanceRequest.objects.get(pk=measure.request_id), actor=world.liaison,
        result={"frozen_amount": amount, "frozen_until": UNTIL, "account": account},
    )  # fmt: skip
    return ControlMeasure.objects.get(pk=measure.pk)


def budget_now(case):
    case = Case.objects.get(pk=case.pk)
    return case_budget(case, measures_of(case))


def lifts():
    return list(ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE).order_by("pk"))


def test_the_shipped_subscription():
    assert events.listeners("case.amount_changed") == ["funds.met", "assets.controls"]


def test_a_smaller_principal_releases_exactly_the_surplus_at_once(world):
    case = file_case(world.court, world.officer, principal="120000.00")
    freeze = frozen(world, case, "100000.00")
    case_amounts_correct(case, principal="70000.00", reason="申请执行人部分撤回申请", actor=world.officer)
    [lift] = lifts()  # budget 70,000 + the fee on it (50 + 1.5% × 60,000 = 950)
    assert lift.parent_id == freeze.pk and lift.requested_amount == D("29050.00") and lift.automatic
    assert AssistanceRequest.objects.get(pk=lift.request_id).status == RequestStatus.SENT
    found = budget_now(case)
    assert (found.total, found.used, found.over) == (D("70950.00"), D("70950.00"), 0)


def test_a_larger_amount_releases_nothing(world):
    case = file_case(world.court, world.officer, principal="120000.00")
    frozen(world, case, "100000.00")
    case_amounts_correct(case, principal="150000.00", reason="补正裁定", actor=world.officer)
    assert lifts() == [] and budget_now(case).left == D("52150.00")  # 150,000 + fee 2,150 − 100,000


def test_a_correction_down_to_what_was_paid_releases_everything(world):
    clerk = UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)
    case = file_case(world.court, world.officer, principal="120000.00")
    freeze = frozen(world, case, "60000.00")
    # 50,000 and the application fee on it (50 + 1.5% × 40,000 = 650)
    receipt_record(case, "50650.00", source="voluntary", value_on=timezone.localdate(), actor=clerk)
    assert lifts() == []  # 71,050 still owed on 120,000
    case_amounts_correct(case, principal="50000.00", reason="补正裁定", actor=world.officer)
    [lift] = lifts()
    assert lift.parent_id == freeze.pk and lift.requested_amount == D("60000.00")
    assert budget_now(case).total == 0 and budget_now(case).used == 0


def test_with_only_costs_owed_the_budget_keeps_them_under_control(world):
    """Corrected to a basis fixing costs only: nothing but costs is owed — those, and the application
    fee on them (50) — and the freeze keeps exactly them, not everything released as when nothing at
    all is owed."""
    case = file_case(world.court, world.officer, principal="10000.00")
    freeze = frozen(world, case, "6000.00")
    case_amounts_correct(case, principal="0", costs="1000.00", reason="补正裁定", actor=world.officer)
    found = budget_now(case)
    assert (found.owed, found.costs, found.fee, found.total) == (
        D("0.00"),
        D("1050.00"),
        D("50.00"),
        D("1050.00"),
    )
    [lift] = lifts()
    assert lift.requested_amount == D("4950.00") and found.held[freeze.pk] == D("1050.00")
    assert ControlMeasure.objects.get(pk=freeze.pk).status == MeasureStatus.EFFECTIVE


def test_a_fee_waived_or_reduced_releases_exactly_the_surplus_at_once(world):
    """R-ASSET-03 with the ledger's application fee (funds/fees.py, `fee.decided` → `rebalance`): the
    budget 121,700 held in full; the court reduces the fee to 700, then waives it, and each time what
    the smaller budget no longer covers is ordered unfrozen in the decision's transaction."""
    from enforcelink.funds.fees import fee_decide

    assert events.listeners("fee.decided") == ["assets.controls"]
    case = file_case(world.court, world.officer, principal="120000.00")
    freeze = frozen(world, case, "121700.00")
    fee_decide(case, amount="700.00", reason="减交", actor=world.officer)
    [lift] = lifts()
    assert lift.parent_id == freeze.pk and lift.requested_amount == D("1000.00") and lift.automatic
    fee_decide(case, amount="0", reason="免交", actor=world.officer)
    assert [m.requested_amount for m in lifts()] == [D("1000.00"), D("700.00")]
    found = budget_now(case)
    assert (found.total, found.fee, found.used, found.over) == (D("120000.00"), 0, D("120000.00"), 0)
