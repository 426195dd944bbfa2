"""The custody account's statements and the money they bring that matches no case (R-FUND-01).

- `StatementImport`: one statement file applied (who, when, its digest, what it did: lines booked to
  cases, repeats of lines booked before, unidentified money). A file refused for its layout or a bad
  line is applied not at all and leaves no row (funds/receiving.py).
- `UnidentifiedReceipt` (不明款): a statement line whose remark names no case's 一案一账号 (or a
  reference whose check digits fail). Its money sits in the court's unidentified account (the
  `receipt_unidentified` journal) until the fund clerk assigns it to a case (`identify` journal) or
  returns it to the payer (`unidentified_return` journal), within `identify_by` (R-FUND-01: 3 working
  days, configurable). The row's status moves; the ledger's journals never do.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enforcelink.orgs.scoping import court_scope

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


class StatementImportQuerySet(models.QuerySet["StatementImport"]):
    def visible_to(self, user: object) -> StatementImportQuerySet:
        return self.filter(court_scope(user))


class StatementImport(models.Model):
    """A custody account statement applied to the ledger (issue 15 §8)."""

    court = models.ForeignKey(
        "orgs.Court", on_delete=models.PROTECT, related_name="+", verbose_name=_("court")
    )
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_by = models.CharField(_("imported by (label)"), max_length=150)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    lines = models.PositiveIntegerField(_("lines read"))
    booked = models.PositiveIntegerField(_("lines booked to cases"))
    unidentified = models.PositiveIntegerField(_("lines of unidentified money"))
    repeated = models.PositiveIntegerField(_("lines booked before"))
    amount = models.DecimalField(_("money newly booked (yuan)"), **MONEY)
    seconds = models.FloatField(_("seconds taken"), default=0)

    objects = StatementImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("statement import")
        verbose_name_plural = _("statement imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"


class UnidentifiedStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting to be identified")
    ASSIGNED = "assigned", _("Assigned to a case")
    RETURNED = "returned", _("Returned to the payer")


class UnidentifiedQuerySet(models.QuerySet["UnidentifiedReceipt"]):
    def visible_to(self, user: object) -> UnidentifiedQuerySet:
        return self.filter(court_scope(user))


class UnidentifiedReceipt(models.Model):
    """不明款 (R-FUND-01): money on the custody account that matched no case, with the day it must be
    identified by (`funds.policy.identify_by`)."""

    court = models.ForeignKey(
        "orgs.Court", on_delete=models.PROTECT, related_name="+", verbose_name=_("court")
    )
    statement = models.ForeignKey(
        StatementImport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unidentified_lines",
        verbose_name=_("statement"),
    )
    line = models.PositiveIntegerField(_("statement line"), null=True, blank=True)
    journal = models.OneToOneField(
        "funds.Journal",
        on_delete=models.PROTECT,
        related_name="unidentified",
        verbose_name=_("receipt journal"),
    )
    arrived_on = models.DateField(_("arrived on"))
    identify_by = models.DateField(_("identify by"), db_index=True)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    payer_account = models.CharField(_("payer's account"), max_length=64, blank=True)
    remark = models.CharField(_("remark"), max_length=500, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=100)
    status = models.CharField(
        _("status"), max_length=12, choices=UnidentifiedStatus.choices, default=UnidentifiedStatus.WAITING
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned to case"),
    )
    resolved_journal = models.OneToOneField(
        "funds.Journal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolves",
        verbose_name=_("identifying or returning journal"),
    )
    resolved_by = models.CharField(_("resolved by"), max_length=150, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = UnidentifiedQuerySet.as_manager()

    class Meta:
        ordering = ["arrived_on", "id"]
        verbose_name = _("unidentified receipt")
        verbose_name_plural = _("unidentified receipts")
        indexes = [models.Index(fields=["court", "status", "arrived_on", "id"], name="unidentified_queue")]

    def __str__(self) -> str:
        return f"{self.bank_reference} {self.amount}"
