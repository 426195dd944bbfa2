"""Writes to the case-fund ledger (R-FUND-01, R-FUND-03): one action per business operation.

Each runs in `transaction.atomic()` and takes its locks in one order — the case row first, then the
ledger accounts it posts to, by pk — then appends its trail entry (the audit head comes last, as in
every action) and announces what the apps above the ledger act on. The database keeps the ledger's
own rules whatever calls it (`funds/guards.py`); the actions check them first so that bad input is a
coded error naming the field, never a database error, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases.models import Case
from enforcelink.core import audit, events
from enforcelink.core.actors import SystemActor
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.money import parse_amount
from enforcelink.core.text import clean_text
from enforcelink.funds import references
from enforcelink.funds.models import (
    CREDIT_KINDS,
    DEBIT_KINDS,
    OPENING_MEMO,
    RECEIPT_KINDS,
    AccountKind,
    CaseAccount,
    Entry,
    Journal,
    JournalKind,
    LedgerAccount,
)
from enforcelink.funds.statements import UnidentifiedReceipt, UnidentifiedStatus
from enforcelink.orgs.models import Court
from enforcelink.orgs.permissions import Action, Actor, can, require

# receipt_record's `source` → the journal's kind.
SOURCES = {
    "deduction": JournalKind.RECEIPT_DEDUCTION,  # a bank confirmed a deduction (assets books it)
    "voluntary": JournalKind.RECEIPT_VOLUNTARY,  # the debtor paid (counter, transfer)
    "statement": JournalKind.RECEIPT_STATEMENT,  # a line of the custody account's statement
    "auction": JournalKind.RECEIPT_AUCTION,  # proceeds of a judicial auction
}
REFERENCE_MAX = Journal._meta.get_field("reference").max_length or 100
MEMO_MAX = Journal._meta.get_field("memo").max_length or 500


def actor_label(actor: Any) -> str:
    """Who booked a journal, as the trail labels actors (a login, `api-key:…`, a command's name)."""
    return str(getattr(actor, "username", "") or actor or "system")


# --- Accounts (R-FUND-01) ---------------------------------------------------------------------------


def _court_accounts(court_id: int) -> None:
    """The court's custody and unidentified-money accounts, made by the first case that needs them
    (INSERT … ON CONFLICT DO NOTHING: a racing first case waits on the unique key, then does nothing)."""
    LedgerAccount.objects.bulk_create(
        [
            LedgerAccount(court_id=court_id, kind=kind)
            for kind in (AccountKind.CUSTODY, AccountKind.UNIDENTIFIED)
        ],
        ignore_conflicts=True,
    )


def account_open(case: Case, *, actor: Actor | SystemActor | None = None) -> CaseAccount:
    """R-FUND-01 一案一账号: the case's reference and its ledger account; a second call returns the
    account the first opened. Runs when a case is filed (the `case.filed` listener, inside the
    filing's transaction, the case row already written and so locked by it)."""
    with transaction.atomic():
        found = CaseAccount.objects.filter(case_id=case.pk).first()
        if found is not None:
            return found
        court = case.court if "court" in case._state.fields_cache else Court.objects.get(pk=case.court_id)
        _court_accounts(court.pk)
        account = CaseAccount.objects.create(
            case_id=case.pk, reference=references.make(court.code, case.year, case.type_code, case.sequence)
        )
        LedgerAccount.objects.create(court_id=court.pk, kind=AccountKind.CASE, case_id=case.pk)
        audit.record(
            "funds.account_opened",
            account,
            actor=actor,
            case_id=case.pk,
            court_id=court.pk,
            after={"reference": account.reference},
        )
    return account


def open_on_filing(*, case_id: int, actor: Any = None, **_payload: Any) -> None:
    """`case.filed` listener: every case filed (立案, 执恢 included) gets its account at once."""
    account_open(Case.objects.select_related("court").get(pk=case_id), actor=actor)


def _accounts_locked(case: Case) -> dict[str, LedgerAccount]:
    """The case's and its court's accounts, locked by pk after the case row, in one query (opening
    the case's account first if it has none: a case bulk-loaded after the ledger's migration)."""
    own_and_court = Q(case_id=case.pk) | Q(court_id=case.court_id, case__isnull=True)
    locked = list(LedgerAccount.objects.select_for_update().filter(own_and_court).order_by("pk"))
    if not any(account.kind == AccountKind.CASE for account in locked):
        account_open(case)
        locked = list(LedgerAccount.objects.select_for_update().filter(own_and_court).order_by("pk"))
    return {account.kind: account for account in locked}


def _lock_case(case: Case, actor: Any, action: Action | None) -> Case:
    """The case row, locked first, for an actor who may `action` it (None: the caller checked)."""
    if action is not None:
        require(actor, action, case)
    locked = Case.objects.select_for_update().filter(pk=case.pk).select_related("court").first()
    if locked is None:
        raise NotFound()
    return locked


# --- Receipts (R-FUND-03) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Booked:
    """What `receipt_record` did: the journal, and whether it was booked before under the same
    external reference (then nothing new was written)."""

    journal: Journal
    duplicate: bool = False


def _clean_receipt(
    amount: Any, source: str, value_on: Any, reference: str
) -> tuple[Decimal, JournalKind, dt.date, str]:
    """The receipt's input checked before anything is written: an amount > 0 with at most two
    decimals (R-MONEY-01), a known source, a value date not in the future, a reference that fits."""
    parsed = parse_amount(amount, field_name="amount", allow_zero=False)
    kind = SOURCES.get(source)
    if kind is None:
        raise InvalidInput("SOURCE_INVALID", _("Choose where the money came from."), field="source")
    if not isinstance(value_on, dt.date) or isinstance(value_on, dt.datetime):
        raise InvalidInput("DATE_INVALID", _("Enter the value date."), field="value_on")
    if value_on > timezone.localdate():
        raise InvalidInput(
            "VALUE_DATE_FUTURE", _("Money cannot arrive after today: check the value date."), field="value_on"
        )
    text = clean_text(str(reference or "").strip(), field="reference", max_length=REFERENCE_MAX)
    return parsed, kind, value_on, text


def _already_booked(
    court_id: int, reference: str, case: Case, amount: Decimal
) -> Booked | UnidentifiedReceipt | None:
    """The same external reference of this court booked before: the same receipt again books once
    (a statement imported twice, a bank's confirmation repeated); the reference on another case or
    with another amount is a conflict, not a repeat. A statement line of the same transfer and
    amount booked as 不明款 (its remark named no case) is that money: still waiting, it is answered
    (locked) to be identified to this case; identified to this case already, it is a repeat."""
    if not reference:
        return None
    found = Journal.objects.filter(court_id=court_id, reference=reference).first()
    if found is None:
        return None
    if found.kind == JournalKind.RECEIPT_UNIDENTIFIED and found.amount == amount:
        item = UnidentifiedReceipt.objects.select_for_update().filter(journal_id=found.pk).first()
        if item is not None and item.status == UnidentifiedStatus.WAITING:
            return item
        if item is not None and item.case_id == case.pk and item.resolved_journal_id is not None:
            return Booked(Journal.objects.get(pk=item.resolved_journal_id), duplicate=True)
    if found.case_id != case.pk or found.amount != amount or found.kind not in RECEIPT_KINDS:
        raise RuleViolation(
            "REFERENCE_CONFLICT",
            _("This reference was already booked for another receipt (journal #%(id)s).") % {"id": found.pk},
            field="reference",
        )
    return Booked(found, duplicate=True)


def receipt_record(
    case: Case,
    amount: Any,
    *,
    source: str,
    value_on: dt.date,
    reference: str = "",
    actor: Any,
    checked: bool = False,
) -> Booked:
    """Book money received for a case (R-FUND-03): the court's custody account is debited, the
    case's account credited, in one balanced journal. `reference` (a bank transfer id, a statement
    line's serial) is unique per court: the same one again books nothing and answers
    `duplicate=True`. Announces `payment.received`, and `obligation.met` when this payment meets what
    is owed (R-FUND-04, `funds.queries.standing`).

    The fund clerk books (Action.BOOK_FUNDS); an app that has checked its own permission (assets,
    booking a deduction a bank confirmed to the officer's request) passes `checked=True`.
    """
    parsed, kind, value_on, reference = _clean_receipt(amount, source, value_on, reference)
    with transaction.atomic():
        case = _lock_case(case, actor, None if checked else Action.BOOK_FUNDS)
        repeat = _already_booked(case.court_id, reference, case, parsed)
        if isinstance(repeat, UnidentifiedReceipt):
            note = _("The receipt booked for this case is this transfer of the statement.")
            return Booked(identify_locked(repeat, case, actor=actor, note=note, source=source))
        if repeat is not None:
            return repeat
        accounts = _accounts_locked(case)
        try:
            with transaction.atomic():  # a racing twin with the same reference commits first
                journal = _post(
                    case,
                    kind,
                    value_on,
                    [(accounts[AccountKind.CUSTODY], parsed), (accounts[AccountKind.CASE], -parsed)],
                    actor=actor,
                    reference=reference,
                )
        except IntegrityError:
            repeat = _already_booked(case.court_id, reference, case, parsed)
            if repeat is None:
                raise
            if isinstance(repeat, UnidentifiedReceipt):  # a statement's 不明款 committed meanwhile
                note = _("The receipt booked for this case is this transfer of the statement.")
                return Booked(identify_locked(repeat, case, actor=actor, note=note, source=source))
            return repeat
        audit.record(
            "funds.receipt_recorded",
            journal,
            actor=actor,
            case_id=case.pk,
            court_id=case.court_id,
            after={"kind": kind, "amount": parsed, "value_on": value_on, "reference": reference},
        )
        events.announce(
            "payment.received", case_id=case.pk, court_id=case.court_id, journal_id=journal.pk,
            amount=parsed, source=source, actor=actor,
        )  # fmt: skip
        _announce_if_met(case, journal, actor=actor)
    return Booked(journal)


def resolve_unidentified(
    item: UnidentifiedReceipt,
    status: str,
    journal: Journal,
    actor: Any,
    note: str,
    *,
    case: Case | None = None,
) -> None:
    """A 不明款 leaves the queue (assigned to a case, or returned to the payer) by `journal`."""
    item.status = status
    item.resolved_journal = journal
    item.resolved_by = actor_label(actor)
    item.resolved_at = timezone.now()
    item.note = note
    item.case = case
    item.save(update_fields=["status", "resolved_journal", "resolved_by", "resolved_at", "note", "case"])


def identify_locked(
    item: UnidentifiedReceipt, case: Case, *, actor: Any, note: str, source: str = "statement"
) -> Journal:
    """R-FUND-01: unidentified money identified to its case — an `identify` journal from the court's
    unidentified account to the case's, value-dated the day the money arrived (R-MONEY-02: the debtor
    paid then), the item resolved, on the trail, announced as `payment.received` (and
    `obligation.met` when it meets what is owed, R-FUND-04). The caller has locked the case row and
    then the item (waiting, of the case's court); the accounts are locked here, by pk."""
    accounts = _accounts_locked(case)
    journal = _post(
        case, JournalKind.IDENTIFY, item.arrived_on,
        [(accounts[AccountKind.UNIDENTIFIED], item.amount), (accounts[AccountKind.CASE], -item.amount)],
        actor=actor, memo=note or item.remark[:500],
    )  # fmt: skip
    resolve_unidentified(item, UnidentifiedStatus.ASSIGNED, journal, actor, note, case=case)
    audit.record("funds.unidentified_assigned", item, actor=actor, case_id=case.pk, court_id=case.court_id,
                 after={"amount": item.amount, "arrived_on": item.arrived_on, "reference": item.bank_reference,
                        "payer": item.payer_name, "journal": journal.pk, "note": note})  # fmt: skip
    events.announce("payment.received", case_id=case.pk, court_id=case.court_id, journal_id=journal.pk,
                    amount=item.amount, source=source, actor=actor)  # fmt: skip
    _announce_if_met(case, journal, actor=actor)
    return journal


def _announce_if_met(case: Case, journal: Journal, *, actor: Any) -> None:
    """R-FUND-04: `obligation.met` once — when this receipt took the case from owing to met (not for
    every later receipt, which is surplus). A non-money case has no standing: nothing is announced."""
    from enforcelink.funds import queries

    if queries.recovered(case) < case.amount_total:  # doubled interest and the fee only add to it
        return
    today = timezone.localdate()
    now = queries.standing(case, today)
    if now is None or not now.met:
        return
    earlier = queries.standing(case, today, without=journal.pk)
    if earlier is not None and earlier.met:
        return
    events.announce("obligation.met", case_id=case.pk, court_id=case.court_id, actor=actor)


def on_amount_changed(
    *, case_id: int, before: dict[str, Decimal], actor: Any = None, **_payload: Any
) -> None:
    """`case.amount_changed` listener (R-FUND-04): a correction of what the basis fixed that leaves the
    money already received enough meets the obligation as a receipt would — `obligation.met` once,
    when the standing went from owing to met (the correcting action holds the case row)."""
    from copy import copy

    from enforcelink.funds import queries

    case = Case.objects.get(pk=case_id)
    if case.is_closed:
        return
    today = timezone.localdate()
    paid = queries.payments(case)
    now = queries.standing(case, today, paid=paid)
    if now is None or not now.met:
        return
    earlier = copy(case)
    for name, value in before.items():
        setattr(earlier, name, value)
    was = queries.standing(earlier, today, paid=paid)
    if was is not None and was.met:
        return
    events.announce("obligation.met", case_id=case.pk, court_id=case.court_id, actor=actor)


def _post(
    case: Case | None,
    kind: str,
    value_on: dt.date,
    legs: list[tuple[LedgerAccount, Decimal]],
    *,
    actor: Any,
    reference: str = "",
    memo: str = "",
    reverses: Journal | None = None,
    court_id: int | None = None,
) -> Journal:
    """One balanced journal and its legs; the database adds each leg to its account's balance."""
    court = court_id or (case.court_id if case else None)
    if court is None:
        raise ValueError("a journal belongs to a court")
    journal = Journal.objects.create(
        court_id=court,
        case=case,
        kind=kind,
        value_on=value_on,
        amount=sum((amount for _account, amount in legs if amount > 0), Decimal("0")),
        memo=memo,
        reverses=reverses,
        reference=reference,
        created_by=actor_label(actor),
        leg_count=len(legs),
    )
    Entry.objects.bulk_create(
        [
            Entry(
                journal=journal,
                account=account,
                amount=amount,
                case_id=account.case_id or (case.pk if case else None),
            )
            for account, amount in legs
        ]
    )
    return journal


# --- Imported history (R-FUND-03) --------------------------------------------------------------------


def opening_record(case: Case, amount: Any, *, value_on: dt.date, actor: Any) -> Journal:
    """The case import's 执行到位金额 from the old system opens the case's ledger: an `opening`
    journal that received the money for the case and paid it on, both legs on the case's account, so
    it counts in `recovered` and the account holds nothing the court has not seen (what the old
    system may still hold is not known to the import: book it as a receipt). Called by
    `cases.importing` through `cases.money`, inside the import's transaction (the case just filed)."""
    parsed = parse_amount(amount, field_name="recovered_amount", allow_zero=False)
    with transaction.atomic():
        case = _lock_case(case, actor, None)
        accounts = _accounts_locked(case)
        own = accounts[AccountKind.CASE]
        journal = _post(
            case,
            JournalKind.OPENING,
            value_on,
            [(own, -parsed), (own, parsed)],
            actor=actor,
            memo=OPENING_MEMO,  # translated when shown
        )
        audit.record(
            "funds.opening_recorded",
            journal,
            actor=actor,
            case_id=case.pk,
            court_id=case.court_id,
            after={"amount": parsed, "value_on": value_on},
        )
    return journal


# --- Reversals (R-FUND-03) --------------------------------------------------------------------------


def _side_ok(kind: str, balance: Decimal) -> bool:
    if kind in DEBIT_KINDS:
        return balance >= 0
    if kind in CREDIT_KINDS:
        return balance <= 0
    return True


def journal_reverse(journal: Journal, *, reason: str, actor: Any) -> Journal:
    """R-FUND-03: a mistake is corrected by a reversing journal — each leg of the original with its
    sign turned, naming the original and the reason. A journal is reversed at most once (the
    database's unique `reverses`), a reversal is never reversed (book the movement again instead),
    and a reversal that would leave an account on the wrong side of zero (a case account holding
    less than nothing: the money was paid out already) is refused. The fund clerk reverses."""
    reason = clean_text(str(reason or "").strip(), field="reason", max_length=MEMO_MAX)
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("Give the reason for the reversal."), field="reason")
    found = Journal.objects.select_related("case", "court").filter(pk=journal.pk).first()
    if found is None or not can(actor, Action.BOOK_FUNDS, found):
        raise NotFound()
    with transaction.atomic():
        case = _lock_case(found.case, actor, None) if found.case is not None else None
        original = Journal.objects.get(pk=found.pk)
        _check_reversible(original)
        # The original's legs undone last first: the database checks each account's side of zero leg by
        # leg, and the reverse order passes back through states the original passed (an opening's two
        # legs on one account, −x then +x, undone +x first would leave it above zero for a moment).
        legs = list(original.entries.order_by("-pk"))
        accounts = {
            account.pk: account
            for account in LedgerAccount.objects.select_for_update()
            .filter(pk__in={leg.account_id for leg in legs})
            .order_by("pk")
        }
        _check_sides(accounts, legs)
        reversal = _post(
            case,
            JournalKind.REVERSAL,
            timezone.localdate(),
            [(accounts[leg.account_id], -leg.amount) for leg in legs],
            actor=actor,
            memo=reason,
            reverses=original,
            court_id=original.court_id,
        )
        audit.record(
            "funds.journal_reversed",
            reversal,
            actor=actor,
            case_id=original.case_id,
            court_id=original.court_id,
            after={
                "reverses": original.pk,
                "reversed_kind": original.kind,
                "amount": original.amount,
                "reason": reason,
            },
        )
    return reversal


def _check_reversible(original: Journal) -> None:
    if original.kind == JournalKind.REVERSAL:
        raise RuleViolation(
            "REVERSAL_OF_REVERSAL",
            _("A reversal is not reversed: book the movement again if it did happen."),
            field="journal",
        )
    if Journal.objects.filter(reverses=original).exists():
        raise RuleViolation("ALREADY_REVERSED", _("This journal has already been reversed."), field="journal")


def _check_sides(accounts: dict[int, LedgerAccount], legs: list[Entry]) -> None:
    after = {pk: account.balance for pk, account in accounts.items()}
    for leg in legs:
        after[leg.account_id] -= leg.amount
    for pk, balance in after.items():
        account = accounts[pk]
        if not _side_ok(account.kind, balance):
            raise RuleViolation(
                "BALANCE_NEGATIVE",
                _("Reversing this would leave %(account)s with %(amount)s: the money has already gone out.")
                % {
                    "account": account.get_kind_display(),
                    "amount": -balance if account.kind in CREDIT_KINDS else balance,
                },
                field="journal",
            )
