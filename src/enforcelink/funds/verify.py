"""Re-adding the ledger from its entries (`enforcelink funds verify`, R-FUND-03), page by page of pk
so that a million entries never sit in memory: each page is one aggregate query."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from enforcelink.funds import guards
from enforcelink.funds.models import Entry, Journal, LedgerAccount

PAGE = 5000
ZERO = Decimal("0.00")
Progress = Callable[[int], Any]


@dataclass(frozen=True)
class Counts:
    journals: int
    accounts: int


@dataclass(frozen=True)
class Problem:
    text: str

    def __str__(self) -> str:
        return self.text


def counts() -> Counts:
    return Counts(Journal.objects.count(), LedgerAccount.objects.count())


def guards_missing(connection: Any) -> list[str]:
    return guards.missing(connection)


def _pages(model: Any) -> Iterator[list[int]]:
    after = 0
    while True:
        page = list(model.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:PAGE])
        if not page:
            return
        yield page
        after = page[-1]


def journals(progress: Progress = lambda n: None) -> Iterator[Problem]:
    """Journals whose legs do not number `leg_count`, sum to 0, or debit `amount`."""
    for page in _pages(Journal):
        rows = (
            Journal.objects.filter(pk__in=page)
            .annotate(
                legs=Count("entries"),
                total=Sum("entries__amount", default=ZERO),
                debits=Sum("entries__amount", filter=Q(entries__amount__gt=0), default=ZERO),
            )
            .values_list("pk", "leg_count", "amount", "legs", "total", "debits")
        )
        for pk, declared, amount, legs, total, debits in rows:
            if (
                legs != declared
                or Decimal(total).quantize(ZERO) != 0
                or Decimal(debits).quantize(ZERO) != amount
            ):
                yield Problem(
                    _("journal #%(id)s: %(legs)d of %(declared)d legs, summing to %(total)s, debits %(debits)s of %(amount)s")
                    % {"id": pk, "legs": legs, "declared": declared, "total": Decimal(total).quantize(ZERO),
                       "debits": Decimal(debits).quantize(ZERO), "amount": amount}
                )  # fmt: skip
        progress(len(page))


def balances(progress: Progress = lambda n: None) -> Iterator[Problem]:
    """Accounts whose running balance is not the sum of their entries."""
    for page in _pages(LedgerAccount):
        sums = dict(
            Entry.objects.filter(account_id__in=page)
            .values("account_id")
            .annotate(total=Sum("amount"))
            .values_list("account_id", "total")
        )
        for pk, kept in LedgerAccount.objects.filter(pk__in=page).values_list("pk", "balance"):
            added = Decimal(sums.get(pk) or 0).quantize(ZERO)
            if kept != added:
                yield Problem(
                    _("account #%(id)s: balance %(kept)s, its entries add up to %(added)s")
                    % {"id": pk, "kept": kept, "added": added}
                )
        progress(len(page))
