"""Correcting a booked movement from the fund desk (R-FUND-03: a mistake is corrected by a reversing
entry with a reason), for the case's ledger page and `POST /api/v1/funds/journals/<id>/reversal/`.

Which journals the desk reverses, and how, so that the ledger and the records beside it stay in step:

- a receipt (a deduction a bank confirmed, a voluntary payment, a statement line, auction proceeds)
  or the application fee collected: reversed as it stands (`actions.journal_reverse`; the fee's
  share is then held in the case's account again, `funds.fees`);
- a payout or a surplus return recorded as paid: the payout is recorded as returned, which reverses
  its journal (`paying.payout_returned`): the payout leaves "paid" and the money is the case's again;
- anything else is refused (`JOURNAL_NOT_REVERSIBLE`): money assigned from the 不明款 queue or
  returned to its payer and lodged money belong to their queue or payout, whose record a bare
  reversal would leave behind; the imported history (`opening`)
  is not reversed here either, as nothing could book the right figure again; a reversal is never
  reversed (book the movement again).

A reversal announces no event: what is owed is read from the ledger each time (the assets budget,
`assets.control.budget`, reads `funds.queries.standing`), so a reversed receipt raises the budget and
the standing without being told; `obligation.met` is announced again by the next receipt that meets
the obligation a reversal reopened (`actions._announce_if_met`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases.models import Case
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.text import clean_text
from enforcelink.funds import actions, paying, queries
from enforcelink.funds.models import RECEIPT_KINDS, RECOVERY_KINDS, AccountKind, Journal, JournalKind
from enforcelink.funds.payouts import Payout, PayoutStatus
from enforcelink.orgs.permissions import Action, can

# Reversed as they stand (a fee collected in error goes back to the case's account: funds.fees).
DIRECT = frozenset({*RECEIPT_KINDS, JournalKind.FEE_COLLECTED})
# Reversed by recording their payout as returned (paying.payout_returned).
PAID_OUT = frozenset({JournalKind.PAYOUT, JournalKind.RETURN_TO_DEBTOR})


def _reason(value: Any) -> str:
    reason = clean_text(str(value or "").strip(), field="reason", max_length=actions.MEMO_MAX)
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("Give the reason for the reversal."), field="reason")
    return reason


def _paid_payout(journal: Journal) -> Payout | None:
    return Payout.objects.filter(paid_journal_id=journal.pk, status=PayoutStatus.PAID).first()


def check_reversible(journal: Journal) -> Payout | None:
    """Refuses what the desk does not reverse, with its code; answers the payout a paid-out journal
    belongs to (None for a receipt). Checked again under the locks by the action
    that reverses."""
    if journal.kind == JournalKind.REVERSAL:
        raise RuleViolation(
            "REVERSAL_OF_REVERSAL",
            _("A reversal is not reversed: book the movement again if it did happen."),
            field="journal",
        )
    if Journal.objects.filter(reverses_id=journal.pk).exists():
        raise RuleViolation("ALREADY_REVERSED", _("This journal has already been reversed."), field="journal")
    payout = _paid_payout(journal) if journal.kind in PAID_OUT else None
    if journal.kind not in DIRECT and payout is None:
        raise RuleViolation(
            "JOURNAL_NOT_REVERSIBLE",
            _(
                "“%(kind)s” is not reversed here: only receipts and payouts recorded as paid are. "
                "Unidentified money and lodged money are corrected where they were booked."
            )
            % {"kind": journal.get_kind_display()},
            field="journal",
        )
    return payout


def journal_correct(journal: Journal | int, *, reason: Any, actor: Any) -> Journal:
    """R-FUND-03: reverse `journal` with `reason` the way its kind is reversed (module docstring);
    answers the reversing journal. Another court's journal, or one the actor may not book, is the
    same `NotFound` as a missing one. Nothing is written when anything is refused."""
    reason = _reason(reason)
    pk = journal if isinstance(journal, int) else journal.pk
    found = Journal.objects.select_related("case").filter(pk=pk).first()
    if found is None or not can(actor, Action.BOOK_FUNDS, found):
        raise NotFound()
    payout = check_reversible(found)
    if payout is not None:
        return paying.payout_returned(payout, reason=reason, actor=actor)
    return actions.journal_reverse(found, reason=reason, actor=actor)


def reversible_ids(journals: Iterable[Journal], *, reversed_ids: Iterable[int] = ()) -> set[int]:
    """The journals among `journals` the desk offers to reverse (one query, for the paid-out ones):
    a list page marks them without asking each. `reversed_ids`: those reversed already."""
    done = set(reversed_ids)
    rows = [
        journal for journal in journals if journal.pk not in done and journal.kind != JournalKind.REVERSAL
    ]
    paid_out = [journal.pk for journal in rows if journal.kind in PAID_OUT]
    paid = (
        set(
            Payout.objects.filter(paid_journal_id__in=paid_out, status=PayoutStatus.PAID).values_list(
                "paid_journal_id", flat=True
            )
        )
        if paid_out
        else set()
    )
    return {journal.pk for journal in rows if journal.kind in DIRECT or journal.pk in paid}


@dataclass(frozen=True)
class Effect:
    """What reversing a journal would change on its case, for the confirmation step."""

    held: Decimal
    held_after: Decimal
    recovered: Decimal
    recovered_after: Decimal
    owed: Decimal | None  # what the debtor still owes today; None for a case without money owed
    owed_after: Decimal | None
    payout: Payout | None


def effect(journal: Journal, case: Case) -> Effect:
    """The case's figures now and once `journal` is reversed: the money held for it (each leg on its
    account turned), 执行到位金额 and what the debtor still owes today (the standing without it)."""
    held = queries.balance(case)
    on_case = sum(
        (leg.amount for leg in journal.entries.filter(account__kind=AccountKind.CASE)), Decimal("0.00")
    )
    recovered = queries.recovered(case)
    undone = journal.amount if journal.kind in RECOVERY_KINDS else Decimal("0.00")
    today = timezone.localdate()
    now = queries.standing(case, today)
    after = queries.standing(case, today, without=journal.pk) if journal.kind in RECOVERY_KINDS else now
    return Effect(
        held=held,
        held_after=held + on_case,
        recovered=recovered,
        recovered_after=recovered - undone,
        owed=now.outstanding if now is not None else None,
        owed_after=after.outstanding if after is not None else None,
        payout=_paid_payout(journal) if journal.kind in PAID_OUT else None,
    )
