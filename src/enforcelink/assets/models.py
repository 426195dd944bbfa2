"""Asset inquiry (财产查询) and the asset records the replies become (issue 15 §1–§2, R-ASSET-01).

- `Inquiry`: one click (or the automatic inquiry at filing) asking every R-ASSET-01 property kind of
  every unit whose responsibility list covers it, with its purpose and legal basis (R-ASSET-01: the
  Estonian lesson — queries without a recorded basis were suspended nationally in 2025), what went
  (`InquiryRequest`, one row per assistance request) and what could not go and why (`refusals`).
- `AssetRecord`: one real asset of the case (an account at a bank, a certificate, a plate), however
  many replies named it: `key` is its normalised identifier (`assets.normalise`), unique per case
  and kind; `AssetSource` says which requests named it, when, and with what value. The control
  measures of wave 2 point at a record.
- `InquirySample` / `InquirySampleItem`: a supervisor's random sample of a period's inquiries in
  the body's region, drawn with a recorded seed (reproducible), and the verdict on each.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcelink.cases.models import MONEY
from enforcelink.orgs.scoping import NOTHING, court_scope


class AssetKind(models.TextChoices):
    """What a record is (R-ASSET-01's property kinds, as the replies name them)."""

    DEPOSIT = "deposit", _("Deposits and financial products")
    ONLINE_FUNDS = "online_funds", _("Online-payment funds")
    REAL_ESTATE = "real_estate", _("Real estate and land")
    VEHICLE = "vehicle", _("Vehicle")
    SECURITIES = "securities", _("Securities")
    SHIP = "ship", _("Ship")
    EQUITY = "equity", _("Equity")
    HOUSING_FUND = "housing_fund", _("Housing fund")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance and pension")
    TAX_REFUND = "tax_refund", _("Tax refund due")
    TAX_RECORD = "tax_record", _("Tax record")
    EXIT_ENTRY = "exit_entry", _("Exit-entry document")


class CaseRowQuerySet(models.QuerySet[Any]):
    """Rows of a case: visible with their case's court records (a unit's liaison sees none)."""

    def visible_to(self, user: Any) -> CaseRowQuerySet:
        return self.filter(court_scope(user, "case__court"))


class Inquiry(models.Model):
    """一键查询: one inquiry into a case's respondents' property (R-ASSET-01)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="inquiries", verbose_name=_("case")
    )
    # The court, kept with the inquiry: the supervisors' sample reads a region's inquiries of a
    # period by (court, created_at) without joining every case.
    court = models.ForeignKey(
        "orgs.Court", on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("court")
    )
    kinds = models.JSONField(_("kinds asked"), default=list)
    purpose = models.CharField(_("purpose"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("requested by"),
    )  # fmt: skip
    automatic = models.BooleanField(_("automatic at filing"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Each (unit, kind) that could not go, and why: {unit, unit_name, request_type, code, message}.
    refusals = models.JSONField(_("not sent"), default=list, blank=True)
    requests = models.ManyToManyField(
        "linkage.AssistanceRequest", through="InquiryRequest", related_name="+", verbose_name=_("requests")
    )

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["court", "created_at"], name="inquiry_court_period")]
        constraints = [
            # R-ASSET-01: never an inquiry without its purpose and legal basis, whoever writes it.
            models.CheckConstraint(
                condition=~Q(purpose="") & ~Q(legal_basis=""), name="inquiry_purpose_and_basis"
            ),
        ]
        verbose_name = _("asset inquiry")
        verbose_name_plural = _("asset inquiries")

    def __str__(self) -> str:
        return f"{self.case_id} #{self.pk}"


class Outcome(models.TextChoices):
    PENDING = "pending", _("Awaiting the answer")
    FOUND = "found", _("Found")
    NOTHING = "nothing", _("Asked, nothing found")
    REJECTED = "rejected", _("Refused by the unit")


class InquiryRequest(models.Model):
    """One request an inquiry sent, and what its answer said."""

    inquiry = models.ForeignKey(
        Inquiry, on_delete=models.CASCADE, related_name="sent", verbose_name=_("asset inquiry")
    )
    request = models.OneToOneField(
        "linkage.AssistanceRequest", on_delete=models.PROTECT, related_name="inquiry_link",
        verbose_name=_("assistance request"),
    )  # fmt: skip
    request_type = models.CharField(_("request type"), max_length=32)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["inquiry", "id"]
        verbose_name = _("inquiry request")
        verbose_name_plural = _("inquiry requests")

    def __str__(self) -> str:
        return f"{self.inquiry_id} → {self.request_id}"


class AssetRecord(models.Model):
    """One asset of the case as the replies describe it; the latest value and its date are kept,
    every reply that named it is a source."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="asset_records", db_index=False,
        verbose_name=_("case"),
    )  # fmt: skip
    respondent = models.ForeignKey(
        "cases.Party", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("respondent"),
        help_text=_("Empty when the reply does not say which respondent holds it."),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=32, choices=AssetKind.choices)
    unit = models.ForeignKey(
        "orgs.LinkageUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("holding unit"),
    )  # fmt: skip
    institution = models.CharField(_("held at"), max_length=200, blank=True)
    identifier = models.CharField(_("identifier"), max_length=200, blank=True)
    # The identifier is a person's document number (a passport): shown masked (R-ID-05).
    identifier_is_id = models.BooleanField(_("identifier is an ID number"), default=False)
    description = models.CharField(_("description"), max_length=500, blank=True)
    key = models.CharField(_("normalised key"), max_length=255)
    value = models.DecimalField(_("balance or value (yuan)"), null=True, blank=True, **MONEY)
    value_on = models.DateField(_("value as of"), null=True, blank=True)
    co_owners = models.JSONField(_("co-owners"), default=list, blank=True)
    encumbrances = models.JSONField(_("encumbrances (mortgages, pledges)"), default=list, blank=True)
    other_measures = models.JSONField(_("measures by other courts"), default=list, blank=True)
    details = models.JSONField(_("other details"), default=dict, blank=True)
    first_seen_at = models.DateTimeField(_("first named at"))
    last_seen_at = models.DateTimeField(_("last named at"))
    sources = models.ManyToManyField(
        "linkage.AssistanceRequest", through="AssetSource", related_name="+", verbose_name=_("named by")
    )

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["case", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "key"], name="asset_record_once_per_case"),
        ]
        verbose_name = _("asset record")
        verbose_name_plural = _("asset records")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.identifier or self.description}"


class AssetSource(models.Model):
    """A reply that named the record: which request, when, and the value it gave."""

    record = models.ForeignKey(
        AssetRecord, on_delete=models.CASCADE, related_name="named_by", verbose_name=_("asset record")
    )
    request = models.ForeignKey(
        "linkage.AssistanceRequest", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("assistance request"),
    )  # fmt: skip
    seen_at = models.DateTimeField(_("named at"))
    value = models.DecimalField(_("balance or value (yuan)"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["record", "seen_at", "id"]
        constraints = [models.UniqueConstraint(fields=["record", "request"], name="asset_source_once")]
        verbose_name = _("asset record source")
        verbose_name_plural = _("asset record sources")

    def __str__(self) -> str:
        return f"{self.record_id} ← {self.request_id}"


class SampleQuerySet(models.QuerySet["InquirySample"]):
    def visible_to(self, user: Any) -> SampleQuerySet:
        """A body's samples for its supervisors; the operator sees all."""
        if not getattr(user, "is_active", False):
            return self.filter(NOTHING)
        if user.is_superuser:
            return self
        body_id = getattr(user, "body_id", None)
        return self.filter(body_id=body_id) if body_id else self.filter(NOTHING)


class InquirySample(models.Model):
    """A supervisor's random sample of a period's inquiries in the body's region (R-ASSET-01)."""

    body = models.ForeignKey(
        "orgs.SupervisoryBody", on_delete=models.PROTECT, related_name="+", verbose_name=_("supervisory body")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    size = models.PositiveIntegerField(_("sample size asked"))
    # The seed and the population's size: the same inquiries of the period, ordered by id, sampled
    # with this seed, give this sample again (a reviewer's choice is reproducible, not a whim).
    seed = models.BigIntegerField(_("random seed"))
    population = models.PositiveIntegerField(_("inquiries in the period"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by")
    )
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)

    objects = SampleQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "period_start", "period_end"], name="inquiry_sample_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="sample_period"
            ),
        ]
        verbose_name = _("inquiry sample")
        verbose_name_plural = _("inquiry samples")

    def __str__(self) -> str:
        return f"{self.body_id} {self.period_start}–{self.period_end}"


class Verdict(models.TextChoices):
    PROPER = "proper", _("Proper")
    NO_BASIS = "no_basis", _("Improper: no legal basis")
    BEYOND_PURPOSE = "beyond_purpose", _("Improper: beyond its purpose")


class InquirySampleItem(models.Model):
    """One inquiry drawn into a sample, and the supervisor's verdict on it (blank until reviewed)."""

    sample = models.ForeignKey(
        InquirySample, on_delete=models.CASCADE, related_name="items", verbose_name=_("inquiry sample")
    )
    inquiry = models.ForeignKey(
        Inquiry, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("asset inquiry")
    )
    position = models.PositiveIntegerField(_("position"))
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("reviewed by"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["sample", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "inquiry"], name="sample_item_once"),
        ]
        verbose_name = _("sampled inquiry")
        verbose_name_plural = _("sampled inquiries")

    def __str__(self) -> str:
        return f"{self.sample_id}: {self.inquiry_id} {self.verdict or '—'}"


# The control measures of wave 2 live in assets/control/ (imported here, so Django finds the model).
from enforcelink.assets.control.models import ControlMeasure  # noqa: E402, F401

# Expiry reminders of control measures (R-ASSET-02) live in assets/expiry/.
from enforcelink.assets.expiry.models import ExpiryReminder  # noqa: E402, F401

# The property report, the applicant's leads and re-inquiry after 终本 live in assets/reports/.
from enforcelink.assets.reports.models import (  # noqa: E402, F401
    LeadCheck,
    PropertyReport,
    Reinquiry,
    ReportedItem,
    ReportFinding,
    ReportLink,
)
