"""`enforcelink funds verify` (R-FUND-03): every balance re-added from its entries, every journal's
legs checked, every guard trigger present; exit code 1 on any mismatch."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connection

from enforcelink.funds import actions
from enforcelink.funds.models import LedgerAccount

POSTGRES = connection.vendor == "postgresql"
ON = dt.date(2024, 5, 2)
pytestmark = pytest.mark.usefixtures("english")  # the command's messages are asserted in English


@pytest.fixture
def ledger(world, clerk, case):
    for n in range(3):
        actions.receipt_record(
            case, f"{n + 1}00.00", source="voluntary", value_on=ON, reference=f"V{n}", actor=clerk
        )
    return case


def test_a_sound_ledger_is_balanced(ledger):
    out = StringIO()
    call_command("funds", "verify", stdout=out, stderr=StringIO())
    journals = 3
    accounts = LedgerAccount.objects.count()
    assert f"balanced: {journals} journals, {accounts} account balances" in out.getvalue()


def _tamper_balance(case) -> None:
    """What only someone past the guards can do: the trigger set aside, a balance changed."""
    with connection.cursor() as cursor:
        if POSTGRES:  # inside the test's transaction: rolled back with it
            cursor.execute("SET LOCAL session_replication_role = replica")  # no ordinary trigger fires
            cursor.execute(
                "UPDATE funds_ledgeraccount SET balance = balance - 1 WHERE case_id = %s", [case.pk]
            )
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            cursor.execute("DROP TRIGGER funds_ledgeraccount_kept")
            cursor.execute(
                "UPDATE funds_ledgeraccount SET balance = balance - 1 WHERE case_id = %s", [case.pk]
            )


def test_a_balance_that_is_not_the_sum_of_its_entries_fails(ledger):
    _tamper_balance(ledger)
    account = LedgerAccount.objects.get(case=ledger)
    err = StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("funds", "verify", stdout=StringIO(), stderr=err)
    assert f"account #{account.pk}: balance -601.00, its entries add up to -600.00" in err.getvalue()
    if not POSTGRES:  # the SQLite trigger was dropped to get there (rolled back with the test): reported too
        assert "guard trigger missing: funds_ledgeraccount_kept" in err.getvalue()


def test_the_command_exits_non_zero(ledger, capsys):
    _tamper_balance(ledger)
    with pytest.raises(SystemExit) as exit_code:
        execute_from_command_line(["enforcelink", "funds", "verify"])
    assert exit_code.value.code == 1


def test_open_accounts_opens_bulk_loaded_cases_once(world, monkeypatch):
    """Cases written without `case.filed` (the demo's bulk load) get their accounts and opening journals."""
    from enforcelink.cases.models import Case
    from enforcelink.core import events
    from enforcelink.funds import queries
    from enforcelink.funds.models import CaseAccount
    from tests.factories import file_case

    monkeypatch.delitem(events._listeners["case.filed"], "funds.accounts")
    cases = [file_case(world.court, world.officer) for _n in range(3)]
    Case.objects.filter(pk=cases[0].pk).update(recovered_amount="250.00")
    out = StringIO()
    call_command("funds", "open-accounts", stdout=out, stderr=StringIO())
    assert "opened: 3 case accounts" in out.getvalue()
    assert CaseAccount.objects.filter(case__in=cases).count() == 3
    assert str(queries.recovered(cases[0].pk)) == "250.00" and queries.balance(cases[0].pk) == 0
    call_command("funds", "open-accounts", stdout=(again := StringIO()), stderr=StringIO())
    assert "opened: 0 case accounts" in again.getvalue()
    call_command("funds", "verify", stdout=StringIO(), stderr=StringIO())
