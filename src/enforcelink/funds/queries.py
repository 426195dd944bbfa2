"""Reads of the case-fund ledger (R-FUND-01, R-FUND-03, R-MONEY-02).

- `balance(case)`: money held for the case now — one row read (the database keeps the running
  balance, funds/guards.py), whatever the length of its history.
- `recovered(case)`: 执行到位金额, money that reached the court for the case (receipts and imported
  history) net of their reversals — one aggregate over the case's journals.
- `standing(case, on)`: what is owed on a day, bucket by bucket — the application fee first, then
  what the basis fixed, doubled interest to that day included (funds/policy.py, R-FUND-03 order of
  application, R-MONEY-02); `obligation_met(case)`: whether nothing is owed today, the fee included
  (R-FUND-04).
- `fee_of(case)`: the application fee (申请执行费) owed, paid, collected by the court and still held
  in the case's account — the court's share of that balance, which no payout may take
  (`fee_held`); `fee_decided(case)`: the court's decision in force on it, if any.
- `visible_entries`, `account_of`: what the case page's panel and the API list, through `visible_to`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from enforcelink.cases.models import Case
from enforcelink.core import memo
from enforcelink.core.money import CENT
from enforcelink.funds import policy
from enforcelink.funds.models import (
    RECOVERY_KINDS,
    AccountKind,
    CaseAccount,
    Entry,
    FeeDecision,
    Journal,
    JournalKind,
    LedgerAccount,
)

ZERO = Decimal("0.00")
_UNREAD: Any = object()  # `standing`'s fee decision, not read by the caller


def _case_id(case: Case | int) -> int:
    return case if isinstance(case, int) else int(case.pk)


_BALANCE_SQL = "SELECT balance FROM {table} WHERE case_id = %s AND kind = %s"


def balance(case: Case | int) -> Decimal:
    """Money held for the case (its account's credit balance), 0 before any movement: one row by the
    (case, kind) index, read with a fixed statement. Building the ORM query cost 0.5 ms of a 0.78 ms
    read (`enforcelink bench funds`), and this is read on every case page and API answer."""
    table = connection.ops.quote_name(LedgerAccount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_BALANCE_SQL.format(table=table), [_case_id(case), str(AccountKind.CASE)])
        row = cursor.fetchone()
    if not row or row[0] is None:
        return ZERO
    found = row[0] if isinstance(row[0], Decimal) else Decimal(str(row[0]))  # SQLite: a number
    return -found.quantize(CENT) if found else ZERO


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
    rows = found.order_by("value_on", "pk").values_list("value_on", "amount", "reference", "kind")
    # Imported history was received and paid on in the old system: it pays, it is not held.
    return [
        policy.Payment(on, amount, reference, held=kind != JournalKind.OPENING)
        for on, amount, reference, kind in rows
    ]


def fee_decided(case: Case | int) -> FeeDecision | None:
    """The court's decision in force on the case's application fee (the newest), None: the scale's."""
    case_id = _case_id(case)
    return memo.once(
        ("funds.fee_decided", case_id),
        lambda: FeeDecision.objects.filter(case_id=case_id).order_by("-pk").first(),
    )


def fee_decided_many(case_ids: list[int]) -> dict[int, FeeDecision]:
    """`fee_decided` for many cases in one query (the cases without a decision are left out)."""
    found: dict[int, FeeDecision] = {}
    for decision in FeeDecision.objects.filter(case_id__among=case_ids).order_by("case_id", "-pk"):
        found.setdefault(decision.case_id, decision)
    return found


def obligation_of(case: Case, decision: FeeDecision | None) -> policy.Obligation:
    """What the case owes on its ledger: the amounts the basis fixed, and the application fee — the
    scale's on those amounts, or the court's `decision` (never above the scale)."""
    fixed = case.principal + case.interest + case.costs
    decided = decision.amount if decision is not None else None
    return policy.Obligation(
        principal=case.principal,
        interest=case.interest,
        costs=case.costs,
        fee=policy.fee_owed(fixed, decided),
        fee_decided=decided is not None,
    )


def standing(
    case: Case,
    on: dt.date,
    *,
    without: int | None = None,
    paid: list[policy.Payment] | None = None,
    decision: FeeDecision | None = _UNREAD,
) -> policy.Standing | None:
    """What is owed and paid on `on` (R-FUND-03 order, the application fee first; R-MONEY-02 doubled
    interest from the day after `Case.performance_due_on`; without that day the doubled interest is
    not computed and the trace says so). None for a case with no money obligation (行为执行), which
    owes no fee on the ledger either. `paid`: the case's `payments`, `decision`: its `fee_decided`,
    when the caller has read them already (a statement's cases: `fee_decided_many`)."""
    if not case.is_money_case:
        return None
    found = fee_decided(case) if decision is _UNREAD else decision
    delay_from = policy.delay_start(case.performance_due_on) if case.performance_due_on else None
    receipts = paid if paid is not None else payments(case, without=without)
    return policy.apply_payments(obligation_of(case, found), delay_from, receipts, on)


@dataclass(frozen=True)
class Fee:
    """The application fee (申请执行费) on a case's ledger: `owed` (the scale's or the court's
    decision, `decision`), `paid` into it by what was received (R-FUND-03, first), `collected` by the
    court into its fee income (`fee_collected` journals net of reversals), and `held`: paid into the
    case's account and not collected yet — the court's share of the account's balance, which no
    payout to the applicant or the debtor may take."""

    owed: Decimal
    paid: Decimal
    collected: Decimal
    held: Decimal
    scale: Decimal
    decision: FeeDecision | None

    @property
    def outstanding(self) -> Decimal:
        return self.owed - self.paid


def fee_collected(case: Case | int) -> Decimal:
    """The fee moved from the case's account to the court's fee income, net of reversals."""
    case_id = _case_id(case)

    def read() -> Decimal:
        total = Journal.objects.filter(
            case_id=case_id, kind=JournalKind.FEE_COLLECTED, reversed_by__isnull=True
        ).aggregate(total=Sum("amount", default=ZERO))["total"]
        return Decimal(total).quantize(Decimal("0.01"))

    return memo.once(("funds.fee_collected", case_id), read)


def fee_of(case: Case, now: policy.Standing | None = None) -> Fee | None:
    """The case's application fee today (`now`: its standing, when the caller has it). None for a
    case with no money obligation."""
    if not case.is_money_case:
        return None
    decision = fee_decided(case)
    now = now if now is not None else standing(case, timezone.localdate(), decision=decision)
    if now is None:
        return None
    collected = fee_collected(case)
    return Fee(
        owed=now.fee.owed,
        paid=now.fee.paid,
        collected=collected,
        held=max(now.fee_paid_held - collected, ZERO),
        scale=policy.enforcement_fee(case.principal + case.interest + case.costs),
        decision=decision,
    )


def fee_held(case: Case, now: policy.Standing | None = None) -> Decimal:
    """The court's share of what the case's account holds: the fee paid in, not collected yet."""
    found = fee_of(case, now)
    return found.held if found is not None else ZERO


def fee_held_many(cases: list[Case], on: dt.date) -> dict[int, Decimal]:
    """`fee_held` for many cases (a desk list): their receipts, fee decisions and collections in one
    query each, the standing computed per case from them. Cases holding no fee are left out."""
    money = [case for case in cases if case.is_money_case]
    if not money:
        return {}
    ids = [case.pk for case in money]
    paid: dict[int, list[policy.Payment]] = {pk: [] for pk in ids}
    rows = (
        Journal.objects.filter(case_id__among=ids, kind__in=RECOVERY_KINDS, reversed_by__isnull=True)
        .order_by("case_id", "value_on", "pk")
        .values_list("case_id", "value_on", "amount", "reference", "kind")
    )
    for case_id, value_on, amount, reference, kind in rows:  # as `payments` reads them
        paid[case_id].append(policy.Payment(value_on, amount, reference, held=kind != JournalKind.OPENING))
    decided = fee_decided_many(ids)
    collected = dict(
        Journal.objects.filter(case_id__among=ids, kind=JournalKind.FEE_COLLECTED, reversed_by__isnull=True)
        .values("case_id")
        .annotate(total=Sum("amount"))
        .values_list("case_id", "total")
    )
    found: dict[int, Decimal] = {}
    for case in money:
        now = standing(case, on, paid=paid[case.pk], decision=decided.get(case.pk))
        if now is None:
            continue
        held = max(now.fee_paid_held - (collected.get(case.pk) or ZERO), ZERO)
        if held > 0:
            found[case.pk] = held
    return found


def obligation_met(case: Case | int) -> bool:
    """R-FUND-04: nothing is owed on the case today, the application fee included
    (`standing(...).met`); False for a case with no
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
