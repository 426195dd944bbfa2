"""Payouts (R-FUND-02): proposal within the balance, four-eyes approval, payment, the bank's return,
lodging (提存); and R-FUND-04: the obligation met proposes 执行完毕 and returns the surplus.

The case of these tests owes 120,000.00 and the application fee on it, 1,700.00 (R-FUND-03): the first
1,700.00 received pays the fee, the court's money, which no payout takes (`receive_beyond_fee`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from enforcelink.cases.models import PartyRole
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent, Notification
from enforcelink.funds import actions, desk, paying, queries, verify
from enforcelink.funds.models import Journal, JournalKind
from enforcelink.funds.payouts import Payout, PayoutKind, PayoutStatus
from enforcelink.orgs.models import Role
from enforcelink.orgs.permissions import Action, can
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")

ON = dt.date(2024, 5, 2)
FEE = Decimal("1700.00")  # 申请执行费 on 120,000.00: 50 + 1.5% × 110,000


@pytest.fixture
def leader(world):
    return UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)


def applicant(case):
    return case.parties.get(role=PartyRole.APPLICANT)


def receive(case, clerk, amount, on=ON, reference=""):
    return actions.receipt_record(
        case, amount, source="voluntary", value_on=on, reference=reference, actor=clerk
    )


def receive_beyond_fee(case, clerk, amount, on=ON, reference=""):
    """`amount` for the applicant: received on top of the fee, which is paid first (R-FUND-03)."""
    return receive(case, clerk, str(Decimal(amount) + FEE), on=on, reference=reference)


def propose(case, officer, amount, account="6222000011112222"):
    return paying.payout_propose(case, party=applicant(case), amount=amount, account=account, bank="农行",
                                 actor=officer)  # fmt: skip


def test_the_whole_way_from_proposal_to_payment_r_fund_02(world, clerk, case, leader):
    receive(case, clerk, "50000.00")
    payout = propose(case, world.officer, "30000.00")
    assert payout.status == PayoutStatus.PROPOSED and payout.reference.startswith("ZF")
    assert Notification.objects.filter(user=leader, kind="funds.payout_proposed").exists()
    assert Notification.objects.filter(user=world.president, kind="funds.payout_proposed").exists()
    approved = paying.payout_approve(payout, actor=leader, note="同意")
    assert approved.status == PayoutStatus.APPROVED and approved.decided_by == leader
    assert Notification.objects.filter(user=clerk, kind="funds.payout_approved").exists()
    assert list(desk.to_pay(clerk)) == [approved]
    journal = paying.payout_paid(approved, paid_on=timezone.localdate(), actor=clerk)
    assert journal.kind == JournalKind.PAYOUT and journal.reference == payout.reference
    assert queries.balance(case) == Decimal("20000.00")
    assert queries.recovered(case) == Decimal("50000.00")  # paying out does not undo the recovery
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID and payout.paid_journal == journal
    actions_done = list(
        AuditEvent.objects.filter(case_id=case.pk, action__startswith="funds.payout").values_list(
            "action", flat=True
        )
    )
    assert actions_done == ["funds.payout_proposed", "funds.payout_approved", "funds.payout_paid"]
    assert list(verify.journals()) == [] and list(verify.balances()) == []


def test_a_payout_above_the_balance_is_refused_with_the_figures(world, clerk, case):
    """R-FUND-02, R-FUND-03: at most what the case holds less what is promised and the court's fee."""
    receive_beyond_fee(case, clerk, "1000.00")
    propose(case, world.officer, "600.00")
    with pytest.raises(DomainError) as refused:
        propose(case, world.officer, "400.01")
    assert refused.value.code == "PAYOUT_OVER_BALANCE" and refused.value.field == "amount"
    message = str(refused.value.message)
    assert "2,700.00" in message and "1,700.00" in message and "600.00" in message and "400.00" in message
    assert propose(case, world.officer, "400.00").amount == Decimal("400.00")  # the last allowed yuan
    assert Payout.objects.count() == 2


def test_four_eyes_the_proposer_never_approves(world, clerk, case, leader):
    receive_beyond_fee(case, clerk, "1000.00")
    own = propose(case, leader, "100.00")
    assert not can(leader, Action.APPROVE_PAYOUT, own)
    with pytest.raises(NotFound):
        paying.payout_approve(own, actor=leader)
    assert paying.payout_approve(own, actor=world.president).status == PayoutStatus.APPROVED
    assert own not in desk.awaiting_approval(leader)


@pytest.mark.parametrize("who", ["officer", "liaison", "outsider", "clerk"])
def test_who_may_not_approve(world, clerk, case, who):
    receive_beyond_fee(case, clerk, "1000.00")
    payout = propose(case, world.colleague, "100.00")
    actor = clerk if who == "clerk" else getattr(world, who)
    with pytest.raises(NotFound):
        paying.payout_approve(payout, actor=actor)


def test_an_officer_or_liaison_cannot_pay_and_a_clerk_cannot_propose(world, clerk, case, leader):
    receive_beyond_fee(case, clerk, "1000.00")
    with pytest.raises(NotFound):
        propose(case, clerk, "100.00")
    with pytest.raises(NotFound):
        propose(case, world.outsider, "100.00")
    payout = paying.payout_approve(propose(case, world.officer, "100.00"), actor=leader)
    for who in (world.officer, world.liaison, leader):
        with pytest.raises(NotFound):
            paying.payout_paid(payout, paid_on=timezone.localdate(), actor=who)


def test_a_payout_returned_by_the_bank_is_reversed_then_lodged(world, clerk, case, leader):
    receive_beyond_fee(case, clerk, "1000.00")
    payout = paying.payout_approve(propose(case, world.officer, "700.00"), actor=leader)
    paid = paying.payout_paid(payout, paid_on=timezone.localdate(), actor=clerk)
    with pytest.raises(DomainError) as no_reason:
        paying.payout_returned(payout, reason="", actor=clerk)
    assert no_reason.value.code == "REQUIRED"
    reversal = paying.payout_returned(payout, reason="账户已销户", actor=clerk)
    assert reversal.reverses == paid and queries.balance(case) == Decimal("1000.00") + FEE
    journal = paying.payout_lodge(payout, lodged_with="綦江区公证处", reason="申请执行人账户销户且联系不上",
                                  lodged_on=timezone.localdate(), actor=clerk)  # fmt: skip
    assert journal.kind == JournalKind.LODGE and queries.balance(case) == Decimal("300.00") + FEE
    payout.refresh_from_db()
    assert (payout.status, payout.lodged_with) == (PayoutStatus.LODGED, "綦江区公证处")
    with pytest.raises(DomainError) as again:
        paying.payout_paid(payout, paid_on=timezone.localdate(), actor=clerk)
    assert again.value.code == "PAYOUT_STATUS"


def test_an_approved_payout_the_applicant_refuses_is_lodged(world, clerk, case, leader):
    receive_beyond_fee(case, clerk, "1000.00")
    payout = paying.payout_approve(propose(case, world.officer, "1000.00"), actor=leader)
    paying.payout_lodge(payout, lodged_with="本院提存账户", reason="申请执行人拒绝受领", lodged_on=timezone.localdate(),
                        actor=clerk)  # fmt: skip
    assert queries.balance(case) == FEE == queries.fee_held(case)  # the court's fee stays, to collect


def test_refused_and_withdrawn_proposals_free_the_money(world, clerk, case, leader):
    receive_beyond_fee(case, clerk, "1000.00")
    first = propose(case, world.officer, "1000.00")
    paying.payout_refuse(first, reason="金额有误", actor=leader)
    assert Notification.objects.filter(
        user=world.officer, kind="funds.payout_refused"
    ).exists()  # the proposer
    second = propose(case, world.officer, "1000.00")
    paying.payout_cancel(second, reason="重新核对", actor=world.officer)
    assert propose(case, world.officer, "1000.00").status == PayoutStatus.PROPOSED


def test_a_payout_beyond_what_a_reversal_left_is_refused_at_approval(world, clerk, case, leader):
    booked = receive_beyond_fee(case, clerk, "1000.00")
    payout = propose(case, world.officer, "800.00")
    actions.journal_reverse(booked.journal, reason="录错案件", actor=clerk)
    with pytest.raises(DomainError) as refused:
        paying.payout_approve(payout, actor=leader)
    assert refused.value.code == "PAYOUT_OVER_BALANCE"


def test_bad_input_of_a_proposal(world, clerk, case):
    receive(case, clerk, "1000.00")
    respondent = case.parties.get(role=PartyRole.RESPONDENT)
    for amount, code in (("1.234", "AMOUNT_PRECISION"), ("0", "AMOUNT_ZERO"), ("-1", "AMOUNT_INVALID")):
        with pytest.raises(DomainError) as bad:
            propose(case, world.officer, amount)
        assert bad.value.code in (code, "AMOUNT_NEGATIVE")
    with pytest.raises(DomainError) as payee:
        paying.payout_propose(case, party=respondent, amount="1", account="1", actor=world.officer)
    assert payee.value.code == "PAYEE_INVALID"
    with pytest.raises(DomainError) as account:
        propose(case, world.officer, "1", account="")
    assert account.value.field == "account"
    assert not Payout.objects.exists()


# --- R-FUND-02's clock -----------------------------------------------------------------------------


def test_money_held_past_thirty_days_is_overdue_oldest_receipt_still_held(world, clerk, case):
    receive_beyond_fee(case, clerk, "100.00", on=dt.date(2024, 3, 1), reference="R1")
    receive(case, clerk, "200.00", on=dt.date(2024, 4, 1), reference="R2")
    today = dt.date(2024, 4, 10)
    [held] = desk.held_money(clerk, today=today)
    # 30 days from 1 March is Sunday 31 March: the next working day (R-TIME-01)
    assert (held.balance, held.since, held.due) == (
        Decimal("300.00"),
        dt.date(2024, 3, 1),
        dt.date(2024, 4, 1),
    )
    assert held.overdue(today) and held.days_late == 9
    assert [row.case for row in desk.overdue_money(world.command, Action.MONITOR_COURT, today)] == [case]


def test_the_fee_held_for_the_court_is_no_payout_running_late_r_fund_02(world, clerk, case):
    """Everything received went to the application fee (paid first): the account holds it for the
    court to collect, nothing the applicant can be paid, so nothing is late (R-FUND-02)."""
    receive(case, clerk, "300.00", on=dt.date(2024, 3, 1), reference="R1")
    assert queries.balance(case) == Decimal("300.00") == queries.fee_held(case)
    assert desk.held_money(clerk, today=dt.date(2024, 6, 1)) == []
    receive(case, clerk, "1500.00", on=dt.date(2024, 3, 5), reference="R2")  # 100.00 beyond the fee
    [held] = desk.held_money(clerk, today=dt.date(2024, 6, 1))
    assert (held.balance, held.since) == (Decimal("100.00"), dt.date(2024, 3, 5))


# --- R-FUND-04 -------------------------------------------------------------------------------------


def test_the_obligation_met_proposes_closure_and_the_surplus_back_to_the_debtor_r_fund_04(
    world, clerk, leader
):
    """1,200.00 received on 1,000.00 owed: 50.00 to the application fee, 1,000.00 to the principal, 150.00
    surplus (R-FUND-03 order; the surplus is only what is beyond the fee too)."""
    case = file_case(world.court, world.officer, principal="1000.00")
    receive(case, clerk, "1200.00", on=timezone.localdate())
    note = Notification.objects.get(user=case.officer, kind="funds.obligation_met")  # the case's 承办人
    assert "?close=fully_performed" in note.url
    assert AuditEvent.objects.filter(action="funds.closure_proposed", case_id=case.pk).count() == 1
    surplus = Payout.objects.get(case=case)
    assert (surplus.kind, surplus.amount, surplus.status, surplus.proposed_by) == (
        PayoutKind.DEBTOR, Decimal("150.00"), PayoutStatus.PROPOSED, None,
    )  # fmt: skip
    assert surplus.payee_name == case.parties.get(role=PartyRole.RESPONDENT).name
    with pytest.raises(DomainError) as no_account:
        paying.payout_approve(surplus, actor=leader)
    assert no_account.value.field == "account"
    paying.payout_approve(surplus, actor=leader, account="50001234", bank="建行")
    journal = paying.payout_paid(surplus, paid_on=timezone.localdate(), actor=clerk)
    assert journal.kind == JournalKind.RETURN_TO_DEBTOR and queries.balance(case) == Decimal("1050.00")
    assert paying.surplus_unclaimed(case) == 0 and queries.fee_held(case) == Decimal("50.00")


def test_a_later_surplus_is_proposed_by_the_officer(world, clerk):
    case = file_case(world.court, world.officer, principal="1000.00")
    receive(case, clerk, "1050.00", on=timezone.localdate(), reference="A")  # the fee 50 and the principal
    assert not Payout.objects.filter(case=case).exists()
    receive(case, clerk, "50.00", on=timezone.localdate(), reference="B")
    assert paying.surplus_unclaimed(case) == Decimal("50.00")
    payout = paying.surplus_return_propose(case, actor=world.officer)
    assert payout.amount == Decimal("50.00") and payout.proposed_by == world.officer
    with pytest.raises(DomainError) as none:
        paying.surplus_return_propose(case, actor=world.officer)
    assert none.value.code == "SURPLUS_NONE"
    assert Journal.objects.filter(case=case).count() == 2
