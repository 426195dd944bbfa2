"""Pre-enforcement supervision (执前督促, issue 3 §4): effective judgments registered before anyone
applies for enforcement, the notices that urge the obligor to pay, and what the obligor then did.

Seed 001: after judgment the court sends risk notices and urging letters so that debtors pay
voluntarily and the case never needs enforcement; the voluntary-performance rate (自动履行率) is the
figure that measures it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enforcelink.cases.models import MONEY, BasisType, IdType, PartyKind, PartyRole
from enforcelink.orgs.scoping import court_scope


class JudgmentStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    NOTIFIED = "notified", _("Notices sent")
    PERFORMED = "performed", _("Performed voluntarily")
    PERFORMED_LATE = "performed_late", _("Performed after the deadline")
    UNPAID = "unpaid", _("Deadline passed unpaid")
    CONVERTED = "converted", _("Enforcement filed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Outcomes that count towards the voluntary-performance rate: the deadline has been reached.
DECIDED = (
    JudgmentStatus.PERFORMED,
    JudgmentStatus.PERFORMED_LATE,
    JudgmentStatus.UNPAID,
    JudgmentStatus.CONVERTED,
)


class JudgmentQuerySet(models.QuerySet["Judgment"]):
    def visible_to(self, user: Any) -> JudgmentQuerySet:
        return self.filter(court_scope(user))


class Judgment(models.Model):
    """An effective judgment (生效裁判) whose obligor is urged to perform before enforcement."""

    court = models.ForeignKey("orgs.Court", on_delete=models.PROTECT, related_name="judgments")
    number = models.CharField(_("judgment case number"), max_length=64)
    basis_type = models.CharField(
        _("document type"), max_length=32, choices=BasisType.choices, default=BasisType.JUDGMENT
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("judge"),
    )
    judge_name = models.CharField(_("trial judge"), max_length=50)
    effective_on = models.DateField(_("effective date"))
    performance_days = models.PositiveSmallIntegerField(_("period to perform (days)"), default=10)
    due_on = models.DateField(_("performance deadline"), db_index=True)
    due_trace = models.JSONField(default=dict, blank=True)
    principal = models.DecimalField(_("principal"), **MONEY)
    interest = models.DecimalField(_("interest"), default=0, **MONEY)
    costs = models.DecimalField(_("costs"), default=0, **MONEY)
    performed_amount = models.DecimalField(_("amount performed"), default=0, **MONEY)
    status = models.CharField(
        _("status"), max_length=16, choices=JudgmentStatus.choices, default=JudgmentStatus.REGISTERED
    )
    notified_on = models.DateField(_("notices sent on"), null=True, blank=True)
    performed_on = models.DateField(_("performed on"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    converted_case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="urged_judgment"
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)

    objects = JudgmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["court", "number"], name="judgment_number_per_court")]
        indexes = [models.Index(fields=["court", "status", "due_on"])]
        verbose_name = _("registered judgment")
        verbose_name_plural = _("registered judgments")

    def __str__(self) -> str:
        return self.number

    @property
    def amount_total(self) -> Any:
        return self.principal + self.interest + self.costs

    @property
    def is_open(self) -> bool:
        return self.status in (JudgmentStatus.REGISTERED, JudgmentStatus.NOTIFIED, JudgmentStatus.UNPAID)

    def can_notify(self) -> bool:
        return self.status in (JudgmentStatus.REGISTERED, JudgmentStatus.NOTIFIED)

    def can_convert(self, today: dt.date) -> bool:
        """One-click conversion once the deadline has passed without full performance."""
        return self.is_open and today > self.due_on


class JudgmentParty(models.Model):
    """The obligee (future applicant) or obligor (future respondent) of a registered judgment."""

    judgment = models.ForeignKey(Judgment, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=150)
    id_type = models.CharField(_("document type"), max_length=32, choices=IdType.choices)
    id_number = models.CharField(_("document number"), max_length=40, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    actual_controller = models.CharField(_("actual controller"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["judgment", "role", "position"]
        verbose_name = _("judgment party")
        verbose_name_plural = _("judgment parties")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id(self) -> str:
        from enforcelink.core.identifiers import mask_id

        return mask_id(self.id_number) if self.id_type == IdType.RESIDENT_ID else self.id_number
