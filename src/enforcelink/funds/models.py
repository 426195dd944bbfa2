"""The case-fund ledger (执行款管理, DOMAIN.md §4a): double-entry, append-only, kept by the database.

- `CaseAccount` (一案一账号, R-FUND-01): the reference a payer types in a transfer's remark, one per case.
- `LedgerAccount`: what the ledger keeps balances of — the court's custody account (执行款专户, an
  asset), each case's account (money held for the case, a liability), the court's unidentified
  money (不明款, a liability) and its application fees collected from cases' accounts (申请执行费, the
  court's income, still in the custody account until remitted). `balance` is kept by a database trigger on `Entry` insert, so a
  balance is one row read (R-FUND-03).
- `Journal`: one movement (a receipt, a reversal, an opening balance …); `Entry`: one of its legs,
  signed (debit +, credit −). A journal's legs sum to 0.

The database refuses what the ledger forbids (migration 0002, R-FUND-03): UPDATE and DELETE of
journals and entries; a journal whose legs do not sum to 0 (PostgreSQL: a deferred constraint
trigger at commit; SQLite: triggers on each leg, see `funds/guards.py` for what SQLite cannot
catch); an amount with more than two decimals or of zero; a balance on the wrong side of zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NoReturn

from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from enforcelink.core.errors import RuleViolation
from enforcelink.orgs.scoping import court_scope

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


def refuse_edit(what: object) -> NoReturn:
    """R-FUND-03: ledger rows are never edited or deleted; a mistake is corrected by a reversal."""
    from django.utils.translation import gettext

    raise RuleViolation(
        "LEDGER_APPEND_ONLY",
        gettext("The ledger is append-only: %(what)s cannot be changed or deleted; reverse it instead.")
        % {"what": what},
    )


class AccountKind(models.TextChoices):
    CUSTODY = "custody", _("Court custody account (执行款专户)")
    CASE = "case", _("Case account")
    UNIDENTIFIED = "unidentified", _("Unidentified money (不明款)")
    FEE_INCOME = "fee_income", _("Application fees collected (申请执行费)")


# The side of zero each kind's balance stays on (debit +, credit −): the custody account is money
# the court holds (an asset, debit), a case account and unidentified money are owed onwards
# (liabilities, credit), fees collected are the court's income (credit; migration 0008 keeps it).
DEBIT_KINDS = (AccountKind.CUSTODY,)
CREDIT_KINDS = (AccountKind.CASE, AccountKind.UNIDENTIFIED, AccountKind.FEE_INCOME)


class JournalKind(models.TextChoices):
    RECEIPT_DEDUCTION = "receipt_deduction", _("Receipt: deduction confirmed by a bank")
    RECEIPT_VOLUNTARY = "receipt_voluntary", _("Receipt: voluntary payment")
    RECEIPT_STATEMENT = "receipt_statement", _("Receipt: custody account statement")
    RECEIPT_AUCTION = "receipt_auction", _("Receipt: auction proceeds")
    OPENING = "opening", _("Opening balance (imported history)")
    REVERSAL = "reversal", _("Reversal")
    # The statement's unmatched money, its identification or return, and payouts (funds/receiving.py,
    # funds/paying.py; R-FUND-01, R-FUND-02, R-FUND-04).
    RECEIPT_UNIDENTIFIED = "receipt_unidentified", _("Receipt: unidentified money (不明款)")
    IDENTIFY = "identify", _("Unidentified money assigned to the case")
    UNIDENTIFIED_RETURN = "unidentified_return", _("Unidentified money returned to the payer")
    PAYOUT = "payout", _("Payout to the applicant")
    RETURN_TO_DEBTOR = "return_to_debtor", _("Surplus returned to the debtor")
    LODGE = "lodge", _("Lodged (提存)")
    # The application fee paid into a case's account moved to the court's fee income (funds/fees.py).
    FEE_COLLECTED = "fee_collected", _("Application fee collected by the court")


RECEIPT_KINDS = (
    JournalKind.RECEIPT_DEDUCTION,
    JournalKind.RECEIPT_VOLUNTARY,
    JournalKind.RECEIPT_STATEMENT,
    JournalKind.RECEIPT_AUCTION,
)
# 执行到位金额 counts these journals (and their reversals): money that reached the court for the case.
RECOVERY_KINDS = (*RECEIPT_KINDS, JournalKind.OPENING, JournalKind.IDENTIFY)
# Money leaving a case's account to someone outside the court (funds/paying.py, R-FUND-02/04).
PAYOUT_KINDS = (JournalKind.PAYOUT, JournalKind.RETURN_TO_DEBTOR, JournalKind.LODGE)


class CaseAccountQuerySet(models.QuerySet["CaseAccount"]):
    def visible_to(self, user: object) -> CaseAccountQuerySet:
        return self.filter(court_scope(user, "case__court"))


class CaseAccount(models.Model):
    """一案一账号 (R-FUND-01): the reference a payer writes in the transfer's remark, so the court's
    custody account statement matches the money to its case without a clerk; printed on the
    execution notice. `funds.references` makes and checks it (ISO 7064 MOD 97-10)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="fund_account", verbose_name=_("case")
    )
    reference = models.CharField(_("account reference"), max_length=32, unique=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    objects = CaseAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("case fund account")
        verbose_name_plural = _("case fund accounts")

    def __str__(self) -> str:
        return self.reference


class LedgerAccountQuerySet(models.QuerySet["LedgerAccount"]):
    def visible_to(self, user: object) -> LedgerAccountQuerySet:
        return self.filter(court_scope(user))


class LedgerAccount(models.Model):
    """An account of the ledger; `balance` (debit +, credit −) is written only by the database's
    trigger on `Entry` insert, and `enforcelink funds verify` re-adds it from the entries."""

    court = models.ForeignKey(
        "orgs.Court", on_delete=models.PROTECT, related_name="ledger_accounts", verbose_name=_("court")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
        verbose_name=_("case"),
    )
    balance = models.DecimalField(_("balance (yuan)"), default=Decimal("0"), **MONEY)

    objects = LedgerAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["court", "kind"], condition=Q(case__isnull=True), name="ledger_account_court_kind"
            ),
            models.UniqueConstraint(
                fields=["case", "kind"], condition=Q(case__isnull=False), name="ledger_account_case_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind=AccountKind.CASE, case__isnull=False)
                | (~Q(kind=AccountKind.CASE) & Q(case__isnull=True)),
                name="ledger_account_case_iff_case_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=DEBIT_KINDS) | Q(balance__gte=0), name="ledger_account_debit_side"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=CREDIT_KINDS) | Q(balance__lte=0), name="ledger_account_credit_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case or self.court}"


# R-FUND-03: an `opening` journal's memo is stored as this msgid and translated when shown. Texts
# stored before (migration funds 0003 and the bulk opener wrote a half-English memo, the case import
# wrote it translated into its user's language) are shown as it too.
OPENING_MEMO = gettext_noop(
    "Recovered before the platform (imported): received and paid out in the old system."
)
OPENING_MEMOS_STORED = frozenset(
    {
        OPENING_MEMO,
        "执行到位金额 before the ledger (received and paid out in the old system)",
        "平台启用前已执行到位（导入）：原系统中已收取并发放。",
        "平臺啓用前已執行到位（導入）：原系統中已收取併發放。",
    }
)


class JournalQuerySet(models.QuerySet["Journal"]):
    def visible_to(self, user: object) -> JournalQuerySet:
        return self.filter(court_scope(user))

    def update(self, **kwargs: Any) -> int:
        refuse_edit(_("a journal"))

    def delete(self) -> NoReturn:
        refuse_edit(_("a journal"))


class Journal(models.Model):
    """One movement of money (R-FUND-03), balanced by its legs (`Entry`); never edited: a mistake is
    corrected by a `reversal` journal naming it in `reverses` (at most one reversal per journal).
    `amount` is what moved, the sum of its debit legs (the database checks it with the legs), so
    执行到位金额 adds journals, not legs."""

    court = models.ForeignKey(
        "orgs.Court", on_delete=models.PROTECT, related_name="journals", verbose_name=_("court")
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="journals",
        verbose_name=_("case"),
        db_index=False,  # journal_case_newest leads with it: one index less to write per journal
    )
    kind = models.CharField(_("kind"), max_length=24, choices=JournalKind.choices)
    value_on = models.DateField(_("value date"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)  # what moved: the sum of the debit legs
    memo = models.CharField(_("memo or reason"), max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    reference = models.CharField(_("external reference"), max_length=100, blank=True)
    created_by = models.CharField(_("booked by"), max_length=150)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    leg_count = models.PositiveSmallIntegerField(_("number of legs"))

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger journal")
        verbose_name_plural = _("ledger journals")
        constraints = [
            # The same bank statement line or deduction confirmation, twice, books once.
            models.UniqueConstraint(
                fields=["court", "reference"], condition=~Q(reference=""), name="journal_reference_per_court"
            ),
            models.CheckConstraint(condition=Q(leg_count__gte=2), name="journal_two_legs_or_more"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="journal_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind=JournalKind.REVERSAL, reverses__isnull=False)
                | (~Q(kind=JournalKind.REVERSAL) & Q(reverses__isnull=True)),
                name="journal_reversal_names_its_journal",
            ),
        ]
        indexes = [models.Index(fields=["case", "-created_at", "-id"], name="journal_case_newest")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            refuse_edit(self)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        refuse_edit(self)

    @property
    def shown_memo(self) -> str:
        """The memo in the reader's language where the platform wrote it (see OPENING_MEMO)."""
        if self.kind == JournalKind.OPENING and self.memo in OPENING_MEMOS_STORED:
            return gettext(OPENING_MEMO)
        return self.memo


class EntryQuerySet(models.QuerySet["Entry"]):
    def visible_to(self, user: object) -> EntryQuerySet:
        return self.filter(court_scope(user, "journal__court"))

    def update(self, **kwargs: Any) -> int:
        refuse_edit(_("an entry"))

    def delete(self) -> NoReturn:
        refuse_edit(_("an entry"))


class Entry(models.Model):
    """One leg of a journal: `amount` signed (debit +, credit −), two decimals, never 0."""

    journal = models.ForeignKey(
        Journal, on_delete=models.PROTECT, related_name="entries", verbose_name=_("journal")
    )
    account = models.ForeignKey(
        LedgerAccount,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("account"),
        db_index=False,  # entry_account (account, id) leads with it: one index less to write per leg
    )
    amount = models.DecimalField(_("amount (yuan, debit +, credit −)"), **MONEY)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("case"),
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["journal_id", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="entry_amount_nonzero"),
            # SQLite stores a decimal as a number that can hold a third decimal; PostgreSQL's
            # numeric(16, 2) cannot (the column rounds it), so this holds there by the type.
            models.CheckConstraint(condition=Q(amount=Round("amount", 2)), name="entry_amount_two_decimals"),
        ]
        indexes = [models.Index(fields=["account", "id"], name="entry_account")]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            refuse_edit(self)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        refuse_edit(self)


# The statement import's, the payouts' and the fee decisions' models (issue 15 §8), in modules of their own.
from enforcelink.funds.fee_decisions import FeeDecision  # noqa: E402, F401
from enforcelink.funds.payouts import Payout  # noqa: E402, F401
from enforcelink.funds.statements import StatementImport, UnidentifiedReceipt  # noqa: E402, F401
