"""Money going out of a case's account (R-FUND-02, R-FUND-04): payouts from proposal to payment, the
surplus back to the debtor, and the closure proposed when what is owed is paid.

- `payout_propose` (officer, team leader; Action.PROPOSE_PAYOUT): to an applicant of the case, at
  most what the case holds net of the payouts already pending and of the application fee paid in and
  not yet collected (the court's money, funds/fees.py) — beyond it, refused with the figures
  (`PAYOUT_OVER_BALANCE`). The approvers are told.
- `payout_approve` / `payout_refuse` (team leader, president; Action.APPROVE_PAYOUT, four eyes: never
  the proposer; above the court's `payout_president_above`, approved by the president alone,
  `PAYOUT_NEEDS_PRESIDENT`); `payout_cancel` (the proposer's side withdraws it).
- `payout_paid` / `payout_returned` / `payout_lodge` (fund clerk; Action.PAY_OUT): a `payout` (or
  `return_to_debtor`) journal from the case's account out of the custody account; the bank's return
  reverses it (`journal_reverse`, with the reason); lodging (提存) is a `lodge` journal with where
  and why.
- `on_obligation_met` (`obligation.met` listener, R-FUND-04): the officer is told that 执行完毕 can be
  recorded (the case page offers the closure form with that mode), and money beyond everything owed,
  the application fee included, goes on a proposal to return it to the debtor.

Locks: the case row first, then the payout row, then the ledger accounts (by pk), then the audit
head — the order of every ledger write.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases.models import Case, Party, PartyRole
from enforcelink.core import audit, notifications, numbering
from enforcelink.core.actors import SystemActor
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.money import format_yuan, parse_amount
from enforcelink.core.text import clean_text
from enforcelink.funds import policy, queries
from enforcelink.funds.actions import _accounts_locked, _lock_case, _post, journal_reverse
from enforcelink.funds.models import AccountKind, Journal, JournalKind
from enforcelink.funds.payouts import PENDING, Payout, PayoutKind, PayoutStatus
from enforcelink.orgs.models import Court, Role, User
from enforcelink.orgs.permissions import Action, can, hats, holders, person, require

LEDGER = SystemActor("funds:ledger")  # who proposes the surplus's return (R-FUND-04)
ZERO = Decimal("0.00")


def pay_out_period() -> tuple[int, str]:
    """R-FUND-02's period in force (`ENFORCELINK_FUNDS_PAY_OUT_PERIOD`, default 30 days)."""
    amount, unit = getattr(settings, "FUNDS_PAY_OUT_PERIOD", policy.PAY_OUT_PERIOD)
    return int(amount), str(unit)


def _text(value: Any, field: str, limit: int = 500, *, required: str = "") -> str:
    text = clean_text(str(value or "").strip(), field=field, max_length=limit)
    if required and not text:
        raise InvalidInput("REQUIRED", required, field=field)
    return text


def pending_total(case_id: int, *, without: int | None = None) -> Decimal:
    """Money already promised by payouts proposed or approved, not yet paid."""
    rows = Payout.objects.filter(case_id=case_id, status__in=PENDING)
    if without is not None:
        rows = rows.exclude(pk=without)
    return rows.aggregate(total=Sum("amount", default=ZERO))["total"]


def _check_available(case: Case, amount: Decimal, *, without: int | None = None) -> None:
    """R-FUND-02: a payout never exceeds what the case holds, net of the payouts already pending and
    of the application fee paid in and not yet collected (R-FUND-03: the court's, funds/fees.py)."""
    held = queries.balance(case)
    promised = pending_total(case.pk, without=without)
    fee = queries.fee_held(case)
    left = held - promised - fee
    if amount <= left:
        return
    values = {"amount": format_yuan(amount), "held": format_yuan(held), "promised": format_yuan(promised),
              "fee": format_yuan(fee), "left": format_yuan(max(left, ZERO))}  # fmt: skip
    if fee > 0:
        message = _("%(amount)s is more than the case can pay: it holds %(held)s, of which %(fee)s is the "
                    "court's application fee and %(promised)s is already promised to other payouts, so at "
                    "most %(left)s.")  # fmt: skip
    else:
        message = _("%(amount)s is more than the case can pay: it holds %(held)s, of which %(promised)s is "
                    "already promised to other payouts, so at most %(left)s.")  # fmt: skip
    raise RuleViolation("PAYOUT_OVER_BALANCE", message % values, field="amount")


def _reference(court_id: int, year: int) -> str:
    number = numbering.next_number(court_id=court_id, kind="voucher:payout", year=year)
    return f"ZF{court_id:04d}{year}{number:06d}"


def president_above(court_id: int) -> Decimal | None:
    """R-FUND-02's amount in force for the court: above it the president approves (None: no limit)."""
    return Court.objects.filter(pk=court_id).values_list("payout_president_above", flat=True).first()


def _approvers(payout: Payout) -> QuerySet[User]:
    approvers = holders(Action.APPROVE_PAYOUT, court_id=payout.court_id)
    if policy.needs_president(payout.amount, president_above(payout.court_id)):
        return approvers.filter(role=Role.PRESIDENT)
    return approvers


def _check_approver(payout: Payout, actor: Any) -> Decimal | None:
    """R-FUND-02: a payout above the court's amount is approved by the president, not a team leader.
    Returns the amount in force (for the trail)."""
    above = president_above(payout.court_id)
    if (
        above is not None
        and policy.needs_president(payout.amount, above)
        and Role.PRESIDENT not in hats(actor)
    ):
        raise RuleViolation(
            "PAYOUT_NEEDS_PRESIDENT",
            _("A payout of more than %(above)s is approved by the president: this one is %(amount)s.")
            % {"above": format_yuan(above), "amount": format_yuan(payout.amount)},
        )
    return above


def _notify_approvers(payout: Payout, actor: Any) -> None:
    notifications.notify(
        _approvers(payout),
        kind="funds.payout_proposed",
        message=_("Payout of %(amount)s to %(payee)s proposed on %(case)s: awaiting your approval.")
        % {"amount": format_yuan(payout.amount), "payee": payout.payee_name, "case": payout.case.number},
        url=reverse("funds-payouts") + f"#payout-{payout.pk}",
        case_id=payout.case_id,
        exclude=[actor] if person(actor) else [],
    )


def payout_propose(
    case: Case,
    *,
    party: Party | int,
    amount: Any,
    account: str,
    bank: str = "",
    note: str = "",
    actor: Any,
    kind: str = PayoutKind.APPLICANT,
) -> Payout:
    """R-FUND-02: the officer proposes paying `amount` of the case's money to `party` (an applicant;
    for the surplus, a respondent) at `account`."""
    parsed = parse_amount(amount, field_name="amount", allow_zero=False)
    account = _text(account, "account", 64, required=_("Give the payee's bank account."))
    bank, note = _text(bank, "bank", 200), _text(note, "note")
    if kind not in PayoutKind.values:
        raise InvalidInput("PAYOUT_KIND", _("Choose whom the money goes to."), field="kind")
    require(actor, Action.PROPOSE_PAYOUT, case)
    with transaction.atomic():
        case = _lock_case(case, actor, None)
        payee = _payee(case, party, kind)
        _check_available(case, parsed)
        payout = _create(case, kind, payee, parsed, account, bank, note, actor)
    return payout


def _payee(case: Case, party: Party | int, kind: str) -> Party:
    role = PartyRole.APPLICANT if kind == PayoutKind.APPLICANT else PartyRole.RESPONDENT
    pk = party if isinstance(party, int) else party.pk
    found = Party.objects.filter(case_id=case.pk, pk=pk, role=role).first()
    if found is None:
        message = (
            _("Choose an applicant of this case.")
            if kind == PayoutKind.APPLICANT
            else _("Choose a respondent of this case.")
        )
        raise InvalidInput("PAYEE_INVALID", message, field="party")
    return found


def _create(
    case: Case, kind: str, payee: Party, amount: Decimal, account: str, bank: str, note: str, actor: Any
) -> Payout:
    payout = Payout.objects.create(
        court_id=case.court_id, case=case, kind=kind, party=payee, payee_name=payee.name, payee_account=account,
        payee_bank=bank, amount=amount, reference=_reference(case.court_id, timezone.localdate().year),
        note=note, proposed_by=person(actor), proposed_label=str(getattr(actor, "username", "") or actor),
    )  # fmt: skip
    audit.record("funds.payout_proposed", payout, actor=actor, case_id=case.pk, court_id=case.court_id,
                 after={"kind": kind, "payee": payee.name, "amount": amount, "account": account,
                        "reference": payout.reference, "note": note})  # fmt: skip
    _notify_approvers(payout, actor)
    return payout


def _locked_payout(payout: Payout | int, actor: Any, action: Action, *statuses: str) -> tuple[Case, Payout]:
    """The payout's case row locked, then the payout row, for an actor who may `action` it."""
    pk = payout if isinstance(payout, int) else payout.pk
    found = Payout.objects.select_related("case").filter(pk=pk).first()
    if found is None or not can(actor, action, found):
        raise NotFound()
    case = _lock_case(found.case, actor, None)
    locked = Payout.objects.select_for_update().get(pk=pk)
    locked.case = case
    if locked.status not in statuses:
        raise RuleViolation(
            "PAYOUT_STATUS",
            _("This payout is %(status)s: it cannot be changed that way.")
            % {"status": locked.get_status_display()},
        )
    return case, locked


def _decide(payout: Payout, status: str, actor: Any, note: str) -> None:
    payout.status = status
    payout.decided_by = person(actor)
    payout.decided_at = timezone.now()
    payout.decision_note = note
    payout.save(update_fields=["status", "decided_by", "decided_at", "decision_note",
                               "payee_account", "payee_bank"])  # fmt: skip


def payout_approve(
    payout: Payout | int, *, actor: Any, note: str = "", account: str = "", bank: str = ""
) -> Payout:
    """R-FUND-02: a team leader or the president approves — never the proposer (four eyes); above
    the court's `payout_president_above`, the president alone (`PAYOUT_NEEDS_PRESIDENT`). The case
    must still hold the money (a reversal since may have taken it). A surplus proposed by the ledger
    has no account yet: the approver gives it."""
    note, account, bank = _text(note, "note"), _text(account, "account", 64), _text(bank, "bank", 200)
    with transaction.atomic():
        case, locked = _locked_payout(payout, actor, Action.APPROVE_PAYOUT, PayoutStatus.PROPOSED)
        above = _check_approver(locked, actor)
        if locked.payee_account and account and account != locked.payee_account:
            # Four eyes: where the money goes is the proposal's; the approver gives an account only
            # where there is none (the ledger's surplus proposal), never another one.
            raise RuleViolation(
                "PAYOUT_ACCOUNT_FIXED",
                _(
                    "The payee's account is the one proposed: refuse the payout if it is wrong, and propose it again."
                ),
                field="account",
            )
        if not locked.payee_account:
            locked.payee_account, locked.payee_bank = account, bank or locked.payee_bank
        if not locked.payee_account:
            raise InvalidInput("REQUIRED", _("Give the payee's bank account."), field="account")
        _check_available(case, locked.amount, without=locked.pk)
        _decide(locked, PayoutStatus.APPROVED, actor, note)
        audit.record("funds.payout_approved", locked, actor=actor, case_id=case.pk, court_id=case.court_id,
                     after={"amount": locked.amount, "payee": locked.payee_name, "account": locked.payee_account,
                            "reference": locked.reference, "note": note, "president_above": above})  # fmt: skip
        notifications.notify(
            holders(Action.PAY_OUT, court_id=case.court_id), kind="funds.payout_approved",
            message=_("Payout %(reference)s of %(amount)s on %(case)s approved: to pay.")
            % {"reference": locked.reference, "amount": format_yuan(locked.amount), "case": case.number},
            url=reverse("funds-payouts") + f"#payout-{locked.pk}", case_id=case.pk,
        )  # fmt: skip
    return locked


def payout_refuse(payout: Payout | int, *, reason: str, actor: Any) -> Payout:
    reason = _text(reason, "reason", required=_("Give the reason for refusing."))
    with transaction.atomic():
        case, locked = _locked_payout(payout, actor, Action.APPROVE_PAYOUT, PayoutStatus.PROPOSED)
        _decide(locked, PayoutStatus.REFUSED, actor, reason)
        audit.record("funds.payout_refused", locked, actor=actor, case_id=case.pk, court_id=case.court_id,
                     after={"amount": locked.amount, "payee": locked.payee_name, "reason": reason})  # fmt: skip
        if locked.proposed_by_id:
            notifications.notify(
                [locked.proposed_by_id], kind="funds.payout_refused",
                message=_("Payout %(reference)s on %(case)s refused: %(reason)s")
                % {"reference": locked.reference, "case": case.number, "reason": reason},
                url=reverse("case-funds", args=[case.pk]), case_id=case.pk,
            )  # fmt: skip
    return locked


def payout_cancel(payout: Payout | int, *, reason: str, actor: Any) -> Payout:
    """The officer's side withdraws a proposal not yet approved."""
    reason = _text(reason, "reason", required=_("Give the reason for withdrawing."))
    with transaction.atomic():
        case, locked = _locked_payout(payout, actor, Action.PROPOSE_PAYOUT, PayoutStatus.PROPOSED)
        _decide(locked, PayoutStatus.CANCELLED, actor, reason)
        audit.record("funds.payout_cancelled", locked, actor=actor, case_id=case.pk, court_id=case.court_id,
                     after={"amount": locked.amount, "payee": locked.payee_name, "reason": reason})  # fmt: skip
    return locked


def _paid_on(value: Any, field: str = "paid_on") -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidInput("DATE_INVALID", _("Enter the date."), field=field)
    if value > timezone.localdate():
        raise InvalidInput("VALUE_DATE_FUTURE", _("The date cannot be after today."), field=field)
    return value


def payout_paid(payout: Payout | int, *, paid_on: dt.date, actor: Any) -> Journal:
    """R-FUND-02: the bank paid it — a journal from the case's account out of the custody account
    (`payout`, or `return_to_debtor` for a surplus). The database refuses a case account below zero."""
    paid_on = _paid_on(paid_on)
    with transaction.atomic():
        case, locked = _locked_payout(payout, actor, Action.PAY_OUT, PayoutStatus.APPROVED)
        accounts = _accounts_locked(case)
        kind = JournalKind.PAYOUT if locked.kind == PayoutKind.APPLICANT else JournalKind.RETURN_TO_DEBTOR
        held = queries.balance(case)
        fee = queries.fee_held(case)  # the court's share, since the approval too (R-FUND-03)
        if locked.amount > held - fee:  # a reversal took money since the approval
            raise RuleViolation(
                "PAYOUT_OVER_BALANCE",
                _("%(amount)s is more than the case holds (%(held)s).")
                % {"amount": format_yuan(locked.amount), "held": format_yuan(held)}
                if fee <= 0
                else _(
                    "%(amount)s is more than the case holds (%(held)s) less the court's application fee (%(fee)s)."
                )
                % {"amount": format_yuan(locked.amount), "held": format_yuan(held), "fee": format_yuan(fee)},
                field="amount",
            )
        journal = _post(
            case, kind, paid_on,
            [(accounts[AccountKind.CASE], locked.amount), (accounts[AccountKind.CUSTODY], -locked.amount)],
            actor=actor, reference=locked.reference, memo=f"{locked.payee_name} {locked.payee_account}"[:500],
        )  # fmt: skip
        locked.status, locked.paid_journal, locked.paid_on = PayoutStatus.PAID, journal, paid_on
        locked.save(update_fields=["status", "paid_journal", "paid_on"])
        audit.record("funds.payout_paid", locked, actor=actor, case_id=case.pk, court_id=case.court_id,
                     after={"amount": locked.amount, "payee": locked.payee_name, "account": locked.payee_account,
                            "reference": locked.reference, "paid_on": paid_on, "journal": journal.pk})  # fmt: skip
    return journal


def payout_returned(payout: Payout | int, *, reason: str, actor: Any) -> Journal:
    """The bank sent a payment back (account closed, name mismatch): the payout's journal is reversed
    with the reason (R-FUND-03), the money is the case's again; pay it anew or lodge it."""
    reason = _text(reason, "reason", required=_("Give the reason the bank returned it."))
    with transaction.atomic():
        case, locked = _locked_payout(payout, actor, Action.PAY_OUT, PayoutStatus.PAID)
        assert locked.paid_journal is not None  # a database check: paid ⇒ journal
        reversal = journal_reverse(locked.paid_journal, reason=reason, actor=actor)
        locked.status, locked.returned_journal, locked.return_reason = PayoutStatus.RETURNED, reversal, reason
        locked.save(update_fields=["status", "returned_journal", "return_reason"])
        audit.record("funds.payout_returned", locked, actor=actor, case_id=case.pk, court_id=case.court_id,
                     after={"amount": locked.amount, "payee": locked.payee_name, "reference": locked.reference,
                            "reason": reason})  # fmt: skip
    return reversal


def payout_lodge(
    payout: Payout | int, *, lodged_with: str, reason: str, lodged_on: dt.date, actor: Any
) -> Journal:
    """R-FUND-02: where the payee cannot be paid (account closed, refuses), the money is lodged (提存)
    — a `lodge` journal out of the case's account, recording where and why."""
    where = _text(lodged_with, "lodged_with", 200, required=_("Say where the money is lodged."))
    reason = _text(reason, "reason", required=_("Say why the money is lodged."))
    lodged_on = _paid_on(lodged_on, "lodged_on")
    with transaction.atomic():
        case, locked = _locked_payout(
            payout, actor, Action.PAY_OUT, PayoutStatus.APPROVED, PayoutStatus.RETURNED
        )
        accounts = _accounts_locked(case)
        # The money a returned payout brought back may have been promised or paid again since.
        _check_available(case, locked.amount, without=locked.pk)
        journal = _post(
            case, JournalKind.LODGE, lodged_on,
            [(accounts[AccountKind.CASE], locked.amount), (accounts[AccountKind.CUSTODY], -locked.amount)],
            actor=actor, memo=f"{where}: {reason}"[:500],
        )  # fmt: skip
        locked.status, locked.lodged_journal = PayoutStatus.LODGED, journal
        locked.lodged_with, locked.lodge_reason = where, reason
        locked.save(update_fields=["status", "lodged_journal", "lodged_with", "lodge_reason"])
        audit.record("funds.payout_lodged", locked, actor=actor, case_id=case.pk, court_id=case.court_id,
                     after={"amount": locked.amount, "payee": locked.payee_name, "lodged_with": where,
                            "reason": reason, "lodged_on": lodged_on, "journal": journal.pk})  # fmt: skip
    return journal


# --- R-FUND-04: the obligation met -----------------------------------------------------------------


def surplus_unclaimed(case: Case, *, today: dt.date | None = None) -> Decimal:
    """Money beyond everything owed, the application fee included (`Standing.surplus`, R-FUND-04), not
    yet on a return to the debtor (pending, paid or lodged), and no more than the case holds net of
    pending payouts and of the fee held for the court."""
    standing = queries.standing(case, today or timezone.localdate())
    if standing is None or standing.surplus <= 0:
        return ZERO
    claimed = Payout.objects.filter(
        case_id=case.pk, kind=PayoutKind.DEBTOR,
        status__in=(*PENDING, PayoutStatus.PAID, PayoutStatus.LODGED),
    ).aggregate(total=Sum("amount", default=ZERO))["total"]  # fmt: skip
    free = queries.balance(case) - pending_total(case.pk) - queries.fee_held(case, standing)
    return max(min(standing.surplus - claimed, free), ZERO)


def surplus_propose(case: Case, *, actor: Any) -> Payout | None:
    """R-FUND-04: the surplus goes on a proposal to return it to the debtor (the first respondent;
    the approver gives the account). Called with the case locked; None when there is none."""
    amount = surplus_unclaimed(case)
    if amount <= 0:
        return None
    debtor = case.parties.filter(role=PartyRole.RESPONDENT).order_by("pk").first()
    if debtor is None:
        return None
    note = _("Paid beyond everything owed: back to the debtor.")
    return _create(case, PayoutKind.DEBTOR, debtor, amount, "", "", note, actor)


def on_obligation_met(*, case_id: int, actor: Any = None, **_payload: Any) -> None:
    """`obligation.met` listener (R-FUND-04): the officer is told 执行完毕 can be recorded, and the
    surplus is proposed for return to the debtor. The case row is locked by the announcing action."""
    case = Case.objects.select_related("court").get(pk=case_id)
    if case.is_closed:
        return
    if case.officer_id:
        notifications.notify(
            [case.officer_id], kind="funds.obligation_met",
            message=_("What is owed on %(case)s has been paid: close it as fully performed (执行完毕).")
            % {"case": case.number},
            url=reverse("case-detail", args=[case.pk]) + "?close=fully_performed#action-close", case_id=case.pk,
        )  # fmt: skip
    audit.record("funds.closure_proposed", case, actor=LEDGER, case_id=case.pk, court_id=case.court_id,
                 after={"mode": "fully_performed"})  # fmt: skip
    surplus_propose(case, actor=LEDGER)


def surplus_return_propose(case: Case, *, actor: Any) -> Payout:
    """R-FUND-04 by hand: the officer puts a surplus received after the obligation was met (which the
    ledger proposed for return only once, when it was met) on a return to the debtor."""
    require(actor, Action.PROPOSE_PAYOUT, case)
    with transaction.atomic():
        case = _lock_case(case, actor, None)
        payout = surplus_propose(case, actor=actor)
        if payout is None:
            raise RuleViolation(
                "SURPLUS_NONE", _("The case holds no surplus beyond what is owed."), field="amount"
            )
    return payout
