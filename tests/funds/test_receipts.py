"""Receipts and reversals (R-FUND-03), the case's account (R-FUND-01), 执行到位金额 and what is owed
read from the ledger (R-MONEY-02), and the bad input of issue 15: coded errors, nothing applied."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from stdnum.iso7064 import mod_97_10

from enforcelink.cases import money
from enforcelink.cases.actions import case_close
from enforcelink.cases.models import Case
from enforcelink.core import events
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent
from enforcelink.funds import actions, queries, references
from enforcelink.funds.actions import _post
from enforcelink.funds.models import AccountKind, CaseAccount, Entry, Journal, JournalKind, LedgerAccount
from tests.factories import file_case

ON = dt.date(2024, 5, 2)


def receipt(case, clerk, amount="1000.00", reference="", source="voluntary", on=ON):
    return actions.receipt_record(case, amount, source=source, value_on=on, reference=reference, actor=clerk)


def nothing_written(case) -> bool:
    return not Journal.objects.filter(case=case).exists() and queries.balance(case) == 0


@pytest.fixture
def heard():
    """What the ledger announced, by event."""
    seen: dict[str, list[dict]] = {"payment.received": [], "obligation.met": []}
    for name in seen:
        events.subscribe(name, f"tests.{name}", lambda _name=name, **payload: seen[_name].append(payload))
    yield seen
    for name in seen:
        events.unsubscribe(name, f"tests.{name}")


# --- 一案一账号 (R-FUND-01) ---------------------------------------------------------------------------


def test_filing_opens_the_case_account_with_a_checked_reference_r_fund_01(world, case):
    account = CaseAccount.objects.get(case=case)
    assert account.reference == references.make(world.court.code, case.year, case.type_code, case.sequence)
    assert mod_97_10.is_valid(account.reference) and account.reference.isdigit()
    assert LedgerAccount.objects.filter(case=case, kind=AccountKind.CASE, balance=0).count() == 1
    court_kinds = LedgerAccount.objects.filter(court=world.court, case__isnull=True).values_list(
        "kind", flat=True
    )
    assert sorted(court_kinds) == [AccountKind.CUSTODY, AccountKind.UNIDENTIFIED]
    assert AuditEvent.objects.filter(action="funds.account_opened", case_id=case.pk).count() == 1
    assert actions.account_open(case) == account  # a second call opens nothing new


@pytest.mark.parametrize(
    ("code", "year", "type_code", "sequence", "body"),
    [
        ("渝0110", 2026, "执", 133, "044011020261000133"),
        ("渝01", 2026, "执", 133, "042010020261000133"),
        ("渝0110", 2026, "执恢", 133, "044011020262000133"),
        ("粤0304", 2024, "执", 1234567, "2640304202411234567"),
    ],
)
def test_references_are_distinct_per_court_type_and_sequence_r_fund_01(code, year, type_code, sequence, body):
    made = references.make(code, year, type_code, sequence)
    assert made[:-2] == body and mod_97_10.is_valid(made)
    assert references.clean(f"执行款 {references.grouped(made)} 张三") == made


def test_a_mistyped_reference_matches_no_case_r_fund_01():
    made = references.make("渝0110", 2026, "执", 133)
    typo = made[:5] + str((int(made[5]) + 1) % 10) + made[6:]
    swapped = made[:3] + made[4] + made[3] + made[5:]
    assert references.clean(typo) is None
    assert made[3] == made[4] or references.clean(swapped) is None


def test_two_courts_never_share_a_reference(world):
    mine, theirs = file_case(world.court, world.officer), file_case(world.other_court, world.outsider)
    assert mine.fund_account.reference != theirs.fund_account.reference


# --- receipts (R-FUND-03) ------------------------------------------------------------------------------


def test_a_receipt_debits_custody_and_credits_the_case_r_fund_03(world, clerk, case, heard):
    booked = receipt(case, clerk, "1234.56", reference="BOC-0001")
    assert not booked.duplicate and booked.journal.kind == JournalKind.RECEIPT_VOLUNTARY
    legs = {leg.account.kind: leg.amount for leg in Entry.objects.filter(journal=booked.journal)}
    assert legs == {AccountKind.CUSTODY: Decimal("1234.56"), AccountKind.CASE: Decimal("-1234.56")}
    assert queries.balance(case) == Decimal("1234.56") and queries.recovered(case) == Decimal("1234.56")
    assert money.recovered(case) == Decimal("1234.56")  # what cases reads through its registry
    [paid] = heard["payment.received"]
    assert paid["journal_id"] == booked.journal.pk and paid["amount"] == Decimal("1234.56")
    assert paid["source"] == "voluntary" and paid["case_id"] == case.pk and paid["court_id"] == world.court.pk
    event = AuditEvent.objects.get(action="funds.receipt_recorded", case_id=case.pk)
    assert event.after["amount"] == "1234.56" and event.actor_id == clerk.pk


def test_the_same_reference_books_once_and_says_so(world, clerk, case, heard):
    first = receipt(case, clerk, reference="STMT-2024-05-02-17")
    again = receipt(case, clerk, reference="STMT-2024-05-02-17")
    assert again.duplicate and again.journal.pk == first.journal.pk
    assert Journal.objects.filter(case=case).count() == 1 and queries.balance(case) == Decimal("1000.00")
    assert len(heard["payment.received"]) == 1


def test_the_same_reference_for_another_receipt_is_a_conflict(world, clerk, case):
    receipt(case, clerk, reference="X-1")
    other = file_case(world.court, world.officer)
    for attempt in (
        lambda: receipt(case, clerk, "999.00", reference="X-1"),
        lambda: receipt(other, clerk, reference="X-1"),
    ):
        with pytest.raises(DomainError) as caught:
            attempt()
        assert caught.value.code == "REFERENCE_CONFLICT" and caught.value.field == "reference"
    assert nothing_written(other)


def test_a_reference_is_per_court(world, clerk, other_clerk, case):
    theirs = file_case(world.other_court, world.outsider)
    receipt(case, clerk, reference="SAME")
    assert not receipt(theirs, other_clerk, reference="SAME").duplicate


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("100.005", "AMOUNT_PRECISION"),
        ("0.001", "AMOUNT_PRECISION"),
        ("-5.00", "AMOUNT_NEGATIVE"),
        ("0", "AMOUNT_ZERO"),
        ("0.00", "AMOUNT_ZERO"),
        ("abc", "AMOUNT_INVALID"),
        ("100000000000000.00", "AMOUNT_TOO_LARGE"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_written(world, clerk, case, amount, code):
    with pytest.raises(DomainError) as caught:
        receipt(case, clerk, amount)
    assert caught.value.code == code and caught.value.field == "amount"
    assert nothing_written(case)


def test_a_float_amount_is_never_taken(world, clerk, case):
    with pytest.raises(TypeError):
        receipt(case, clerk, 10.5)
    assert nothing_written(case)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"source": "lottery"}, "SOURCE_INVALID", "source"),
        ({"on": "2024-05-02"}, "DATE_INVALID", "value_on"),
        ({"on": "tomorrow"}, "VALUE_DATE_FUTURE", "value_on"),
        ({"reference": "x" * 101}, "MAX_LENGTH", "reference"),
    ],
)
def test_bad_receipt_input_is_refused(world, clerk, case, changes, code, field):
    if changes.get("on") == "tomorrow":
        changes["on"] = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as caught:
        receipt(case, clerk, **changes)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert nothing_written(case)


@pytest.mark.parametrize("who", ["officer", "outsider", "liaison", "supervisor"])
def test_only_the_courts_fund_clerk_books(world, case, who):
    with pytest.raises(NotFound):
        receipt(case, getattr(world, who))
    assert nothing_written(case)


def test_another_courts_clerk_gets_not_found(world, other_clerk, case):
    with pytest.raises(NotFound):
        receipt(case, other_clerk)
    assert nothing_written(case)


def test_an_app_that_checked_its_own_permission_books_a_deduction(world, case):
    """assets books a deduction a bank confirmed: its own action checked who may (`checked=True`)."""
    booked = actions.receipt_record(
        case, "50.00", source="deduction", value_on=ON, reference="DED-1", actor=world.officer, checked=True
    )
    assert booked.journal.kind == JournalKind.RECEIPT_DEDUCTION and booked.journal.created_by == "officer"


# --- reversals (R-FUND-03) -----------------------------------------------------------------------------


def test_a_reversal_turns_every_leg_with_its_reason(world, clerk, case):
    original = receipt(case, clerk, "300.00").journal
    reversal = actions.journal_reverse(original, reason="记错案件，应为（2024）渝0110执2号", actor=clerk)
    assert reversal.kind == JournalKind.REVERSAL and reversal.reverses_id == original.pk
    assert reversal.memo.startswith("记错案件") and reversal.amount == Decimal("300.00")
    legs = sorted(Entry.objects.filter(journal=reversal).values_list("amount", flat=True))
    assert legs == [Decimal("-300.00"), Decimal("300.00")]
    assert queries.balance(case) == 0 and queries.recovered(case) == 0
    event = AuditEvent.objects.get(action="funds.journal_reversed", case_id=case.pk)
    assert event.after["reverses"] == original.pk and event.after["reason"].startswith("记错案件")


def test_a_journal_is_reversed_at_most_once(world, clerk, case):
    original = receipt(case, clerk).journal
    reversal = actions.journal_reverse(original, reason="重复入账", actor=clerk)
    with pytest.raises(DomainError) as caught:
        actions.journal_reverse(original, reason="again", actor=clerk)
    assert caught.value.code == "ALREADY_REVERSED"
    with pytest.raises(DomainError) as caught:
        actions.journal_reverse(reversal, reason="undo the undo", actor=clerk)
    assert caught.value.code == "REVERSAL_OF_REVERSAL"
    assert Journal.objects.filter(case=case).count() == 2


def test_a_reversal_needs_a_reason(world, clerk, case):
    original = receipt(case, clerk).journal
    for reason in ("", "   "):
        with pytest.raises(DomainError) as caught:
            actions.journal_reverse(original, reason=reason, actor=clerk)
        assert (caught.value.code, caught.value.field) == ("REASON_REQUIRED", "reason")
    assert not Journal.objects.filter(reverses=original).exists()


def test_a_reversal_that_would_leave_a_balance_negative_is_refused(world, clerk, case):
    """The money of the first receipt is no longer held (here: the opening history paid it on, and
    the case holds only a later, smaller receipt's money)."""
    actions.opening_record(case, "500.00", value_on=ON, actor=clerk)
    small = receipt(case, clerk, "100.00").journal
    own = LedgerAccount.objects.get(case=case)
    custody = LedgerAccount.objects.get(court=world.court, kind=AccountKind.CUSTODY)
    with transaction.atomic():  # 60.00 paid on (as the payouts of wave 2 will book it)
        _post(
            case,
            JournalKind.OPENING,
            ON,
            [(own, Decimal("60.00")), (custody, Decimal("-60.00"))],
            actor=clerk,
        )
    assert queries.balance(case) == Decimal("40.00")
    with pytest.raises(DomainError) as caught:
        actions.journal_reverse(small, reason="退回", actor=clerk)
    assert caught.value.code == "BALANCE_NEGATIVE"
    assert queries.balance(case) == Decimal("40.00") and not Journal.objects.filter(reverses=small).exists()


def test_only_the_courts_clerk_reverses(world, clerk, other_clerk, case):
    original = receipt(case, clerk).journal
    for who in (world.officer, other_clerk, world.outsider):
        with pytest.raises(NotFound):
            actions.journal_reverse(original, reason="x", actor=who)
    assert not Journal.objects.filter(reverses=original).exists()


# --- what is owed (R-MONEY-02, R-FUND-03, R-FUND-04) ---------------------------------------------------


def test_the_standing_counts_receipts_net_of_reversals(world, clerk, case):
    kept = receipt(case, clerk, "20000.00", on=dt.date(2024, 4, 1))
    undone = receipt(case, clerk, "5000.00", on=dt.date(2024, 4, 2)).journal
    actions.journal_reverse(undone, reason="退票", actor=clerk)
    standing = queries.standing(case, dt.date(2024, 5, 1))
    # R-FUND-03: the application fee (1,700.00 on 120,000.00) first, then the principal.
    assert standing.fee.paid == Decimal("1700.00") and standing.principal.paid == Decimal("18300.00")
    assert standing.outstanding == Decimal("101700.00")
    assert not standing.doubled_interest_computed  # no 履行期限届满日 on the case
    assert kept.journal.amount == queries.recovered(case)


def test_doubled_interest_runs_from_the_day_after_the_performance_period_r_money_02(world, clerk):
    case = file_case(world.court, world.officer, performance_due_on=dt.date(2024, 1, 10))  # a Wednesday
    standing = queries.standing(case, dt.date(2024, 1, 20))
    # 120,000.00 × 0.0175% × 10 days (11–20 January) = 210.00: none on the application fee, which the
    # basis did not fix (1,700.00, owed besides).
    assert standing.doubled_interest.owed == Decimal("210.00")
    assert standing.outstanding == Decimal("121910.00")


def test_obligation_met_is_announced_once_when_the_receipt_meets_it_r_fund_04(world, clerk, heard):
    case = file_case(world.court, world.officer, principal="1000.00", interest="10.00", costs="5.00")
    receipt(case, clerk, "1000.00", reference="P1")
    assert heard["obligation.met"] == []
    receipt(case, clerk, "14.99", reference="P2")  # the application fee (50.00) is owed too
    assert heard["obligation.met"] == []
    receipt(case, clerk, "50.01", reference="P4")
    assert [payload["case_id"] for payload in heard["obligation.met"]] == [case.pk]
    receipt(case, clerk, "7.00", reference="P3")  # surplus: the obligation was met already
    assert len(heard["obligation.met"]) == 1
    assert queries.standing(case, ON).surplus == Decimal("7.00")


def test_a_case_without_a_money_obligation_has_no_standing(world, clerk):
    case = file_case(world.court, world.officer, is_money_case=False, principal="0")
    assert queries.standing(case, ON) is None


# --- 执行到位金额 everywhere (R-FUND-03, R-CASE-05) ---------------------------------------------------


def test_fully_performed_closure_reads_the_ledger_r_case_05(world, clerk):
    case = file_case(world.court, world.officer, filed_on=timezone.localdate() - dt.timedelta(days=3))
    Case.objects.filter(pk=case.pk).update(
        recovered_amount=case.amount_total
    )  # the old column counts for nothing
    with pytest.raises(DomainError) as caught:
        case_close(
            case, mode="fully_performed", closed_on=timezone.localdate(), details={}, actor=world.officer
        )
    assert caught.value.code == "NOT_FULLY_PERFORMED"
    receipt(case, clerk, case.amount_total, on=timezone.localdate())
    with pytest.raises(DomainError) as short:  # the application fee was paid first: 1,700 still owed
        case_close(
            case, mode="fully_performed", closed_on=timezone.localdate(), details={}, actor=world.officer
        )
    assert short.value.code == "NOT_FULLY_PERFORMED"
    receipt(case, clerk, queries.standing(case, timezone.localdate()).outstanding, on=timezone.localdate())
    closed = case_close(
        case, mode="fully_performed", closed_on=timezone.localdate(), details={}, actor=world.officer
    )
    assert closed.closure_details["recovered_amount"] == "121700.00"


def test_the_case_api_reads_recovered_and_the_performance_day_from_the_ledger(world, clerk, client_for):
    case = file_case(world.court, world.officer, performance_due_on=dt.date(2024, 2, 1))
    receipt(case, clerk, "321.00")
    body = client_for("officer").get(f"/api/v1/cases/{case.pk}/").json()
    assert body["recovered_amount"] == "321.00" and body["performance_due_on"] == "2024-02-01"


def test_the_performance_period_cannot_end_before_the_basis_took_effect(world):
    with pytest.raises(DomainError) as caught:
        file_case(
            world.court,
            world.officer,
            basis_effective_on=dt.date(2023, 12, 1),
            performance_due_on=dt.date(2023, 11, 30),
        )
    assert (caught.value.code, caught.value.field) == ("PERFORMANCE_DUE_BEFORE_BASIS", "performance_due_on")
