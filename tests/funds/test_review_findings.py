"""Findings of the funds review (issue 15 §8–§12): each test failed before its fix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from enforcelink.core.errors import DomainError
from enforcelink.funds import actions, paying, queries, receiving, verify
from enforcelink.funds.models import AccountKind, Journal
from enforcelink.funds.payouts import PayoutStatus
from enforcelink.funds.statements import StatementImport, UnidentifiedReceipt, UnidentifiedStatus
from enforcelink.orgs.models import Role
from tests.factories import UserFactory, file_case
from tests.funds.test_guards import accounts, raw_entry, raw_journal, sql
from tests.funds.test_payouts import FEE, propose, receive, receive_beyond_fee

POSTGRES = connection.vendor == "postgresql"
ON = dt.date(2024, 5, 2)
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def leader(world):
    return UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)


def hand_journal(case, pk: int, amount: str = "10.00", legs: int = 2) -> int:
    sql(
        "INSERT INTO funds_journal (id, court_id, case_id, kind, value_on, amount, memo, reference, created_by,"
        " created_at, leg_count) VALUES (%s, %s, %s, 'receipt_voluntary', %s, %s, '', '', 'sql', now(), %s)",
        [pk, case.court_id, case.pk, ON, amount, legs],
    )
    return pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's set-wise guards (funds 0005)")
def test_postgres_checks_a_journal_added_after_a_mid_transaction_check_inside_the_range_checked(world):
    """guards.POSTGRESQL_SETS remembers the range of journal ids its first deferred firing checked, and
    later firings inside it return at once. A check fired mid-transaction (SET CONSTRAINTS ALL
    IMMEDIATE, as Django's `check_constraints()` does) remembered [lo, hi]; a journal inserted after it
    with an id inside that range (given by hand, a gap of the sequence) was never checked, so an
    unbalanced journal committed (R-FUND-03)."""
    case = file_case(world.court, world.officer)
    own = accounts(case)
    with pytest.raises(IntegrityError, match="LEDGER_UNBALANCED"), transaction.atomic():
        low = raw_journal(case, "10.00")
        raw_entry(low, own[AccountKind.CUSTODY], "10.00")
        raw_entry(low, own[AccountKind.CASE], "-10.00")
        high = hand_journal(case, low + 1000)
        raw_entry(high, own[AccountKind.CUSTODY], "10.00")
        raw_entry(high, own[AccountKind.CASE], "-10.00")
        sql("SET CONSTRAINTS ALL IMMEDIATE")  # both checked: [low, low + 1000] remembered
        sql("SET CONSTRAINTS ALL DEFERRED")
        short = hand_journal(case, low + 500)
        raw_entry(short, own[AccountKind.CUSTODY], "10.00")  # its second leg never comes
    assert not Journal.objects.filter(case=case).exists()


# --- payouts (R-FUND-02) ----------------------------------------------------------------------------


def test_the_approver_cannot_send_an_officers_payout_to_another_account(world, clerk, case, leader):
    """Four eyes (R-FUND-02): the officer proposes whom and where, another approves. `payout_approve`
    took an `account` (meant for the ledger's surplus proposal, which has none) and put it over the
    officer's: the approver alone chose where the money went."""
    receive_beyond_fee(case, clerk, "1000.00")
    payout = propose(case, world.officer, "1000.00", account="6222000011112222")
    with pytest.raises(DomainError) as refused:
        paying.payout_approve(payout, actor=leader, account="6222999999999999", bank="别的银行")
    assert refused.value.field == "account"
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PROPOSED and payout.payee_account == "6222000011112222"
    # the same account again is no change: approved
    approved = paying.payout_approve(payout, actor=leader, account="6222000011112222")
    assert approved.status == PayoutStatus.APPROVED and approved.payee_bank == "农行"


def test_lodging_a_returned_payout_whose_money_went_out_again_is_a_clear_error(world, clerk, case, leader):
    """A payout the bank returned can be lodged (提存). If the money it brought back was proposed and
    paid again meanwhile, lodging it too would take money the case no longer holds: the database
    refused it (ledger_account_credit_side), an IntegrityError, a 500 on the page."""
    receive_beyond_fee(case, clerk, "1000.00")
    first = paying.payout_approve(propose(case, world.officer, "1000.00"), actor=leader)
    paying.payout_paid(first, paid_on=timezone.localdate(), actor=clerk)
    paying.payout_returned(first, reason="户名不符", actor=clerk)
    again = paying.payout_approve(
        propose(case, world.officer, "1000.00", account="6222000099998888"), actor=leader
    )
    paying.payout_paid(again, paid_on=timezone.localdate(), actor=clerk)
    with pytest.raises(DomainError) as refused:
        paying.payout_lodge(first, lodged_with="公证处", reason="无法联系", lodged_on=timezone.localdate(),
                            actor=clerk)  # fmt: skip
    assert refused.value.code == "PAYOUT_OVER_BALANCE"
    first.refresh_from_db()
    assert first.status == PayoutStatus.RETURNED and queries.balance(case) == FEE  # the court's fee stays


def test_lodging_a_returned_payout_does_not_take_money_promised_to_another(world, clerk, case, leader):
    """The returned money, proposed again: lodging the returned payout as well would spend the same
    yuan twice (the second payout then fails at the bank step)."""
    receive_beyond_fee(case, clerk, "1000.00")
    first = paying.payout_approve(propose(case, world.officer, "1000.00"), actor=leader)
    paying.payout_paid(first, paid_on=timezone.localdate(), actor=clerk)
    paying.payout_returned(first, reason="户名不符", actor=clerk)
    propose(case, world.officer, "1000.00", account="6222000099998888")  # pending: holds the 1,000
    with pytest.raises(DomainError) as refused:
        paying.payout_lodge(first, lodged_with="公证处", reason="无法联系", lodged_on=timezone.localdate(),
                            actor=clerk)  # fmt: skip
    assert refused.value.code == "PAYOUT_OVER_BALANCE"
    assert queries.balance(case) == Decimal("1000.00") + FEE


# --- a deduction and the statement line of the same transfer (R-FUND-01, R-FUND-03) ----------------

HEADER = "交易日期,金额,付款人,付款账号,附言,银行流水号\n"


def statement(tmp_path, body: str):
    path = tmp_path / "statement.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_deduction_confirmed_after_its_statement_line_went_to_the_unidentified_queue(
    world, clerk, case, tmp_path
):
    """The bank's transfer of a deduction shows on the custody statement, often without the case's
    reference in its remark: imported first, it is 不明款. The bank's confirmation of the deduction
    then books the same transfer reference for the case — refused as REFERENCE_CONFLICT (the
    confirmation fails, the measure never completes), while the opposite order books it once. Either
    order must end with the money once, on the case."""
    outcome = receiving.statement_import(
        statement(tmp_path, f"{ON.isoformat()},500.00,某银行,0001,划扣款,T-500\n"),
        court=world.court,
        actor=clerk,
    )
    assert outcome.applied and len(outcome.unidentified) == 1
    booked = actions.receipt_record(
        case, "500.00", source="deduction", value_on=timezone.localdate(), reference="T-500", actor="bank",
        checked=True,
    )  # fmt: skip
    assert queries.recovered(case) == Decimal("500.00") and queries.balance(case) == Decimal("500.00")
    item = UnidentifiedReceipt.objects.get(bank_reference="T-500")
    assert item.status == UnidentifiedStatus.ASSIGNED and item.case_id == case.pk
    assert item.resolved_journal_id == booked.journal.pk
    again = actions.receipt_record(
        case, "500.00", source="deduction", value_on=timezone.localdate(), reference="T-500", actor="bank",
        checked=True,
    )  # fmt: skip
    assert again.duplicate and queries.recovered(case) == Decimal("500.00")
    assert list(verify.journals()) == [] and list(verify.balances()) == []


# --- bad input in a statement (issue 15 "Bad input") ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_control_character_in_a_statement_line_is_a_clear_error_and_writes_nothing(world, clerk, tmp_path):
    """A NUL in a remark or a payer's name passed the checks; PostgreSQL cannot store it, so the
    write failed half-way: a 500, and the StatementImport row (committed before the lines) left
    behind with nothing booked."""
    path = tmp_path / "statement.csv"
    path.write_bytes((HEADER + f"{ON.isoformat()},10.00,张\x00三,0001,还款,N-1\n").encode())
    outcome = receiving.statement_import(path, court=world.court, actor=clerk)
    assert not outcome.applied
    assert [(e.code, e.row, e.column) for e in outcome.errors] == [("TEXT_CONTROL_CHARACTER", 2, "付款人")]
    assert "U+0000" in str(outcome.errors[0])
    assert not StatementImport.objects.exists() and not Journal.objects.exists()


# --- R-FUND-04 when the amounts owed are corrected ------------------------------------------------


def test_a_correction_that_leaves_the_money_received_enough_meets_the_obligation_r_fund_04(
    world, clerk, case
):
    """`obligation.met` was announced only by a receipt. A correction of the amounts the basis fixed
    (a ruling, part of the application withdrawn) below what was already received met the obligation
    too, yet nothing was announced: deductions still pending went on (assets withdraws them on
    `obligation.met`), the officer was not offered 执行完毕 and the surplus was not proposed back to
    the debtor."""
    from enforcelink.cases.actions import case_amounts_correct
    from enforcelink.core import events
    from enforcelink.core.models import AuditEvent
    from enforcelink.funds.payouts import Payout, PayoutKind

    heard: list[dict] = []
    events.subscribe("obligation.met", "tests.met", lambda **payload: heard.append(payload))
    try:
        receive(case, clerk, "100000.00")
        assert heard == []
        case_amounts_correct(case, principal="90000.00", reason="申请执行人部分撤回", actor=world.officer)
        assert [payload["case_id"] for payload in heard] == [case.pk]
        case_amounts_correct(case, principal="80000.00", reason="再次更正", actor=world.officer)
        assert len(heard) == 1  # met already: not announced again
    finally:
        events.unsubscribe("obligation.met", "tests.met")
    assert AuditEvent.objects.filter(action="funds.closure_proposed", case_id=case.pk).count() == 1
    surplus = Payout.objects.get(case=case, kind=PayoutKind.DEBTOR)
    # 100,000.00 received − 90,000.00 − the application fee on 90,000.00 (50 + 1.5% × 80,000 = 1,250.00)
    assert surplus.amount == Decimal("8750.00")
