"""The R-ASSET-03 budget is what the case-fund ledger's standing says is still owed — the court's
application fee (申请执行费, owed first, R-FUND-03), costs the basis fixed, general interest, principal
and R-MONEY-02's doubled interest to the day — and nothing else: once the ledger says the obligation is
met, the fee paid too (R-FUND-04), nothing more is frozen, and the panel says why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.control import actions
from enforcelink.assets.control.budget import case_budget, measures_of
from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.core.errors import RuleViolation
from enforcelink.funds import queries as funds_queries
from enforcelink.funds.actions import receipt_record
from enforcelink.orgs.models import Role
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")

D = Decimal


@pytest.fixture
def clerk(world):
    return UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)


def deposit(case, unit, balance="500000.00"):
    now = timezone.now()
    return AssetRecord.objects.create(
        case=case, kind=AssetKind.DEPOSIT, unit=unit, institution=unit.name, identifier="62170001",
        key="62170001", value=D(balance), value_on=timezone.localdate(), first_seen_at=now, last_seen_at=now,
    )  # fmt: skip


def budget_now(case):
    return case_budget(case, measures_of(case))


def panel(client, user, case):
    client.force_login(user)
    return client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_budget_is_the_ledgers_standing_with_costs_and_interest_to_date(world, clerk):
    today = timezone.localdate()
    case = file_case(
        world.court, world.officer, principal="100000.00", interest="5000.00", costs="2000.00",
        performance_due_on=today - dt.timedelta(days=100),
    )  # fmt: skip
    standing = funds_queries.standing(case, today)
    assert standing.doubled_interest.owed > 0  # R-MONEY-02: the doubled interest runs
    found = budget_now(case)
    # enforcement costs: the application fee on 107,000 (50 + 1.5% × 97,000 = 1,505) and the costs
    assert found.total == standing.outstanding and found.costs == D("3505.00") and found.fee == D("1505.00")
    assert found.owed == standing.outstanding - D("3505.00")
    receipt_record(
        case, "3005.00", source="voluntary", value_on=today, actor=clerk
    )  # the fee first, then the costs (R-FUND-03)
    found = budget_now(case)
    assert (found.fee, found.costs) == (D("0.00"), D("500.00"))
    assert found.total == funds_queries.standing(case, today).outstanding


def test_a_case_whose_obligation_is_met_offers_no_freeze_and_says_why(client, world, clerk):
    """10,000 owed and the application fee on it, 50 (R-FUND-03): 10,000 received pays the fee first
    and 9,950 of the principal, so the ledger still owes 50 and the panel offers a freeze of 50.00;
    with 50 more the ledger owes nothing, so the budget is 0, the panel offers no freeze and a freeze
    is refused (R-FUND-04)."""
    case = file_case(world.court, world.officer, principal="10000.00")
    record = deposit(case, world.unit)
    assert 'id="controls-freeze"' in panel(client, world.officer, case)
    receipt_record(case, "10000.00", source="voluntary", value_on=timezone.localdate(), actor=clerk)
    assert not funds_queries.standing(case, timezone.localdate()).met
    found = budget_now(case)
    assert (found.total, found.owed, found.fee) == (D("50.00"), D("50.00"), D("0.00"))
    page = panel(client, world.officer, case)
    assert 'id="controls-freeze"' in page and 'value="50.00"' in page
    receipt_record(case, "50.00", source="voluntary", value_on=timezone.localdate(), actor=clerk)
    assert funds_queries.standing(case, timezone.localdate()).met
    found = budget_now(case)
    assert (found.total, found.left) == (D("0.00"), D("0.00"))
    page = panel(client, world.officer, case)
    assert 'id="controls-freeze"' not in page and 'value="50.00"' not in page
    assert 'id="controls-nothing-left"' in page
    assert "The case-fund ledger shows nothing still owed" in page
    with pytest.raises(RuleViolation) as refused:
        actions.freeze(case, record=record, amount="50.00", actor=world.officer)
    assert refused.value.code == "OVER_SEIZURE"


def test_a_case_without_a_money_obligation_offers_no_freeze_and_says_why(client, world):
    case = file_case(world.court, world.officer, principal="0", is_money_case=False)
    deposit(case, world.unit)
    page = panel(client, world.officer, case)
    assert 'id="controls-freeze"' not in page and "no money obligation" in page
