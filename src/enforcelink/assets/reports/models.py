"""The debtor's property report, the applicant's leads and re-inquiry after 终本 (issue 15 §3, §7).

- `PropertyReport`: opened when the 报告财产令 is issued (CPL Art.252), with the period the order
  prints; the debtor's report is entered by staff or filled in through a one-time link
  (`ReportLink`), item by item (`ReportedItem`), then compared with the asset records the inquiries
  found. A late report, no report, or property found that the report left out is a ground for
  sanctions (R-LIST-01 (4)): a `ReportFinding`, which an officer confirms or dismisses with a reason
  and which the sanctions issue reads.
- `LeadCheck`: the verification of an applicant's asset lead (cases' `AssetLead`, R-CASE-04): the
  inquiry it asked, the asset records it produced, and the outcome that completes its clock.
- `Reinquiry`: one scheduled re-inquiry of a 终本 case (every 6 months for 5 years, R-ASSET-05), its
  inquiry, what it found new, and the notice that told the applicant.
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

# assets.models imports this module at its end (so Django finds these models); the asset records and
# inquiries are named by their labels ("assets.AssetRecord"), so the two never import each other.


class CaseRowQuerySet(models.QuerySet[Any]):
    """Rows of a case: visible with their case's court records (as assets.models' rows)."""

    def visible_to(self, user: Any) -> CaseRowQuerySet:
        return self.filter(court_scope(user, "case__court"))


class ReportStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting the debtor's report")
    REPORTED = "reported", _("Reported")
    SUPERSEDED = "superseded", _("Superseded by a newer order")


class ReportChannel(models.TextChoices):
    STAFF = "staff", _("Entered by court staff")
    LINK = "link", _("Filled in by the debtor through a one-time link")


class PropertyReport(models.Model):
    """报告财产令's duty to report (CPL Art.252): from the order's issue to its period's end."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="property_reports", verbose_name=_("case")
    )
    order = models.OneToOneField(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("property-report order"),
    )
    ordered_on = models.DateField(_("ordered on"))
    due_on = models.DateField(_("report due on"))
    # R-TIME-02: why the due date is that date (the same computation as the order prints).
    trace = models.JSONField(_("how the due date was computed"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.AWAITING
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    channel = models.CharField(_("reported through"), max_length=8, choices=ReportChannel.choices, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("entered by"),
    )  # fmt: skip
    declares_nothing = models.BooleanField(_("declares no property"), default=False)
    statement = models.TextField(_("the debtor's statement"), blank=True)
    compared_at = models.DateTimeField(_("compared at"), null=True, blank=True)
    # A newer order issued while this report was awaited replaces it: one duty, one deadline.
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("superseded by"),
    )  # fmt: skip
    closed_reason = models.CharField(_("why it was closed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["-ordered_on", "-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="property_report_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["awaiting", "superseded"], reported_on__isnull=True)
                | Q(status="reported", reported_on__isnull=False),
                name="property_report_reported_on",
            ),
            models.CheckConstraint(
                condition=Q(status="superseded", superseded_by__isnull=False) & ~Q(closed_reason="")
                | ~Q(status="superseded") & Q(superseded_by__isnull=True),
                name="property_report_superseded_by",
            ),
        ]
        verbose_name = _("property report")
        verbose_name_plural = _("property reports")

    def __str__(self) -> str:
        return f"{self.case_id} {self.ordered_on}"

    @property
    def is_late(self) -> bool:
        """Reported after the due date, or not yet reported when it has passed (R-LIST-01 (4)); a
        superseded report's deadline no longer runs (the newer order's does)."""
        if self.status == ReportStatus.SUPERSEDED:
            return False
        on = self.reported_on or timezone.localdate()
        return on > self.due_on


class ReportedKind(models.TextChoices):
    """What a debtor reports: the asset kinds the inquiries find, plus what no unit can answer."""

    DEPOSIT = "deposit", _("Deposits and financial products")
    ONLINE_FUNDS = "online_funds", _("Online-payment funds")
    REAL_ESTATE = "real_estate", _("Real estate and land")
    VEHICLE = "vehicle", _("Vehicle")
    SECURITIES = "securities", _("Securities")
    SHIP = "ship", _("Ship")
    EQUITY = "equity", _("Equity")
    HOUSING_FUND = "housing_fund", _("Housing fund")
    INCOME = "income", _("Income (wages, business income)")
    CLAIM = "claim", _("Claims and other property rights")
    OTHER = "other", _("Other property")


class ReportedItem(models.Model):
    """One item of the debtor's report, and the asset record it matches, if any."""

    report = models.ForeignKey(
        PropertyReport, on_delete=models.CASCADE, related_name="items", verbose_name=_("property report")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReportedKind.choices)
    institution = models.CharField(_("held at"), max_length=200, blank=True)
    identifier = models.CharField(_("identifier"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    value = models.DecimalField(_("value (yuan)"), null=True, blank=True, **MONEY)
    record = models.ForeignKey(
        "assets.AssetRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("matching asset record"),
    )  # fmt: skip

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("reported item")
        verbose_name_plural = _("reported items")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.identifier or self.description}"


class FindingKind(models.TextChoices):
    """R-LIST-01 (4) breaches of the duty to report property."""

    LATE = "late", _("Reported late")
    FALSE = "false", _("Property found that the report left out (possible false report)")
    NONE = "none", _("No report by the deadline")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("To decide")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class ReportFinding(models.Model):
    """A ground for sanctions (R-LIST-01 (4)) the platform saw, for an officer to confirm or dismiss;
    the sanctions issue reads the confirmed ones."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="report_findings", verbose_name=_("case")
    )
    report = models.ForeignKey(
        PropertyReport, on_delete=models.PROTECT, related_name="findings", verbose_name=_("property report")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=FindingKind.choices)
    detail = models.CharField(_("what it rests on"), max_length=500)
    # The asset records a "false" finding names (found by the inquiries, not in the report).
    records = models.ManyToManyField(
        "assets.AssetRecord", blank=True, related_name="+", verbose_name=_("asset records")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["case", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="report_finding_once"),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(reason=""), name="report_finding_decided_with_reason"
            ),
        ]
        verbose_name = _("report finding")
        verbose_name_plural = _("report findings")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.status}"


class ReportLink(models.Model):
    """A one-time link through which the debtor fills in the report without signing in: the URL
    carries a signed token naming this row and a secret whose hash is kept here; used once."""

    report = models.ForeignKey(
        PropertyReport, on_delete=models.CASCADE, related_name="links", verbose_name=_("property report")
    )
    secret_hash = models.CharField(_("secret (SHA-256)"), max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["report", "-created_at"]
        verbose_name = _("report link")
        verbose_name_plural = _("report links")

    def __str__(self) -> str:
        return f"{self.report_id} #{self.pk}"


class LeadOutcome(models.TextChoices):
    PENDING = "pending", _("Being verified")
    CONFIRMED = "confirmed", _("Confirmed: property found")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")


class LeadCheck(models.Model):
    """The verification of an applicant's asset lead (R-CASE-04): what was asked, what it found."""

    lead = models.OneToOneField(
        "cases.AssetLead", on_delete=models.CASCADE, related_name="verification", verbose_name=_("asset lead")
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    inquiries = models.ManyToManyField(
        "assets.Inquiry", blank=True, related_name="leads", verbose_name=_("inquiries")
    )
    records = models.ManyToManyField(
        "assets.AssetRecord", blank=True, related_name="leads", verbose_name=_("asset records")
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=LeadOutcome.choices, default=LeadOutcome.PENDING
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["case", "lead"]
        verbose_name = _("lead verification")
        verbose_name_plural = _("lead verifications")

    def __str__(self) -> str:
        return f"{self.lead_id} {self.outcome}"


class ReinquiryStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Asked, awaiting answers")
    DONE = "done", _("Done, applicant told")
    STOPPED = "stopped", _("Stopped")
    FAILED = "failed", _("Could not be asked")


class Reinquiry(models.Model):
    """One re-inquiry of a 终本 case's debtor's property (R-ASSET-05)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="reinquiries", db_index=False,
        verbose_name=_("case"),
    )  # fmt: skip
    round = models.PositiveSmallIntegerField(_("round"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReinquiryStatus.choices, default=ReinquiryStatus.SCHEDULED
    )
    inquiry = models.OneToOneField(
        "assets.Inquiry", null=True, blank=True, on_delete=models.PROTECT, related_name="reinquiry",
        verbose_name=_("asset inquiry"),
    )  # fmt: skip
    ran_at = models.DateTimeField(_("asked at"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    new_records = models.ManyToManyField(
        "assets.AssetRecord", blank=True, related_name="+", verbose_name=_("new property found")
    )
    notice = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("notice to the applicant"),
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["case", "round"]
        indexes = [models.Index(fields=["status", "due_on"], name="reinquiry_due")]
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="reinquiry_round_once")]
        verbose_name = _("re-inquiry after 终本")
        verbose_name_plural = _("re-inquiries after 终本")

    def __str__(self) -> str:
        return f"{self.case_id} #{self.round} {self.due_on}"
