"""The case page's 执行款 panel (issue 15 §11, `cases.panels`): the case's 一案一账号 to print or tell a
payer, the money held for it, 执行到位金额, what is still owed (R-MONEY-02, doubled interest to today
included, or why it is not computed) and the last movements of its account."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from enforcelink.cases.models import Case
from enforcelink.cases.panels import Panel
from enforcelink.funds import bookers, correcting, queries, references
from enforcelink.funds.models import Entry
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can

ORDER = 40  # after the documents (10), the requests (20) and the property (30)
LAST = 10  # the last movements shown; the API lists them all


@dataclass(frozen=True)
class Movement:
    entry: Entry
    received: Decimal | None  # money in for the case (a credit of its account)
    paid: Decimal | None  # money out of it (a debit)
    reversed: bool  # this movement's journal was reversed later


def movements(actor: User, case: Case, limit: int = LAST) -> list[Movement]:
    """The last movements, each journal's booker in words (`bookers`: one query for its people)."""
    rows = [
        Movement(
            entry,
            -entry.amount if entry.amount < 0 else None,
            entry.amount if entry.amount > 0 else None,
            entry.undone,  # type: ignore[attr-defined]
        )
        for entry in queries.visible_entries(actor, case)[:limit]
    ]
    bookers.named(row.entry.journal for row in rows)
    return rows


def funds_panel(case: Case, actor: User) -> Panel | None:
    """None for a reader who may not see the case's ledger (its account's `visible_to`), or for a case
    without an account yet (bulk-loaded after the ledger's migration: `enforcelink funds open-accounts`).
    Three queries: the account with its balance, the receipts (执行到位金额 and the standing), the
    last movements."""
    account = queries.account_of(actor, case)
    if account is None:
        return None
    today = timezone.localdate()
    paid = queries.payments(case)
    rows = movements(actor, case)
    may_book = can(actor, Action.BOOK_FUNDS, case)
    context = {
        "reference": references.grouped(account.reference),
        "balance": account.held or Decimal("0.00"),  # type: ignore[attr-defined]
        "recovered": sum((payment.amount for payment in paid), Decimal("0.00")),
        "standing": queries.standing(case, today, paid=paid),
        "today": today,
        "movements": rows,
        "may_book": may_book,
        # R-FUND-03: the movements the fund clerk may correct by a reversal (funds.correcting).
        "reversible": correcting.reversible_ids(
            (row.entry.journal for row in rows),
            reversed_ids=[row.entry.journal_id for row in rows if row.reversed],
        )
        if may_book
        else set(),
    }
    return Panel("funds", "funds/_case_panel.html", ORDER, context)
