"""Opening the ledger for cases written in bulk, without `case.filed` (the demo's loader, a restore):
each gets its 一案一账号 and case account (R-FUND-01), and the recovered amount the bulk data gives
(`Case.recovered_amount`, the old system's figure) an `opening` journal (R-FUND-03), as migration
funds 0003 did for the cases before the ledger. Pages of 2,000 cases by pk, a few bulk inserts a
page; cases that have an account are left alone, so running it again opens nothing twice."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from enforcelink.cases.models import Case
from enforcelink.funds import references
from enforcelink.funds.models import (
    OPENING_MEMO,
    AccountKind,
    CaseAccount,
    Entry,
    Journal,
    JournalKind,
    LedgerAccount,
)

PAGE = 2000
ACTOR = "cli:funds-open-accounts"
MEMO = OPENING_MEMO  # translated when shown (Journal.shown_memo)


def missing() -> int:
    return Case.objects.filter(fund_account__isnull=True).count()


def open_missing(progress: Callable[[int], Any] | None = None) -> int:
    """Open every case without an account; returns how many were opened."""
    opened, after = 0, 0
    while True:
        with transaction.atomic():
            page = list(
                Case.objects.filter(pk__gt=after, fund_account__isnull=True)
                .order_by("pk")
                .values("pk", "court_id", "court__code", "year", "type_code", "sequence", "recovered_amount",
                        "closed_on", "filed_on")[:PAGE]
            )  # fmt: skip
            if not page:
                return opened
            after = page[-1]["pk"]
            _open_page(page)
        opened += len(page)
        if progress is not None:
            progress(len(page))


def _open_page(page: Sequence[Mapping[str, Any]]) -> None:
    courts = sorted({row["court_id"] for row in page})
    LedgerAccount.objects.bulk_create(
        [
            LedgerAccount(court_id=c, kind=k)
            for c in courts
            for k in (AccountKind.CUSTODY, AccountKind.UNIDENTIFIED)
        ],
        ignore_conflicts=True,
    )
    CaseAccount.objects.bulk_create(
        [
            CaseAccount(
                case_id=row["pk"],
                reference=references.make(row["court__code"], row["year"], row["type_code"], row["sequence"]),
            )
            for row in page
        ]
    )
    accounts = LedgerAccount.objects.bulk_create(
        [LedgerAccount(court_id=row["court_id"], kind=AccountKind.CASE, case_id=row["pk"]) for row in page]
    )
    own = {account.case_id: account.pk for account in accounts}
    recovered = [row for row in page if (row["recovered_amount"] or Decimal(0)) > 0]
    if not recovered:
        return
    journals = Journal.objects.bulk_create(
        [
            Journal(
                court_id=row["court_id"], case_id=row["pk"], kind=JournalKind.OPENING,
                value_on=row["closed_on"] or row["filed_on"], amount=row["recovered_amount"], memo=MEMO,
                created_by=ACTOR, leg_count=2,
            )
            for row in recovered
        ]
    )  # fmt: skip
    Entry.objects.bulk_create(
        [
            Entry(journal_id=journal.pk, account_id=own[row["pk"]], case_id=row["pk"], amount=amount)
            for row, journal in zip(recovered, journals, strict=True)
            for amount in (-row["recovered_amount"], row["recovered_amount"])
        ]
    )
