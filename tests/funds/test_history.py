"""Imported history opens the ledger (R-FUND-03): the case import's 执行到位金额 becomes an `opening`
journal, and migration funds 0003 opens every case filed before the ledger, page by page."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from enforcelink.cases import money
from enforcelink.cases.models import Case
from enforcelink.core import audit, events
from enforcelink.core.models import AuditEvent
from enforcelink.funds import queries, references
from enforcelink.funds.models import AccountKind, CaseAccount, Entry, Journal, JournalKind, LedgerAccount
from tests.factories import file_case
from tests.imports.files import case_row, closed_row, write_csv

pytestmark = pytest.mark.usefixtures("english")


def import_file(path) -> str:
    out = StringIO()
    call_command("import", "cases", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_imported_recovered_amounts_open_the_ledger(world, tmp_path):
    rows = [
        closed_row(1, 57, 结案方式="终本", 执行到位金额="3000"),
        case_row(2, 执行到位金额="120.50"),
        case_row(3),
    ]
    assert "imported 3" in import_file(write_csv(tmp_path / "c.csv", rows))
    closed = Case.objects.get(number="（2023）渝0110执57号")
    opening = Journal.objects.get(case=closed)
    assert opening.kind == JournalKind.OPENING and opening.amount == Decimal("3000.00")
    assert opening.value_on == closed.closed_on
    assert queries.recovered(closed) == money.recovered(closed) == Decimal("3000.00")
    assert queries.balance(closed) == 0  # received and paid on in the old system: nothing held here
    open_one = Case.objects.get(basis_number="（2023）渝0110民初2号")
    assert queries.recovered(open_one) == Decimal("120.50")
    assert Journal.objects.get(case=open_one).value_on == open_one.filed_on
    assert not Journal.objects.filter(case__basis_number="（2023）渝0110民初3号").exists()
    assert AuditEvent.objects.filter(action="funds.opening_recorded").count() == 2
    assert audit.verify() is None


def test_the_case_page_panel_shows_the_account(world, clerk, case, client):
    from enforcelink.funds import actions

    actions.receipt_record(
        case, "88.00", source="voluntary", value_on=dt.date(2024, 5, 2), reference="P-9", actor=clerk
    )
    client.force_login(world.officer)
    page = client.get(f"/cases/{case.pk}/", headers={"accept-language": "en"}).content.decode()
    assert 'id="funds"' in page and references.grouped(case.fund_account.reference) in page
    assert "P-9" in page and "88.00" in page
    assert "Doubled interest not computed" in page  # no 履行期限届满日 on the case (R-MONEY-02)
    client.force_login(world.outsider)
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def _migration():
    return importlib.import_module("enforcelink.funds.migrations.0003_open_existing_cases")


def test_migration_0003_opens_accounts_page_by_page_with_opening_journals(world, monkeypatch):
    """Cases from before the ledger: the migration's own function, run on pages of 2 over 5 cases."""
    monkeypatch.delitem(events._listeners["case.filed"], "funds.accounts")  # as before the ledger
    cases = [file_case(world.court, world.officer) for _n in range(5)]
    ids = [case.pk for case in cases]
    assert not CaseAccount.objects.filter(case_id__in=ids).exists()
    Case.objects.filter(pk=ids[1]).update(recovered_amount=Decimal("500.00"))
    migration = _migration()
    monkeypatch.setattr(migration, "PAGE", 2)
    migration.open_accounts(apps, None)
    for case in cases:
        account = CaseAccount.objects.get(case=case)
        assert account.reference == references.make(
            world.court.code, case.year, case.type_code, case.sequence
        )
        assert LedgerAccount.objects.filter(case=case, kind=AccountKind.CASE).exists()
    assert queries.recovered(ids[1]) == Decimal("500.00") and queries.balance(ids[1]) == 0
    assert Entry.objects.filter(journal__case_id=ids[1]).count() == 2
    assert Journal.objects.filter(case_id__in=ids).count() == 1


def test_the_demos_bulk_load_opens_every_case_account(db):
    """The loader announces no `case.filed`; it opens the ledger in bulk (funds/bulk.py)."""
    from enforcelink.demo.loader import load

    load(cases=40, seed=7)
    assert not Case.objects.filter(fund_account__isnull=True).exists()
    with_history = Case.objects.filter(recovered_amount__gt=0)
    for case in with_history[:5]:
        assert queries.recovered(case) == case.recovered_amount
    call_command("funds", "verify", stdout=StringIO(), stderr=StringIO())
