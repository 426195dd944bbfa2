"""The custody account statement import and the 不明款 queue (R-FUND-01, R-FUND-03): lines matched by
the 一案一账号 in the remark, bad files refused whole with row and column, repeats booked once,
unmatched money with its identification deadline, assigned to a case or returned to the payer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import hypothesis
import pytest
from hypothesis import strategies as st
from openpyxl import Workbook

from enforcelink.core import events
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent
from enforcelink.funds import queries, receiving, references, verify
from enforcelink.funds.models import AccountKind, CaseAccount, Journal, JournalKind, LedgerAccount
from enforcelink.funds.statements import StatementImport, UnidentifiedReceipt, UnidentifiedStatus
from tests.factories import file_case

pytestmark = pytest.mark.usefixtures("english")

HEADER = "交易日期,金额,付款人,付款账号,附言,银行流水号\n"
ON = dt.date(2024, 5, 6)  # a Monday


def write(tmp_path, body: str, header: str = HEADER, name: str = "statement.csv"):
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def spaced(reference: str) -> str:
    return references.grouped(reference)


def ref(case) -> str:
    return CaseAccount.objects.get(case=case).reference


def run(path, world, clerk):
    return receiving.statement_import(path, court=world.court, actor=clerk)


@pytest.fixture
def heard():
    seen: dict[str, list[dict]] = {"payment.received": [], "obligation.met": []}
    for name in seen:
        events.subscribe(name, f"tests.{name}", lambda _name=name, **payload: seen[_name].append(payload))
    yield seen
    for name in seen:
        events.unsubscribe(name, f"tests.{name}")


def test_find_references_tolerates_spaces_hyphens_and_full_width_digits_r_fund_01():
    reference = references.make("渝0110", 2026, "执", 133)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in reference)
    assert reference in receiving.find_references(f"执行款 {spaced(reference)} 张三")
    assert reference in receiving.find_references("-".join(reference[i : i + 5] for i in range(0, 20, 5)))
    assert reference in receiving.find_references(f"还款{full_width}")
    wrong_check = reference[:-1] + str((int(reference[-1]) + 1) % 10)
    assert reference not in receiving.find_references(wrong_check)
    assert receiving.find_references("电话 13800138000 日期 2026-05-06") == set()


def test_a_statement_books_matched_lines_to_their_cases_and_the_rest_as_unidentified_r_fund_01(
    world, clerk, case, tmp_path, heard
):
    other = file_case(world.court, world.officer)
    body = (
        f"2024-05-06,1000.00,重庆某建材有限公司,6222000011112222,执行款 {spaced(ref(case))},B001\n"
        f'2024/05/06,"2,500.50",李四,6222000033334444,还款{ref(other)},B002\n'
        f"20240506,300,王五,6222000055556666,不知道是哪个案子,B003\n"
    )
    outcome = run(write(tmp_path, body), world, clerk)
    assert outcome.applied, [str(e) for e in outcome.errors]
    assert [(row, number) for row, number, _journal in outcome.booked] == [
        (2, case.number),
        (3, other.number),
    ]
    assert queries.balance(case) == Decimal("1000.00") and queries.recovered(case) == Decimal("1000.00")
    assert queries.balance(other) == Decimal("2500.50")
    item = UnidentifiedReceipt.objects.get()
    assert (item.amount, item.bank_reference, item.payer_name, item.status) == (
        Decimal("300.00"), "B003", "王五", UnidentifiedStatus.WAITING,
    )  # fmt: skip
    assert item.identify_by == dt.date(
        2024, 5, 9
    )  # R-FUND-01: 3 working days, the day of arrival not counted
    unidentified = LedgerAccount.objects.get(court=world.court, kind=AccountKind.UNIDENTIFIED)
    custody = LedgerAccount.objects.get(court=world.court, kind=AccountKind.CUSTODY)
    assert unidentified.balance == Decimal("-300.00") and custody.balance == Decimal("3800.50")
    assert [p["case_id"] for p in heard["payment.received"]] == [case.pk, other.pk]
    assert {p["source"] for p in heard["payment.received"]} == {"statement"}
    record = StatementImport.objects.get()
    assert (record.lines, record.booked, record.unidentified, record.repeated) == (3, 2, 1, 0)
    assert AuditEvent.objects.filter(action="funds.receipt_recorded", case_id=case.pk).count() == 1
    assert AuditEvent.objects.filter(action="funds.statement_imported").count() == 1
    assert list(verify.journals()) == [] and list(verify.balances()) == []


def test_the_same_statement_again_books_nothing_and_says_so(world, clerk, case, tmp_path, heard):
    body = f"2024-05-06,1000.00,甲,1,{ref(case)},B001\n2024-05-06,20.00,乙,2,无,B002\n"
    assert run(write(tmp_path, body), world, clerk).applied
    again = run(write(tmp_path, body + f"2024-05-07,5.00,丙,3,{ref(case)},B009\n"), world, clerk)
    assert again.applied
    assert [row for row, _journal in again.repeated] == [2, 3]
    assert [row for row, _n, _j in again.booked] == [4]
    assert queries.balance(case) == Decimal("1005.00")
    assert UnidentifiedReceipt.objects.count() == 1
    assert len(heard["payment.received"]) == 2  # B001 once, then B009


def test_a_line_repeated_within_the_file_books_once(world, clerk, case, tmp_path):
    body = f"2024-05-06,10.00,甲,1,{ref(case)},B001\n2024-05-06,10.00,甲,1,{ref(case)},B001\n"
    outcome = run(write(tmp_path, body), world, clerk)
    assert outcome.applied and len(outcome.booked) == 1 and [row for row, _j in outcome.repeated] == [3]
    assert queries.balance(case) == Decimal("10.00")


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("12.345", "AMOUNT_PRECISION"),
        ("-5.00", "AMOUNT_NEGATIVE"),
        ("0", "AMOUNT_ZERO"),
        ("abc", "AMOUNT_INVALID"),
    ],
)
def test_a_bad_amount_refuses_the_whole_file_naming_row_and_column(
    world, clerk, case, tmp_path, amount, code
):
    body = f"2024-05-06,100.00,甲,1,{ref(case)},B001\n2024-05-06,{amount},乙,2,{ref(case)},B002\n"
    outcome = run(write(tmp_path, body), world, clerk)
    assert not outcome.applied
    [error] = outcome.errors
    assert (error.code, error.row, error.column, error.letter) == (code, 3, "金额", "B")
    assert "row 3, column B (金额)" in str(error)
    assert not Journal.objects.exists() and not StatementImport.objects.exists()


def test_a_wrong_layout_names_the_columns_and_applies_nothing(world, clerk, case, tmp_path):
    unknown = run(write(tmp_path, f"2024-05-06,1.00,甲,1,{ref(case)},B1,x\n",
                        header="交易日期,金额,付款人,付款账号,附言,银行流水号,余额\n"), world, clerk)  # fmt: skip
    assert [(e.code, e.column, e.letter) for e in unknown.errors] == [("COLUMN_UNKNOWN", "余额", "G")]
    missing = run(write(tmp_path, "2024-05-06,1.00,甲\n", header="交易日期,金额,付款人\n"), world, clerk)
    assert [e.code for e in missing.errors] == ["COLUMNS_MISSING"] and "银行流水号" in missing.errors[
        0
    ].message
    assert not Journal.objects.exists()


def test_a_line_that_matches_two_cases_refuses_the_file(world, clerk, case, tmp_path):
    other = file_case(world.court, world.officer)
    body = f"2024-05-06,100.00,甲,1,{ref(case)} 和 {ref(other)},B001\n"
    outcome = run(write(tmp_path, body), world, clerk)
    [error] = outcome.errors
    assert (error.code, error.row, error.column) == ("REFERENCE_AMBIGUOUS", 2, "附言")
    assert case.number in error.message and other.number in error.message
    assert not Journal.objects.exists()


def test_a_bank_reference_booked_before_for_other_money_is_a_conflict(world, clerk, case, tmp_path):
    assert run(write(tmp_path, f"2024-05-06,100.00,甲,1,{ref(case)},B001\n"), world, clerk).applied
    outcome = run(write(tmp_path, f"2024-05-06,999.00,甲,1,{ref(case)},B001\n"), world, clerk)
    assert [e.code for e in outcome.errors] == ["REFERENCE_CONFLICT"]
    assert queries.balance(case) == Decimal("100.00")


def test_another_courts_reference_is_unidentified_money_here(world, clerk, tmp_path):
    foreign = file_case(world.other_court, world.outsider)
    outcome = run(write(tmp_path, f"2024-05-06,100.00,甲,1,{ref(foreign)},B001\n"), world, clerk)
    assert outcome.applied and len(outcome.unidentified) == 1 and queries.balance(foreign) == 0


def test_an_xlsx_statement_reads_numbers_and_dates_as_the_cells_show_them(world, clerk, case, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["交易日期", "金额", "付款人", "付款账号", "附言", "银行流水号"])
    sheet.append([dt.datetime(2024, 5, 6), 1234.5, "甲", "6222", f"执行款{ref(case)}", "X1"])
    sheet.append([dt.datetime(2024, 5, 6), 0.1, "乙", "6223", "无", "X2"])
    path = tmp_path / "statement.xlsx"
    book.save(path)
    outcome = run(path, world, clerk)
    assert outcome.applied, [str(e) for e in outcome.errors]
    assert queries.balance(case) == Decimal("1234.50")
    assert UnidentifiedReceipt.objects.get().amount == Decimal("0.10")


def test_only_the_fund_clerk_imports(world, case, tmp_path):
    path = write(tmp_path, f"2024-05-06,1.00,甲,1,{ref(case)},B001\n")
    for who in (world.officer, world.liaison, world.outsider):
        with pytest.raises(NotFound):
            receiving.statement_import(path, court=world.court, actor=who)


def test_obligation_met_by_a_statement_is_announced_once(world, clerk, tmp_path, heard):
    """R-FUND-04: 500.00 owed and the application fee on it (50.00): met by the two lines together."""
    small = file_case(world.court, world.officer, principal="500.00")
    body = f"2024-05-06,300.00,甲,1,{ref(small)},B001\n2024-05-06,250.00,甲,1,{ref(small)},B002\n"
    assert run(write(tmp_path, body), world, clerk).applied
    assert [p["case_id"] for p in heard["obligation.met"]] == [small.pk]
    assert run(write(tmp_path, f"2024-05-07,50.00,甲,1,{ref(small)},B003\n"), world, clerk).applied
    assert len(heard["obligation.met"]) == 1


# --- the 不明款 queue ------------------------------------------------------------------------------


@pytest.fixture
def waiting(world, clerk, tmp_path):
    assert run(write(tmp_path, "2024-05-06,800.00,王五,6222,看不清,B100\n"), world, clerk).applied
    return UnidentifiedReceipt.objects.get()


def test_assigning_unidentified_money_books_it_to_the_case_as_of_its_arrival_r_fund_01(
    world, clerk, case, waiting, heard
):
    journal = receiving.unidentified_assign(waiting, case, actor=clerk, note="电话核实")
    assert (journal.kind, journal.value_on, journal.case_id) == (JournalKind.IDENTIFY, ON, case.pk)
    assert queries.balance(case) == Decimal("800.00") and queries.recovered(case) == Decimal("800.00")
    assert LedgerAccount.objects.get(court=world.court, kind=AccountKind.UNIDENTIFIED).balance == 0
    waiting.refresh_from_db()
    assert (waiting.status, waiting.case_id, waiting.resolved_journal_id) == ("assigned", case.pk, journal.pk)
    assert heard["payment.received"][-1]["journal_id"] == journal.pk
    with pytest.raises(DomainError) as twice:
        receiving.unidentified_assign(waiting, case, actor=clerk)
    assert twice.value.code == "UNIDENTIFIED_RESOLVED"


def test_returning_unidentified_money_needs_a_reason_and_leaves_the_account(world, clerk, waiting):
    with pytest.raises(DomainError) as missing:
        receiving.unidentified_return(waiting, reason=" ", actor=clerk)
    assert missing.value.code == "REASON_REQUIRED"
    journal = receiving.unidentified_return(waiting, reason="付款人确认汇错", actor=clerk)
    assert journal.kind == JournalKind.UNIDENTIFIED_RETURN
    custody = LedgerAccount.objects.get(court=world.court, kind=AccountKind.CUSTODY)
    assert custody.balance == 0
    waiting.refresh_from_db()
    assert waiting.status == UnidentifiedStatus.RETURNED


def test_another_courts_clerk_or_an_officer_cannot_touch_the_queue(world, clerk, other_clerk, case, waiting):
    for who in (other_clerk, world.officer, world.liaison):
        with pytest.raises(NotFound):
            receiving.unidentified_assign(waiting.pk, case, actor=who)
    foreign = file_case(world.other_court, world.outsider)
    with pytest.raises(NotFound):
        receiving.unidentified_assign(waiting.pk, foreign, actor=clerk)


def test_a_statement_written_in_parts_counts_every_line_once(world, clerk, case, tmp_path, heard):
    body = (
        f"2024-05-06,1.00,甲,1,{ref(case)},P1\n2024-05-06,2.00,甲,1,{ref(case)},P2\n"
        "2024-05-06,3.00,乙,2,无,P3\n"
    )
    read = receiving.statement_read(write(tmp_path, body))
    outcome = receiving.statement_apply(read, court=world.court, actor=clerk, chunk=1)
    assert [row for row, _n, _j in outcome.booked] == [2, 3] and len(outcome.unidentified) == 1
    record = StatementImport.objects.get()
    assert (record.booked, record.unidentified, record.repeated, record.amount) == (2, 1, 0, Decimal("6.00"))
    assert AuditEvent.objects.filter(action="funds.statement_imported").count() == 1
    assert len(heard["payment.received"]) == 2  # one per case per part
    again = receiving.statement_apply(receiving.statement_read(write(tmp_path, body)), court=world.court,
                                      actor=clerk, chunk=2)  # fmt: skip
    assert [row for row, _j in again.repeated] == [2, 3, 4] and queries.balance(case) == Decimal("3.00")


def test_a_line_booked_elsewhere_after_the_check_is_a_repeat_and_the_rest_books(
    world, clerk, case, tmp_path, monkeypatch
):
    """The bank confirmed a deduction (booked with its transfer's reference) between the import's
    check of the references and its writing: the unique index refuses the part, which is applied
    again with that line as a repeat — nothing twice, nothing lost (R-FUND-03)."""
    from enforcelink.funds import actions

    body = f"2024-05-06,10.00,甲,1,{ref(case)},M1\n2024-05-06,20.00,甲,1,{ref(case)},M2\n"
    read = receiving.statement_read(write(tmp_path, body))
    checked = receiving._plan

    def racing(court_id, lines):
        plan = checked(court_id, lines)
        actions.receipt_record(case, "10.00", source="deduction", value_on=ON, reference="M1", actor=clerk)
        return plan

    monkeypatch.setattr(receiving, "_plan", racing)
    outcome = receiving.statement_apply(read, court=world.court, actor=clerk)
    assert outcome.applied
    assert [row for row, _n, _j in outcome.booked] == [3]
    assert [row for row, _j in outcome.repeated] == [2]
    assert queries.balance(case) == Decimal("30.00")
    assert Journal.objects.filter(reference="M1").count() == 1
    assert StatementImport.objects.get().booked == 1


@hypothesis.given(st.text(alphabet="0123456789", min_size=20, max_size=22))
def test_the_reference_check_is_stdnum_s_iso_7064_mod_97_10(digits):
    """`find_references` tests each window as `int(window) % 97 == 1`, which is what python-stdnum's
    `mod_97_10.is_valid` computes for a digit string (a statement's 100,000 remarks, ~20 windows each)."""
    from stdnum.iso7064 import mod_97_10

    assert (digits in receiving.find_references(digits)) == mod_97_10.is_valid(digits)
