"""The case page's payouts card (`cases.panels`, after the 执行款 card): the case's payouts and what
waits on them, "close as 执行完毕" once what is owed is paid (R-FUND-04, R-CASE-05: the existing
closure form with the mode chosen), and links to the case's ledger, where the fund clerk books a
payment and the officer proposes a payout."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from enforcelink.cases.models import Case
from enforcelink.cases.panels import Panel
from enforcelink.funds import queries
from enforcelink.funds.payouts import PENDING
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can

ORDER = 41  # right after the 执行款 card (40)


def payouts_panel(case: Case, actor: User) -> Panel | None:
    """Two queries: the case's payouts (what is pending added up here), and its receipts for whether
    what is owed is paid (an open case only)."""
    if not can(actor, Action.READ_COURT_RECORDS, case):
        return None
    payouts = list(case.payouts.order_by("-proposed_at", "-pk"))
    standing = queries.standing(case, timezone.localdate()) if not case.is_closed else None
    context = {
        "payouts": payouts[:10],
        "pending": sum((p.amount for p in payouts if p.status in PENDING), Decimal("0.00")),
        "met": bool(standing and standing.met),
        "may_close": can(actor, Action.CLOSE, case) and not case.is_closed,
        "close_url": reverse("case-detail", args=[case.pk]) + "?close=fully_performed#action-close",
        "ledger_url": reverse("case-funds", args=[case.pk]),
        "may_book": can(actor, Action.BOOK_FUNDS, case),
        # Money held never gets stuck because the case was closed (R-FUND-02, R-FUND-04).
        "may_propose": can(actor, Action.PROPOSE_PAYOUT, case),
    }
    return Panel("funds-payouts", "funds/_payouts_panel.html", ORDER, context)
