"""Payouts (R-FUND-02, R-FUND-04): money held for a case paid to the applicant, or its surplus back to
the debtor — proposed by the officer (or, for a surplus, by the ledger when the obligation is met),
approved by a team leader or the president who did not propose it (four eyes), paid by the fund
clerk through the bank (a `payout` or `return_to_debtor` journal, case → custody), returned by the
bank (the journal reversed, with the reason) or lodged (提存: a `lodge` journal, where and why).

The row's status moves (proposed → approved → paid, or refused / cancelled; paid → returned;
approved or returned → lodged); the money moves only by journals (funds/paying.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcelink.orgs.scoping import court_scope

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


class PayoutKind(models.TextChoices):
    APPLICANT = "applicant", _("To the applicant")
    DEBTOR = "debtor", _("Surplus back to the debtor")


class PayoutStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting approval")
    APPROVED = "approved", _("Approved, to pay")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Withdrawn")
    PAID = "paid", pgettext_lazy("payout status", "Paid")  # paid out to the payee, not paid by the debtor
    RETURNED = "returned", _("Returned by the bank")
    LODGED = "lodged", _("Lodged (提存)")


# Money a proposal holds back from the case's balance until it is paid, lodged or dropped.
PENDING = (PayoutStatus.PROPOSED, PayoutStatus.APPROVED)


class PayoutQuerySet(models.QuerySet["Payout"]):
    def visible_to(self, user: object) -> PayoutQuerySet:
        return self.filter(court_scope(user))


class Payout(models.Model):
    """One payout of a case's money to one payee (R-FUND-02)."""

    court = models.ForeignKey(
        "orgs.Court", on_delete=models.PROTECT, related_name="+", verbose_name=_("court")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="payouts", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PayoutKind.choices)
    party = models.ForeignKey(
        "cases.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("payee"),
    )
    payee_name = models.CharField(_("payee"), max_length=200)
    payee_account = models.CharField(_("payee's account"), max_length=64, blank=True)
    payee_bank = models.CharField(_("payee's bank"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    reference = models.CharField(_("payment reference"), max_length=32, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PayoutStatus.choices, default=PayoutStatus.PROPOSED
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_label = models.CharField(_("proposed by (label)"), max_length=150)
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    paid_journal = models.OneToOneField(
        "funds.Journal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("paid by journal"),
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    returned_journal = models.OneToOneField(
        "funds.Journal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("return journal"),
    )
    return_reason = models.CharField(_("reason the bank returned it"), max_length=500, blank=True)
    lodged_journal = models.OneToOneField(
        "funds.Journal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lodging journal"),
    )
    lodged_with = models.CharField(_("lodged with"), max_length=200, blank=True)
    lodge_reason = models.CharField(_("why it was lodged"), max_length=500, blank=True)

    objects = PayoutQuerySet.as_manager()

    class Meta:
        ordering = ["proposed_at", "id"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        indexes = [
            models.Index(fields=["court", "status", "proposed_at"], name="payout_court_status"),
            models.Index(fields=["case", "status"], name="payout_case_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status=PayoutStatus.PAID) | Q(paid_journal__isnull=False),
                name="payout_paid_journal",
            ),
            models.CheckConstraint(
                condition=~Q(status=PayoutStatus.LODGED) | Q(lodged_journal__isnull=False),
                name="payout_lodged_journal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.payee_name} {self.amount}"
