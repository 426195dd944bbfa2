"""R-FUND-03 kept by the database (funds/guards.py): raw SQL that edits, deletes or unbalances the
ledger is refused on PostgreSQL and on SQLite, whatever code sends it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from enforcelink.core.errors import RuleViolation
from enforcelink.funds import actions, guards, queries
from enforcelink.funds.models import AccountKind, CaseAccount, Entry, Journal, LedgerAccount
from tests.factories import file_case

POSTGRES = connection.vendor == "postgresql"
ON = dt.date(2024, 5, 2)
pytestmark = pytest.mark.usefixtures("english")  # the command's messages are asserted in English


def sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def refused(code: str):
    """The statement inside fails with the guard's code, and its savepoint is rolled back."""

    class Refused:
        def __enter__(self):
            self.raises = pytest.raises(IntegrityError, match=code)
            self.raises.__enter__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc):
            try:
                if exc[0] is None and POSTGRES:
                    sql("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred check, now rather than at commit
            except IntegrityError as error:
                exc = (type(error), error, error.__traceback__)
            self.atomic.__exit__(*exc)
            return self.raises.__exit__(*exc)

    return Refused()


def accounts(case):
    found = {a.kind: a for a in LedgerAccount.objects.filter(court_id=case.court_id, case__isnull=True)}
    found[AccountKind.CASE] = LedgerAccount.objects.get(case=case)
    return found


def raw_journal(case, amount: str, legs: int = 2) -> int:
    now = timezone.now()
    sql(
        "INSERT INTO funds_journal (court_id, case_id, kind, value_on, amount, memo, reference, created_by,"
        " created_at, leg_count) VALUES (%s, %s, 'receipt_voluntary', %s, %s, '', '', 'sql', %s, %s)",
        [case.court_id, case.pk, ON, amount, now, legs],
    )
    return Journal.objects.filter(case=case).order_by("-pk").values_list("pk", flat=True).first()


def raw_entry(journal_id: int, account: LedgerAccount, amount: str) -> None:
    sql(
        "INSERT INTO funds_entry (journal_id, account_id, amount, case_id) VALUES (%s, %s, %s, %s)",
        [journal_id, account.pk, amount, account.case_id],
    )


@pytest.fixture
def booked(world, clerk, case):
    return actions.receipt_record(
        case, "1000.00", source="voluntary", value_on=ON, reference="B1", actor=clerk
    ).journal


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE funds_journal SET memo = 'edited'",
        "UPDATE funds_journal SET amount = 1",
        "DELETE FROM funds_journal",
        "UPDATE funds_entry SET amount = amount * 2",
        "DELETE FROM funds_entry",
        "UPDATE funds_caseaccount SET reference = '1'",
        "DELETE FROM funds_caseaccount",
    ],
)
def test_updates_and_deletes_of_ledger_rows_are_refused(booked, statement):
    """R-FUND-03: nothing is edited or deleted."""
    with refused("LEDGER_APPEND_ONLY"):
        sql(statement)
    assert Journal.objects.filter(pk=booked.pk, memo="", amount=Decimal("1000.00")).exists()
    assert Entry.objects.filter(journal=booked).count() == 2


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE funds_ledgeraccount SET balance = balance - 500 WHERE kind = 'case'",
        "UPDATE funds_ledgeraccount SET balance = 0",
        "UPDATE funds_ledgeraccount SET kind = 'unidentified' WHERE kind = 'case'",
        "DELETE FROM funds_ledgeraccount WHERE kind = 'case'",
    ],
)
def test_a_balance_moves_only_with_its_entries(booked, case, statement):
    with refused("LEDGER_BALANCE_KEPT"):
        sql(statement)
    assert queries.balance(case) == Decimal("1000.00")


def test_the_running_balance_is_the_sum_of_the_entries(world, clerk, case):
    for n, amount in enumerate(["0.10", "0.20", "1234.56", "99999999.99"]):
        actions.receipt_record(case, amount, source="voluntary", value_on=ON, reference=f"R{n}", actor=clerk)
    held = accounts(case)
    for account in held.values():
        account.refresh_from_db()
        total = sum((e.amount for e in Entry.objects.filter(account=account)), Decimal("0"))
        assert account.balance == total
    assert held[AccountKind.CASE].balance == Decimal("-100001234.85")
    assert held[AccountKind.CUSTODY].balance == Decimal("100001234.85")


def test_a_journal_whose_legs_do_not_sum_to_zero_is_refused(booked, case):
    own = accounts(case)
    with refused("LEDGER_UNBALANCED"):
        journal = raw_journal(case, "10.00")
        raw_entry(journal, own[AccountKind.CUSTODY], "10.00")
        raw_entry(journal, own[AccountKind.CASE], "-9.99")


def test_debits_must_equal_the_journal_amount(booked, case):
    own = accounts(case)
    with refused("LEDGER_UNBALANCED"):
        journal = raw_journal(case, "10.00")
        raw_entry(journal, own[AccountKind.CUSTODY], "20.00")
        raw_entry(journal, own[AccountKind.CASE], "-20.00")


def test_a_leg_beyond_the_declared_count_is_refused(booked, case):
    own = accounts(case)
    with refused("LEDGER_UNBALANCED"):
        raw_entry(booked.pk, own[AccountKind.CUSTODY], "5.00")


@pytest.mark.parametrize("amount", ["0.00", "0"])
def test_a_zero_leg_is_refused(booked, case, amount):
    own = accounts(case)
    with refused("entry_amount_nonzero"):
        journal = raw_journal(case, "10.00", legs=3)
        raw_entry(journal, own[AccountKind.CUSTODY], amount)


@pytest.mark.skipif(POSTGRES, reason="PostgreSQL's numeric(16, 2) cannot hold a third decimal")
def test_a_third_decimal_is_refused_on_sqlite(booked, case):
    own = accounts(case)
    with refused("entry_amount_two_decimals"):
        journal = raw_journal(case, "10.005")
        raw_entry(journal, own[AccountKind.CUSTODY], "10.005")


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL column type")
def test_postgres_holds_two_decimals_by_the_column_type(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numeric_scale FROM information_schema.columns WHERE table_name = 'funds_entry'"
            " AND column_name = 'amount'"
        )
        assert cursor.fetchone()[0] == 2


def test_a_balance_on_the_wrong_side_of_zero_is_refused(booked, case):
    """A case account cannot hold less than nothing: paying out more than it holds fails in the database."""
    own = accounts(case)
    with refused("ledger_account_credit_side"):
        journal = raw_journal(case, "1000.01")
        raw_entry(journal, own[AccountKind.CASE], "1000.01")
        raw_entry(journal, own[AccountKind.CUSTODY], "-1000.01")


def test_the_orm_refuses_edits_with_a_coded_error(booked):
    with pytest.raises(RuleViolation) as caught:
        booked.memo = "edited"
        booked.save()
    assert caught.value.code == "LEDGER_APPEND_ONLY"
    for attempt in (
        lambda: Journal.objects.filter(pk=booked.pk).update(memo="x"),
        lambda: Journal.objects.filter(pk=booked.pk).delete(),
        lambda: Entry.objects.filter(journal=booked).update(amount=1),
        lambda: Entry.objects.filter(journal=booked).delete(),
        lambda: booked.delete(),
        lambda: booked.entries.first().save(),
    ):
        with pytest.raises(RuleViolation, match="LEDGER_APPEND_ONLY"):
            attempt()


@pytest.mark.skipif(POSTGRES, reason="what SQLite cannot catch")
def test_sqlite_accepts_a_journal_left_short_and_verify_reports_it(booked, case, capsys):
    """SQLite has no deferred triggers: a journal committed with fewer legs than it declares passes the
    guards; `funds verify` finds it."""
    own = accounts(case)
    journal = raw_journal(case, "10.00")
    raw_entry(journal, own[AccountKind.CUSTODY], "10.00")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("funds", "verify")
    assert f"journal #{journal}" in capsys.readouterr().err


def test_every_guard_trigger_is_in_place(db):
    assert guards.missing(connection) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's deferred constraint trigger runs at COMMIT")
def test_postgres_checks_a_journal_at_commit(world, clerk):
    """The legs of one journal may arrive in any order inside the transaction; at COMMIT an
    unbalanced or short journal is refused and the whole transaction is rolled back."""
    case = file_case(world.court, world.officer)
    own = accounts(case)
    with pytest.raises(IntegrityError, match="LEDGER_UNBALANCED"), transaction.atomic():
        journal = raw_journal(case, "10.00")
        raw_entry(journal, own[AccountKind.CUSTODY], "10.00")  # the second leg never comes
    assert not Journal.objects.filter(case=case).exists()
    assert queries.balance(case) == 0
    with transaction.atomic():  # legs in any order: only the commit's state counts
        journal = raw_journal(case, "10.00", legs=3)
        raw_entry(journal, own[AccountKind.CASE], "-4.00")
        raw_entry(journal, own[AccountKind.CASE], "-6.00")
        raw_entry(journal, own[AccountKind.CUSTODY], "10.00")
    assert queries.balance(case) == Decimal("10.00")


@pytest.mark.django_db(transaction=True)
def test_a_committed_ledger_is_emptied_by_flush(world, clerk):
    """Tests that commit end with Django's flush, which on SQLite deletes row by row: the ledger's
    own `flush` unseals it for that (and only that)."""
    case = file_case(world.court, world.officer)
    actions.receipt_record(case, "5.00", source="voluntary", value_on=ON, reference="F1", actor=clerk)
    with pytest.raises(IntegrityError):
        sql("DELETE FROM funds_entry")
    call_command("flush", interactive=False, verbosity=0)
    assert not Entry.objects.exists() and not CaseAccount.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's set-wise guards (funds 0005)")
def test_postgres_checks_every_journal_of_the_transaction_at_commit(world, clerk):
    """The first deferred check at COMMIT checks all the transaction's journals in one query
    (guards.POSTGRESQL_SETS): an unbalanced one among balanced ones is refused, and so is one whose id
    was given by hand below the others' (outside the range checked first)."""
    case = file_case(world.court, world.officer)
    own = accounts(case)
    with pytest.raises(IntegrityError, match="LEDGER_UNBALANCED"), transaction.atomic():
        for n in range(5):
            journal = raw_journal(case, "10.00")
            raw_entry(journal, own[AccountKind.CUSTODY], "10.00")
            raw_entry(journal, own[AccountKind.CASE], "-9.00" if n == 3 else "-10.00")
    with pytest.raises(IntegrityError, match="LEDGER_UNBALANCED"), transaction.atomic():
        journal = raw_journal(case, "10.00")
        raw_entry(journal, own[AccountKind.CUSTODY], "10.00")
        raw_entry(journal, own[AccountKind.CASE], "-10.00")
        sql(
            "INSERT INTO funds_journal (id, court_id, case_id, kind, value_on, amount, memo, reference, created_by,"
            " created_at, leg_count) VALUES (-5, %s, %s, 'receipt_voluntary', %s, 10, '', '', 'sql', now(), 2)",
            [case.court_id, case.pk, ON],
        )
        raw_entry(-5, own[AccountKind.CUSTODY], "10.00")  # its second leg never comes
    assert not Journal.objects.filter(case=case).exists()
    assert queries.balance(case) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's set-wise guards (funds 0005)")
def test_postgres_moves_a_balance_once_per_statement_by_the_sum_of_its_legs(world, clerk):
    case = file_case(world.court, world.officer)
    own = accounts(case)
    custody, mine = own[AccountKind.CUSTODY], own[AccountKind.CASE]
    with transaction.atomic():
        journal = raw_journal(case, "30.00", legs=4)
        sql(
            "INSERT INTO funds_entry (journal_id, account_id, amount, case_id) VALUES"
            " (%(j)s, %(c)s, 10, %(k)s), (%(j)s, %(c)s, 10.5, %(k)s), (%(j)s, %(c)s, 9.5, %(k)s), (%(j)s, %(m)s, -30, %(k)s)",
            {"j": journal, "c": custody.pk, "m": mine.pk, "k": case.pk},
        )
    custody.refresh_from_db()
    assert queries.balance(case) == Decimal("30.00")
    assert custody.balance == Decimal("30.00")
    with pytest.raises(IntegrityError, match="LEDGER_UNBALANCED"), transaction.atomic():  # a fifth leg, later
        raw_entry(journal, custody, "1.00")
