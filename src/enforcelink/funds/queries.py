"""Reads of the case-fund ledger (R-FUND-01, R-FUND-03, R-MONEY-02).

- `balance(case)`: money held for the case now — one row read (the database keeps the running
  balance, funds/guards.py), whatever the length of its history.
- `recovered(case)`: 执行到位金额, money that reached the court for the case (receipts and imported
  history) net of their reversals — one aggregate over the case's journals.
- `standing(case, on)`: what is owed on a day, bucket by bucket, doubled interest to that day
  included (funds/policy.py, R-FUND-03 order of application, R-MONEY-02); `obligation_met(case)`:
  whether nothing is owed today (R-FUND-04).
- `visible_entries`, `account_of`: what the case page's panel and the API list, through `visible_to`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from enforcelink.cases.models import Case
from enforcelink.core import memo
from enforcelink.funds import policy
from enforcelink.funds.models import (
    RECOVERY_KINDS,
    AccountKind,
    CaseAccount,
    Entry,
    Journal,
    JournalKind,
    LedgerAccount,
)

ZERO = Decimal("0.00")


def _case_id(case: Case | int) -> int:
    return case if isinstance(case, int) else int(case.pk)


def balance(case: Case | int) -> Decimal:
    """Money held for the case (its account's credit balance), 0 before any movement."""
    found = (
        LedgerAccount.objects.filter(case_id=_case_id(case), kind=AccountKind.CASE)
        .values_list("balance", flat=True)
        .first()
    )
    return -found if found else ZERO


def _recovery_journals(case_id: int) -> QuerySet[Journal]:
    """The case's receipts and opening history, and the reversals of those."""
    return Journal.objects.filter(case_id=case_id).filter(
        Q(kind__in=RECOVERY_KINDS) | Q(kind=JournalKind.REVERSAL, reverses__kind__in=RECOVERY_KINDS)
    )


def recovered(case: Case | int) -> Decimal:
    """执行到位金额 (R-FUND-03: read from the ledger and nowhere else): receipts and imported history
    net of their reversals."""
    totals = _recovery_journals(_case_id(case)).aggregate(
        received=Sum("amount", filter=Q(kind__in=RECOVERY_KINDS), default=ZERO),
        reversed=Sum("amount", filter=Q(kind=JournalKind.REVERSAL), default=ZERO),
    )
    return Decimal(totals["received"] - totals["reversed"]).quantize(Decimal("0.01"))


def recovered_many(case_ids: list[int]) -> dict[int, Decimal]:
    """`recovered` for many cases in one query (list pages, exports)."""
    rows = (
        Journal.objects.filter(case_id__among=case_ids)
        .filter(Q(kind__in=RECOVERY_KINDS) | Q(kind=JournalKind.REVERSAL, reverses__kind__in=RECOVERY_KINDS))
        .values("case_id")
        .annotate(
            received=Sum("amount", filter=Q(kind__in=RECOVERY_KINDS), default=ZERO),
            reversed=Sum("amount", filter=Q(kind=JournalKind.REVERSAL), default=ZERO),
        )
    )
    found = {
        row["case_id"]: Decimal(row["received"] - row["reversed"]).quantize(Decimal("0.01")) for row in rows
    }
    return {case_id: found.get(case_id, ZERO) for case_id in case_ids}


def payments(case: Case | int, *, without: int | None = None) -> list[policy.Payment]:
    """The case's receipts (and imported history) that stand — not reversed — as the policy's
    payments, by value date. `without`: a journal id left out (what the standing was before it)."""
    case_id = _case_id(case)
    return list(memo.once(("funds.payments", case_id, without), lambda: _payments(case_id, without)))


def _payments(case_id: int, without: int | None) -> list[policy.Payment]:
    found = Journal.objects.filter(case_id=case_id, kind__in=RECOVERY_KINDS, reversed_by__isnull=True)
    if without is not None:
        found = found.exclude(pk=without)
    rows = found.order_by("value_on", "pk").values_list("value_on", "amount", "reference")
    return [policy.Payment(on, amount, reference) for on, amount, reference in rows]


def standing(
    case: Case, on: dt.date, *, without: int | None = None, paid: list[policy.Payment] | None = None
) -> policy.Standing | None:
    """What is owed and paid on `on` (R-FUND-03 order, R-MONEY-02 doubled interest from the day after
    `Case.performance_due_on`; without that day the doubled interest is not computed and the trace
    says so). None for a case with no money obligation (行为执行). `paid`: the case's `payments`,
    when the caller has read them already."""
    if not case.is_money_case:
        return None
    obligation = policy.Obligation(principal=case.principal, interest=case.interest, costs=case.costs)
    delay_from = policy.delay_start(case.performance_due_on) if case.performance_due_on else None
    receipts = paid if paid is not None else payments(case, without=without)
    return policy.apply_payments(obligation, delay_from, receipts, on)


def obligation_met(case: Case | int) -> bool:
    """R-FUND-04: nothing is owed on the case today (`standing(...).met`); False for a case with no
    money obligation. What `cases.money.obligation_met` answers (closure refuses 终本, R-CASE-05)."""
    found = case if isinstance(case, Case) else Case.objects.get(pk=case)
    now = standing(found, timezone.localdate())
    return bool(now is not None and now.met)


def account_of(user: Any, case: Case) -> CaseAccount | None:
    """The case's 一案一账号 as this reader sees it, with its balance (`held`, yuan held for the case):
    one query."""
    held = LedgerAccount.objects.filter(case_id=OuterRef("case_id"), kind=AccountKind.CASE).values("balance")[
        :1
    ]
    return CaseAccount.objects.visible_to(user).filter(case_id=case.pk).annotate(held=-Subquery(held)).first()


def visible_entries(user: Any, case: Case) -> QuerySet[Entry]:
    """The legs on the case's own account, newest first, with their journals (what moved, when, why)
    and whether each journal was reversed since (`undone`)."""
    return (
        Entry.objects.visible_to(user)
        .filter(case_id=case.pk, account__kind=AccountKind.CASE)
        .select_related("journal", "journal__reverses")
        .annotate(undone=Exists(Journal.objects.filter(reverses_id=OuterRef("journal_id"))))
        .order_by("-journal__created_at", "-journal_id", "-id")
    )
