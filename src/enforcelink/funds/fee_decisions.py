"""The court's decisions on a case's application fee for enforcement (申请执行费, R-FUND-03).

The ledger books the fee the scale gives on the amount the basis fixed (`funds.policy.fee_owed`)
unless the court decided otherwise: waived (免交, 0), reduced (减交) or set to another amount, with
its reason (诉讼费用交纳办法 Art.44–51). A decision is a row added, never changed: the newest is the
one in force (`funds.queries.fee_decided`), the older ones its history, each on the case's trail
(`funds.fee_decided`). A decision with no amount puts the fee back to the scale. Deferral (缓交) is
no decision here: the fee is paid after enforcement anyway (Art.20), out of what is recovered.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcelink.orgs.scoping import court_scope

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


class FeeDecisionQuerySet(models.QuerySet["FeeDecision"]):
    def visible_to(self, user: object) -> FeeDecisionQuerySet:
        return self.filter(court_scope(user, "case__court"))


class FeeDecision(models.Model):
    """One decision on the case's application fee: `amount` owed from now on (0: waived; None: the
    scale's again), `scale` what the scale gave on the amount fixed that day, and why."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="fee_decisions", verbose_name=_("case")
    )
    amount = models.DecimalField(_("application fee decided (yuan)"), null=True, blank=True, **MONEY)
    scale = models.DecimalField(_("application fee by the scale (yuan)"), **MONEY)
    reason = models.CharField(_("reason"), max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_label = models.CharField(_("decided by (label)"), max_length=150)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    objects = FeeDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("application fee decision")
        verbose_name_plural = _("application fee decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="fee_decision_amount_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["case", "-id"], name="fee_decision_case_newest")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.amount if self.amount is not None else self.scale}"
