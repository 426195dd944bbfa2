"""执行到位金额 comes from the case-fund ledger (R-FUND-03: "read from the ledger and nowhere else").

Cases sits below funds (tests/core/test_layering.py) yet its closure check (R-CASE-05 执行完毕), its
serializer and pages, and its import need the ledger's figure. As with `cases.panels`, funds fills
this registry in its `AppConfig.ready()`:

- `recovered(case)` / `recovered_many(ids)`: the ledger's 执行到位金额;
- `obligation_met(case)`: whether the ledger says nothing is owed any more (R-FUND-04: its standing
  today, doubled interest included), so closure refuses 终本 for a case that was paid (R-CASE-05);
- `record_opening(case, amount, value_on, actor)`: the import's history — what the old system says
  was recovered — opens the case's ledger with an `opening` journal.

Without a provider (funds not installed) nothing was ever recovered through the platform: the
figures are 0, no obligation is met through it, and the import refuses an amount it could not book
(`LEDGER_MISSING`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from enforcelink.core.errors import RuleViolation

ZERO = Decimal("0.00")
_recovered: Callable[[Any], Decimal] | None = None
_recovered_many: Callable[[list[int]], dict[int, Decimal]] | None = None
_opening: Callable[..., Any] | None = None
_obligation_met: Callable[[Any], bool] | None = None


def register(
    *,
    recovered: Callable[[Any], Decimal],
    recovered_many: Callable[[list[int]], dict[int, Decimal]],
    record_opening: Callable[..., Any],
    obligation_met: Callable[[Any], bool],
) -> None:
    global _recovered, _recovered_many, _opening, _obligation_met
    _recovered, _recovered_many, _opening = recovered, recovered_many, record_opening
    _obligation_met = obligation_met


def recovered(case: Any) -> Decimal:
    """执行到位金额 of the case (a Case or its id)."""
    return _recovered(case) if _recovered is not None else ZERO


def recovered_many(case_ids: list[int]) -> dict[int, Decimal]:
    if _recovered_many is None:
        return dict.fromkeys(case_ids, ZERO)
    return _recovered_many(case_ids)


def obligation_met(case: Any) -> bool:
    """R-FUND-04: the ledger says the case's money obligation is met today (False for a case
    without one, 行为执行, and without the ledger)."""
    return _obligation_met(case) if _obligation_met is not None else False


def record_opening(case: Any, amount: Decimal, *, value_on: dt.date, actor: Any) -> None:
    """Book what was recovered before the platform (inside the caller's transaction)."""
    if _opening is None:
        raise RuleViolation(
            "LEDGER_MISSING", _("The case-fund ledger is not installed: the recovered amount cannot be kept.")
        )
    _opening(case, amount, value_on=value_on, actor=actor)
