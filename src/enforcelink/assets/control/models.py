"""Control measures (查控措施: 冻结、解冻、扣划、查封、解封、续行、查人扣车), issue 15 §4, R-ASSET-02/03/04.

One measure is one assistance request of the matching type (`REQUEST_TYPES`): it is sent through
linkage and takes effect only when the unit confirms it (`listeners.confirmation`). A freeze, a
seizure and a vehicle detention hold value (`HOLDING`); an unfreeze, a release and a deduction act
on the measure they name (`parent`), and a renewal extends it. The budget (`budget.py`) counts what
the holding measures hold net of the releases already ordered and the money deducted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcelink.cases.models import MONEY
from enforcelink.orgs.scoping import court_scope


class MeasureQuerySet(models.QuerySet["ControlMeasure"]):
    """A case's measures: visible with their case's court records (a unit's liaison sees none)."""

    def visible_to(self, user: Any) -> MeasureQuerySet:
        return self.filter(court_scope(user, "case__court"))


class MeasureKind(models.TextChoices):
    FREEZE = "freeze", _("Freeze")
    UNFREEZE = "unfreeze", _("Unfreeze")
    DEDUCT = "deduct", _("Deduct")
    SEIZE = "seize", _("Seize")
    RELEASE = "release", _("Release a seizure")
    RENEW = "renew", _("Renewal")
    DETAIN_VEHICLE = "detain_vehicle", _("Detain a vehicle")


class MeasureStatus(models.TextChoices):
    SENT = "sent", _("Sent, awaiting confirmation")
    EFFECTIVE = "effective", _("In effect")
    PARTLY_EFFECTIVE = "partly_effective", _("Partly in effect")
    REFUSED = "refused", _("Refused by the unit")
    RELEASED = "released", _("Released")
    LAPSED = "lapsed", _("Lapsed")
    CANCELLED = "cancelled", _("Cancelled")


# What holds value under control, and what acts on such a measure.
HOLDING = frozenset({MeasureKind.FREEZE, MeasureKind.SEIZE, MeasureKind.DETAIN_VEHICLE})
LIFTING = frozenset({MeasureKind.UNFREEZE, MeasureKind.RELEASE})
IN_EFFECT = frozenset({MeasureStatus.EFFECTIVE, MeasureStatus.PARTLY_EFFECTIVE})
# A measure still waiting for its unit (an unfreeze or release ordered counts from then on).
OPEN = frozenset({MeasureStatus.SENT})
# Ordered and not undone: an unfreeze or release in these counts as released (R-ASSET-03 "net of
# releases already ordered").
ORDERED = frozenset({MeasureStatus.SENT, MeasureStatus.EFFECTIVE, MeasureStatus.PARTLY_EFFECTIVE})

# The request type a measure travels as; a renewal's depends on what it renews.
REQUEST_TYPES = {
    MeasureKind.FREEZE: "freeze",
    MeasureKind.UNFREEZE: "unfreeze",
    MeasureKind.DEDUCT: "deduct",
    MeasureKind.SEIZE: "seize",
    MeasureKind.RELEASE: "release",
    MeasureKind.DETAIN_VEHICLE: "detain_vehicle",
}
RENEWAL_TYPES = {MeasureKind.FREEZE: "renew_freeze", MeasureKind.SEIZE: "renew_seizure"}
KIND_OF_REQUEST = {
    **{request_type: kind for kind, request_type in REQUEST_TYPES.items()},
    "renew_freeze": MeasureKind.RENEW,
    "renew_seizure": MeasureKind.RENEW,
}


class ControlMeasure(models.Model):
    """One control measure of a case, as its unit confirmed it (or not yet)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="control_measures", db_index=False,
        verbose_name=_("case"),
    )  # fmt: skip
    # Empty for a deposit freeze of "all the debtor's accounts at bank X" (the unit names the account).
    record = models.ForeignKey(
        "assets.AssetRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="measures",
        verbose_name=_("asset record"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=16, choices=MeasureKind.choices)
    request = models.OneToOneField(
        "linkage.AssistanceRequest", on_delete=models.PROTECT, related_name="control_measure",
        verbose_name=_("assistance request"),
    )  # fmt: skip
    unit = models.ForeignKey(
        "orgs.LinkageUnit", on_delete=models.PROTECT, related_name="+", db_index=False,
        verbose_name=_("holding unit"),
    )  # fmt: skip
    identifier = models.CharField(_("account, certificate or plate"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.SENT
    )
    # A freeze's or deduction's amount asked, an unfreeze's amount, a seized item's value (R-ASSET-03).
    requested_amount = models.DecimalField(_("amount asked or value"), null=True, blank=True, **MONEY)
    confirmed_amount = models.DecimalField(_("amount confirmed"), null=True, blank=True, **MONEY)
    term_start = models.DateField(_("in effect from"), null=True, blank=True)
    term_end = models.DateField(_("in effect until"), null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("measure acted on"),
        help_text=_("The measure this one renews, releases or deducts from."),
    )  # fmt: skip
    indivisible = models.BooleanField(_("indivisible"), default=False)
    indivisible_reason = models.CharField(_("why held whole"), max_length=300, blank=True)
    # R-ASSET-04: a seizure registered behind another court's waits; 1 is next in line.
    waiting_position = models.PositiveIntegerField(_("place in the waiting list"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # What the unit said, or why a confirmation had no effect.
    note = models.CharField(_("note"), max_length=500, blank=True)
    automatic = models.BooleanField(_("ordered by the platform"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["case", "created_at", "id"]
        indexes = [
            models.Index(fields=["case", "status"], name="measure_case_status"),
            # The expiry lists (R-ASSET-02 reminders, the lapse sweep): measures in effect by term end.
            models.Index(
                fields=["term_end"], condition=Q(status__in=["effective", "partly_effective"]),
                name="measure_in_effect_until",
            ),
            # R-ASSET-04: a record's waiting seizures in their order.
            models.Index(
                fields=["record", "waiting_position"], condition=Q(waiting_position__isnull=False),
                name="measure_waiting_order",
            ),
        ]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                condition=(Q(requested_amount__isnull=True) | Q(requested_amount__gte=0))
                & (Q(confirmed_amount__isnull=True) | Q(confirmed_amount__gte=0)),
                name="measure_amounts_not_negative",
            ),
            # R-ASSET-03: held whole only with the reason recorded.
            models.CheckConstraint(
                condition=Q(indivisible=False) | ~Q(indivisible_reason=""), name="measure_indivisible_reason"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(kind__in=["unfreeze", "release", "deduct", "renew"]),
                name="measure_parent_kinds",
            ),
        ]
        verbose_name = _("control measure")
        verbose_name_plural = _("control measures")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def holds(self) -> bool:
        return self.kind in HOLDING

    @property
    def in_effect(self) -> bool:
        return self.status in IN_EFFECT

    def remaining_days(self, today: Any) -> int | None:
        """Days until the term ends, the last day counted (R-ASSET-02); None without a term."""
        return (self.term_end - today).days if self.term_end else None
