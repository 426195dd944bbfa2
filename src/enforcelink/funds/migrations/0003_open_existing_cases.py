"""Every case filed before the ledger gets its 一案一账号 (R-FUND-01) and its case account; a case
whose recovered amount came from the old system (`Case.recovered_amount`, set by the import or the
demo's bulk load) gets an `opening` journal for it, so 执行到位金额 is read from the ledger from now
on (R-FUND-03). Cases are read by pk in pages of 2,000 and written with a few bulk inserts a page,
so a million cases is 500 rounds of small statements, never one giant one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import migrations

from enforcelink.funds import references

PAGE = 2000
ACTOR = "migration:funds.0003"


def _court_accounts(LedgerAccount: Any, court_ids: set[int]) -> None:
    LedgerAccount.objects.bulk_create(
        [
            LedgerAccount(court_id=court_id, kind=kind, case_id=None)
            for court_id in sorted(court_ids)
            for kind in ("custody", "unidentified")
        ],
        ignore_conflicts=True,
    )


def open_accounts(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("cases", "Case")
    CaseAccount = apps.get_model("funds", "CaseAccount")
    LedgerAccount = apps.get_model("funds", "LedgerAccount")
    Journal = apps.get_model("funds", "Journal")
    Entry = apps.get_model("funds", "Entry")
    after = 0
    while True:
        page = list(
            Case.objects.filter(pk__gt=after, fund_account__isnull=True)
            .order_by("pk")
            .values("pk", "court_id", "court__code", "year", "type_code", "sequence", "recovered_amount",
                    "closed_on", "filed_on")[:PAGE]
        )  # fmt: skip
        if not page:
            return
        after = page[-1]["pk"]
        _court_accounts(LedgerAccount, {row["court_id"] for row in page})
        CaseAccount.objects.bulk_create(
            [
                CaseAccount(
                    case_id=row["pk"],
                    reference=references.make(
                        row["court__code"], row["year"], row["type_code"], row["sequence"]
                    ),
                )
                for row in page
            ]
        )
        LedgerAccount.objects.bulk_create(
            [LedgerAccount(court_id=row["court_id"], kind="case", case_id=row["pk"]) for row in page]
        )
        recovered = [row for row in page if (row["recovered_amount"] or Decimal(0)) > 0]
        if not recovered:
            continue
        accounts = dict(
            LedgerAccount.objects.filter(
                case_id__in=[row["pk"] for row in recovered], kind="case"
            ).values_list("case_id", "pk")
        )
        journals = Journal.objects.bulk_create(
            [
                Journal(
                    court_id=row["court_id"],
                    case_id=row["pk"],
                    kind="opening",
                    value_on=row["closed_on"] or row["filed_on"],
                    amount=row["recovered_amount"],
                    memo="执行到位金额 before the ledger (received and paid out in the old system)",
                    created_by=ACTOR,
                    leg_count=2,
                )
                for row in recovered
            ]
        )
        Entry.objects.bulk_create(
            [
                entry
                for row, journal in zip(recovered, journals, strict=True)
                for entry in (
                    Entry(journal_id=journal.pk, account_id=accounts[row["pk"]], case_id=row["pk"],
                          amount=-row["recovered_amount"]),
                    Entry(journal_id=journal.pk, account_id=accounts[row["pk"]], case_id=row["pk"],
                          amount=row["recovered_amount"]),
                )
            ]
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_guards"), ("cases", "0011_party_id_covering")]

    operations = [migrations.RunPython(open_accounts, migrations.RunPython.noop, elidable=True)]
