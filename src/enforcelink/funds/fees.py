"""The application fee for enforcement (申请执行费) on the case-fund ledger (R-FUND-03, R-FUND-04,
R-ASSET-03): owed by the debtor, paid first out of what is recovered, and the court's money.

- The fee owed is the scale's on the amount the basis fixed (`funds.policy.fee_owed`, 诉讼费用交纳办法
  Art.14(1)); the applicant does not prepay it (Art.20), the debtor bears it (Art.38). The ledger's
  standing owes it first (`funds.queries.standing`), so the R-ASSET-03 budget includes it and the
  obligation is met only once it is paid (R-FUND-04).
- `fee_decide` (officer, team leader: Action.PROPOSE_PAYOUT, who handle the case's money): records the
  court's decision to waive (0), reduce or set the fee otherwise (缓、减、免交, Art.44–51), or to put
  it back to the scale (no amount), with the reason — never above the scale, never below what the
  court has collected already. A lower fee may meet the obligation (`obligation.met`) and shrinks the
  budget (`fee.decided`: assets releases the surplus controls).
- `fee_collect` (fund clerk: Action.BOOK_FUNDS): the fee paid into the case's account and not yet
  collected (`queries.fee_of(case).held`) moves to the court's fee income — a `fee_collected` journal,
  case account → the court's `fee_income` account. Until then that share of the balance is the
  court's: no payout to the applicant nor surplus to the debtor takes it (funds/paying.py). A wrong
  collection is corrected by reversing its journal (`actions.journal_reverse`).

Locks: the case row first, then the ledger accounts by pk, then the audit head (as every ledger write).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases.actions import ensure_open
from enforcelink.cases.models import Case
from enforcelink.core import audit, events
from enforcelink.core.errors import InvalidInput, RuleViolation
from enforcelink.core.money import format_yuan, parse_amount
from enforcelink.core.text import clean_text
from enforcelink.funds import policy, queries
from enforcelink.funds.actions import MEMO_MAX, _accounts_locked, _lock_case, _post, actor_label
from enforcelink.funds.models import AccountKind, FeeDecision, Journal, JournalKind, LedgerAccount
from enforcelink.orgs.permissions import Action, person, require


def _no_fee(case: Case) -> None:
    if not case.is_money_case:
        raise RuleViolation(
            "FEE_NO_MONEY_OBLIGATION",
            _("This case has no money obligation: its ledger owes no application fee."),
            field="amount",
        )


def _decided(amount: Any) -> Decimal | None:
    """The amount the court decided: empty puts the fee back to the scale; 0 waives it."""
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        return None
    return parse_amount(amount, field_name="amount")


def fee_decide(case: Case, *, amount: Any, reason: str, actor: Any) -> FeeDecision:
    """Record the court's decision on the case's application fee (module docstring). Refused: no
    reason (`REASON_REQUIRED`), a closed case (`CASE_CLOSED`), a non-money case, more than the scale gives on the amount fixed
    (`FEE_ABOVE_SCALE`), less than the court collected already (`FEE_BELOW_COLLECTED`: reverse the
    collection first)."""
    decided = _decided(amount)
    reason = clean_text(str(reason or "").strip(), field="reason", max_length=MEMO_MAX)
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("Give the reason for the court's decision on the fee."), field="reason")  # fmt: skip
    require(actor, Action.PROPOSE_PAYOUT, case)
    with transaction.atomic():
        case = _lock_case(case, actor, None)
        ensure_open(case)  # a closed case is read-only: a fee owed again would reopen a 执行完毕 case's debt
        _no_fee(case)
        scale = policy.enforcement_fee(case.principal + case.interest + case.costs)
        if decided is not None and decided > scale:
            raise RuleViolation(
                "FEE_ABOVE_SCALE",
                _(
                    "%(amount)s is more than the scale gives on the amount the basis fixed (%(scale)s): the fee may be waived or reduced, not raised."
                )
                % {"amount": format_yuan(decided), "scale": format_yuan(scale)},
                field="amount",
            )
        collected = queries.fee_collected(case)
        if decided is not None and decided < collected:
            raise RuleViolation(
                "FEE_BELOW_COLLECTED",
                _(
                    "The court has collected %(collected)s of this fee already: reverse that collection before deciding a fee below it."
                )
                % {"collected": format_yuan(collected)},
                field="amount",
            )
        today, paid = timezone.localdate(), queries.payments(case)
        before = queries.standing(case, today, paid=paid)
        decision = FeeDecision.objects.create(
            case=case,
            amount=decided,
            scale=scale,
            reason=reason,
            decided_by=person(actor),
            decided_label=actor_label(actor),
        )
        after = queries.standing(case, today, paid=paid, decision=decision)
        assert before is not None and after is not None  # a money case has a standing
        audit.record("funds.fee_decided", decision, actor=actor, case_id=case.pk, court_id=case.court_id,
                     before={"owed": before.fee.owed},
                     after={"amount": decided, "scale": scale, "owed": after.fee.owed, "reason": reason})  # fmt: skip
        events.announce("fee.decided", case_id=case.pk, court_id=case.court_id, before=before.fee.owed,
                        after=after.fee.owed, actor=actor)  # fmt: skip
        if after.met and not before.met and not case.is_closed:  # R-FUND-04, as a receipt meeting it
            events.announce("obligation.met", case_id=case.pk, court_id=case.court_id, actor=actor)
    return decision


def _fee_account(court_id: int) -> None:
    """The court's fee income account, made by its first collection (a racing first one waits on the
    unique key, then does nothing)."""
    LedgerAccount.objects.bulk_create(
        [LedgerAccount(court_id=court_id, kind=AccountKind.FEE_INCOME)], ignore_conflicts=True
    )


def fee_collect(case: Case, *, actor: Any) -> Journal:
    """The fee held in the case's account goes to the court's fee income (module docstring), at most
    what the account holds; value-dated today. Refused when none of it is held
    (`FEE_NOTHING_HELD`)."""
    with transaction.atomic():
        case = _lock_case(case, actor, Action.BOOK_FUNDS)
        _no_fee(case)
        _fee_account(case.court_id)
        accounts = _accounts_locked(case)
        fee = queries.fee_of(case)
        assert fee is not None  # a money case
        amount = min(fee.held, -accounts[AccountKind.CASE].balance)
        if amount <= 0:
            raise RuleViolation(
                "FEE_NOTHING_HELD",
                _(
                    "The case's account holds none of the application fee to collect: %(paid)s of %(owed)s paid, %(collected)s collected."
                )
                % {
                    "paid": format_yuan(fee.paid),
                    "owed": format_yuan(fee.owed),
                    "collected": format_yuan(fee.collected),
                },
            )
        journal = _post(
            case,
            JournalKind.FEE_COLLECTED,
            timezone.localdate(),
            [(accounts[AccountKind.CASE], amount), (accounts[AccountKind.FEE_INCOME], -amount)],
            actor=actor,
        )
        audit.record("funds.fee_collected", journal, actor=actor, case_id=case.pk, court_id=case.court_id,
                     after={"amount": amount, "owed": fee.owed, "paid": fee.paid,
                            "collected": fee.collected + amount})  # fmt: skip
    return journal
