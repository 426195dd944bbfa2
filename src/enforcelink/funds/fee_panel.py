"""The application fee's section of a case's ledger page (funds/fees.py, R-FUND-03): what is owed —
by the scale or as the court decided, and why — paid, collected by the court and still held for it
in the case's account; the officer's decision form and the fund clerk's collection."""

from __future__ import annotations

from typing import Any

from enforcelink.cases.models import Case
from enforcelink.funds import policy, queries
from enforcelink.funds.forms import FeeForm
from enforcelink.funds.models import FeeDecision
from enforcelink.orgs.permissions import Action, can


def fee_context(user: Any, case: Case, standing: policy.Standing | None, form: FeeForm | None = None) -> dict[str, Any] | None:  # fmt: skip
    """None for a case with no money obligation (no fee on its ledger). Two queries: the fee's
    collections and the court's decisions (the newest five; the first is in force)."""
    found = queries.fee_of(case, standing)
    if found is None:
        return None
    return {
        "fee": found,
        "decisions": list(FeeDecision.objects.filter(case_id=case.pk).order_by("-pk")[:5]),
        "may_decide": can(user, Action.PROPOSE_PAYOUT, case) and not case.is_closed,
        "may_collect": can(user, Action.BOOK_FUNDS, case) and found.held > 0,
        "form": form or FeeForm(prefix="fee"),
    }
