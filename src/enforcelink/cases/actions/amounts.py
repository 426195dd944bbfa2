"""Correcting what a case's basis fixed — principal, general interest, costs — after filing: a ruling
that corrects the basis (补正裁定), the applicant withdrawing part of the application (部分撤回执行
申请), a figure mistyped at filing. What is owed is read from these figures by the case-fund ledger
(R-FUND-03, R-MONEY-02) and so by the R-ASSET-03 budget: the correction announces
`case.amount_changed`, and assets releases at once whatever its controls then hold beyond the budget
(an unfreeze or release for exactly the excess, in this transaction), as when a payment lands.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from enforcelink.cases import policy
from enforcelink.cases.actions.access import ensure_open, staff_case
from enforcelink.cases.models import Case
from enforcelink.core import audit, events
from enforcelink.core.errors import DomainError, ErrorList, InvalidInput, RuleViolation
from enforcelink.core.money import parse_amount
from enforcelink.orgs.permissions import Action, Actor

AMOUNTS = ("principal", "interest", "costs")
REASON_MAX = 300


def _cleaned(values: dict[str, Any]) -> dict[str, Decimal]:
    """R-MONEY-01: each amount ≥ 0 with at most two decimals; every error at once, by field."""
    errors: list[DomainError] = []
    found: dict[str, Decimal] = {}
    for name in AMOUNTS:
        try:
            found[name] = parse_amount(
                values[name] if values[name] not in (None, "") else "0", field_name=name
            )
        except DomainError as error:
            errors.append(error)
    if errors:
        raise ErrorList(errors)
    return found


def case_amounts_correct(
    case: Case, *, principal: Any, interest: Any = "0", costs: Any = "0", reason: str, actor: Actor
) -> Case:
    """Set the amounts the basis fixed, with the reason, on an open money case (anyone who may write
    on the case; anyone else: not found). The trail keeps the old and new figures; `case.amount_changed`
    is announced last, inside the transaction, with the case locked."""
    amounts = _cleaned({"principal": principal, "interest": interest, "costs": costs})
    text = policy.require_text(
        reason, field="reason", code="REASON_REQUIRED", message=_("Give the reason for the correction."),
        max_length=REASON_MAX,
    )  # fmt: skip
    with transaction.atomic():
        locked = staff_case(case, actor, Action.WRITE)
        ensure_open(locked)
        if not locked.is_money_case:
            raise RuleViolation("NOT_MONEY_CASE", _("This case has no money obligation to correct."))
        before = {name: getattr(locked, name) for name in AMOUNTS}
        if before == amounts:
            raise InvalidInput("AMOUNTS_UNCHANGED", _("These are the amounts the case already has."), field="principal")  # fmt: skip
        for name, value in amounts.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(AMOUNTS))
        audit.record(
            "case.amounts_corrected", locked, actor=actor, case_id=locked.pk, court_id=locked.court_id,
            before=before, after={**amounts, "reason": text},
        )  # fmt: skip
        events.announce(
            "case.amount_changed", case_id=locked.pk, court_id=locked.court_id, before=before, after=amounts,
            reason=text, actor=actor,
        )  # fmt: skip
    return locked
