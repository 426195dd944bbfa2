"""Money held for a closed case still goes out (R-FUND-02, R-FUND-04): 执行完毕 is often recorded
before the last payout, and a browser walk found the payout form gone once the case was closed, so
44,842.52 元 could no longer reach the applicant. Proposal, approval, payment, lodging (提存) and the
surplus's return to the debtor all work on a closed case, from the actions and from the pages; another
court's officer still gets the same 404 as for a missing case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.cases.actions import case_close
from enforcelink.cases.models import PartyRole
from enforcelink.cases.policy import ZB_CHECKLIST
from enforcelink.funds import actions, fees, paying, queries, verify
from enforcelink.funds.payouts import Payout, PayoutKind, PayoutStatus
from enforcelink.orgs.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("english")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ON = dt.date(2024, 5, 6)
FEE = Decimal("1700.00")  # the application fee on 120,000.00 (R-FUND-03): owed too, the court's money


@pytest.fixture
def leader(world):
    return UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)


def login(client, user):
    client.force_login(user)
    return client


def close_fully_performed(case, officer):
    return case_close(case, mode="fully_performed", closed_on=timezone.localdate(), details={}, actor=officer)


@pytest.fixture
def paid_closed(world, clerk, case):
    """The browser walk's case: everything owed received (尚欠 0.00, the application fee included),
    closed as 执行完毕, money held: the applicant's 120,000.00 and the court's fee."""
    owed = queries.standing(case, ON).outstanding
    assert owed == case.amount_total + FEE
    actions.receipt_record(case, owed, source="voluntary", value_on=ON, actor=clerk)
    closed = close_fully_performed(case, world.officer)
    assert closed.is_closed and queries.balance(case) == owed and queries.fee_held(case) == FEE
    return closed


def test_a_closed_case_pays_out_from_proposal_to_payment_r_fund_02(world, clerk, leader, paid_closed):
    applicant = paid_closed.parties.get(role=PartyRole.APPLICANT)
    payout = paying.payout_propose(paid_closed, party=applicant, amount="75157.48", account="6222",
                                   bank="农行", actor=world.officer)  # fmt: skip
    paying.payout_approve(payout, actor=leader)
    paying.payout_paid(payout, paid_on=timezone.localdate(), actor=clerk)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    assert queries.balance(paid_closed) == Decimal("44842.52") + FEE
    # The rest cannot be paid (the applicant's account was closed): lodged (提存), the account empty.
    rest = paying.payout_propose(paid_closed, party=applicant, amount="44842.52", account="6223",
                                 actor=world.officer)  # fmt: skip
    paying.payout_approve(rest, actor=leader)
    paying.payout_lodge(rest, lodged_with="重庆市綦江区公证处", reason="账户已销户", lodged_on=timezone.localdate(),
                        actor=clerk)  # fmt: skip
    rest.refresh_from_db()
    assert rest.status == PayoutStatus.LODGED and queries.balance(paid_closed) == FEE
    # The fee is the court's: collected from the closed case's account, which is then empty.
    assert fees.fee_collect(paid_closed, actor=clerk).amount == FEE
    assert queries.balance(paid_closed) == Decimal("0.00") and queries.fee_held(paid_closed) == 0
    assert list(verify.journals()) == [] and list(verify.balances()) == []


def test_a_zb_case_holding_money_pays_it_out(world, clerk, leader, case):
    """终本 with part of the money recovered: what was recovered still reaches the applicant, but for
    the application fee it paid first (R-FUND-03), which stays for the court."""
    actions.receipt_record(case, "44842.52", source="voluntary", value_on=ON, actor=clerk)
    details = dict.fromkeys(ZB_CHECKLIST, True)
    case_close(case, mode="terminated_this_round", closed_on=timezone.localdate(), details=details,
               actor=world.officer)  # fmt: skip
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    payout = paying.payout_propose(
        case, party=applicant, amount="43142.52", account="6222", actor=world.officer
    )
    paying.payout_approve(payout, actor=leader)
    paying.payout_paid(payout, paid_on=timezone.localdate(), actor=clerk)
    assert queries.balance(case) == FEE == queries.fee_held(case)


def test_the_pages_offer_payouts_on_a_closed_case(client, world, clerk, leader, paid_closed):
    login(client, world.officer)
    card = client.get(reverse("case-detail", args=[paid_closed.pk]), **EN).content.decode()
    card = card[card.index('id="funds-payouts"') :]
    assert "Propose a payout</a>" in card.split("</section>")[0]
    ledger = client.get(reverse("case-funds", args=[paid_closed.pk]), **EN)
    assert ledger.context["may_propose"] and 'id="propose"' in ledger.content.decode()
    applicant = paid_closed.parties.get(role=PartyRole.APPLICANT)
    proposed = client.post(reverse("case-funds-propose", args=[paid_closed.pk]), {
        "propose-party": applicant.pk, "propose-amount": "120000.00", "propose-account": "6222"})  # fmt: skip
    assert proposed.status_code == 302
    payout = Payout.objects.get(case=paid_closed)
    login(client, leader)
    client.post(reverse("funds-payout-action", args=[payout.pk, "approve"]), {"note": "同意"})
    login(client, clerk)
    client.post(
        reverse("funds-payout-action", args=[payout.pk, "paid"]),
        {"paid_on": timezone.localdate().isoformat()},
    )
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID and queries.balance(paid_closed) == FEE


def test_the_surplus_of_a_closed_case_goes_back_to_the_debtor_r_fund_04(client, world, clerk, paid_closed):
    """Paid beyond everything owed after the closure: the ledger page offers its return and it is proposed."""
    actions.receipt_record(
        paid_closed, "500.00", source="voluntary", value_on=ON, reference="多付", actor=clerk
    )
    login(client, world.officer)
    ledger = client.get(reverse("case-funds", args=[paid_closed.pk]), **EN)
    assert (
        ledger.context["surplus"] == Decimal("500.00") and 'id="surplus-propose"' in ledger.content.decode()
    )
    assert client.post(reverse("case-funds-surplus", args=[paid_closed.pk])).status_code == 302
    back = Payout.objects.get(case=paid_closed, kind=PayoutKind.DEBTOR)
    assert back.amount == Decimal("500.00") and back.status == PayoutStatus.PROPOSED


def test_another_courts_officer_cannot_pay_out_a_closed_case(client, world, paid_closed):
    applicant = paid_closed.parties.get(role=PartyRole.APPLICANT)
    login(client, world.outsider)
    assert client.get(reverse("case-funds", args=[paid_closed.pk])).status_code == 404
    answer = client.post(reverse("case-funds-propose", args=[paid_closed.pk]), {
        "propose-party": applicant.pk, "propose-amount": "100.00", "propose-account": "6222"})  # fmt: skip
    assert answer.status_code == 404 and not Payout.objects.exists()
    assert client.post(reverse("case-funds-surplus", args=[paid_closed.pk])).status_code == 404
