"""Enforcement cases, their parties, assignment, statutory-clock nodes and closure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models import Value as V
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcelink.core.errors import DomainError
from enforcelink.orgs.scoping import court_scope

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


class CaseType(models.TextChoices):
    """R-ID-04 enforcement type codes."""

    FIRST = "执", _("First enforcement (执)")
    RESUMED = "执恢", _("Resumed enforcement (执恢)")
    PRESERVATION = "执保", _("Preservation (执保)")
    OBJECTION = "执异", _("Enforcement objection (执异)")
    RECONSIDERATION = "执复", _("Reconsideration (执复)")
    SUPERVISION = "执监", _("Supervision (执监)")
    COORDINATION = "执协", _("Coordination (执协)")
    OTHER = "执他", _("Other (执他)")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class BasisType(models.TextChoices):
    JUDGMENT = "judgment", _("Civil judgment")
    RULING = "ruling", _("Civil ruling")
    MEDIATION = "mediation", _("Mediation statement")
    ARBITRAL_AWARD = "arbitral_award", _("Arbitral award")
    NOTARISED_DEBT = "notarised_debt", _("Notarised debt instrument")
    CRIMINAL_PROPERTY = "criminal_property", _("Property part of a criminal judgment")
    ADMINISTRATIVE = "administrative", _("Administrative decision (non-litigation)")
    OTHER = "other", _("Other")


class ClosureMode(models.TextChoices):
    """R-CASE-05 结案方式."""

    FULLY_PERFORMED = "fully_performed", _("执行完毕 (fully performed)")
    TERMINATED_THIS_ROUND = "terminated_this_round", _("终结本次执行程序 (终本)")
    TERMINATED = "terminated", _("终结执行 (enforcement ended)")
    WITHDRAWN_ADMIN = "cancelled", _("销案 (administrative closure)")
    REFUSED = "refused", _("不予执行 (enforcement refused)")
    REJECTED = "rejected", _("驳回申请 (application rejected)")


def _without(field: str, characters: str) -> Any:
    """The text of `field` without any of `characters`, as a database expression."""
    expression: Any = F(field)
    for character in characters:
        expression = Replace(expression, V(character), V(""))
    return expression


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: object) -> CaseQuerySet:
        return self.filter(court_scope(user))

    def open(self) -> CaseQuerySet:
        return self.filter(status=CaseStatus.OPEN)


class Case(models.Model):
    """An enforcement case (执行案件)."""

    court = models.ForeignKey(
        "orgs.Court", on_delete=models.PROTECT, related_name="cases", verbose_name=_("court")
    )
    number = models.CharField(_("case number"), max_length=64, unique=True)
    # The 案号 as searched (core.identifiers.case_number_key): （2026）渝0110执133号 → 2026渝0110执133号,
    # so "2026渝0110执133" and any part of it are one LIKE away. Kept by the database, whoever writes the
    # number (filing, import, the demo's COPY); its trigram index is PostgreSQL-only (migration 0009).
    number_key = models.GeneratedField(
        expression=_without("number", "（）()"),
        output_field=models.CharField(max_length=64),
        db_persist=True,
        verbose_name=_("case number search key"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    type_code = models.CharField(_("type"), max_length=4, choices=CaseType.choices, default=CaseType.FIRST)
    sequence = models.PositiveIntegerField(_("sequence"))
    filed_on = models.DateField(_("filing date"))
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)

    basis_type = models.CharField(_("basis type"), max_length=32, choices=BasisType.choices)
    basis_body = models.CharField(_("issuing body"), max_length=150)
    basis_number = models.CharField(_("basis document number"), max_length=100, db_index=True)
    basis_effective_on = models.DateField(_("basis effective date"), null=True, blank=True)
    # 履行期限届满日: the last day the basis gave the debtor to perform; R-MONEY-02's doubled interest
    # runs from the day after (funds.policy.delay_start). Unknown: no doubled interest is computed.
    performance_due_on = models.DateField(_("performance period ends"), null=True, blank=True)

    principal = models.DecimalField(_("principal (yuan)"), default=Decimal("0"), **MONEY)
    interest = models.DecimalField(_("interest (yuan)"), default=Decimal("0"), **MONEY)
    costs = models.DecimalField(_("costs (yuan)"), default=Decimal("0"), **MONEY)
    is_money_case = models.BooleanField(_("money case"), default=True)
    is_non_litigation = models.BooleanField(_("non-litigation case"), default=False)

    is_livelihood = models.BooleanField(_("涉民生"), default=False)
    is_small_claim = models.BooleanField(_("小标的"), default=False)
    small_claim_threshold = models.DecimalField(_("small-claim threshold in force"), null=True, **MONEY)
    is_labour_pay = models.BooleanField(_("劳动报酬"), default=False)
    is_financial = models.BooleanField(_("涉金融"), default=False)
    is_enterprise = models.BooleanField(_("涉企"), default=False)

    team = models.ForeignKey(
        "orgs.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("team"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("officer"),
    )

    closed_on = models.DateField(_("closing date"), null=True, blank=True)
    closure_mode = models.CharField(_("closure mode"), max_length=32, choices=ClosureMode.choices, blank=True)
    closure_details = models.JSONField(_("closure details"), default=dict, blank=True)
    closed_within_period = models.BooleanField(_("closed within the statutory period"), null=True, blank=True)
    recovered_amount = models.DecimalField(_("amount recovered (yuan)"), default=Decimal("0"), **MONEY)
    resumed_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resumptions",
        verbose_name=_("resumed from"),
    )
    imported = models.BooleanField(_("imported"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["court", "type_code", "year", "sequence"], name="case_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(principal__gte=0) & Q(interest__gte=0) & Q(costs__gte=0),
                name="case_amounts_nonneg",
            ),
        ]
        indexes = [
            # The case list, newest first (issue 14 §12): a keyset page (core.pages) reads its 25 rows
            # from one of these at any depth, for a court, a court and status, an officer, or a region.
            models.Index(fields=["court", "-filed_on", "-id"], name="case_list_court"),
            models.Index(fields=["court", "status", "-filed_on", "-id"], name="case_list_status"),
            models.Index(fields=["officer", "-filed_on", "-id"], name="case_list_officer"),
            models.Index(fields=["-filed_on", "-id"], name="case_list_all"),
            # An officer's open cases, oldest first (the workbench), and their count.
            models.Index(fields=["officer", "status", "filed_on", "id"], name="case_officer_status"),
            # Duplicate detection looks up the same basis document at the same court and type.
            models.Index(fields=["court", "type_code", "basis_number"], name="case_duplicate_lookup"),
            # A 案号 typed in parts ("2026执133", "渝0110执133号") across courts and years.
            models.Index(fields=["sequence", "type_code", "year"], name="case_number_parts"),
        ]
        verbose_name = _("enforcement case")
        verbose_name_plural = _("enforcement cases")

    def __str__(self) -> str:
        return self.number

    @property
    def amount_total(self) -> Decimal:
        return self.principal + self.interest + self.costs

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    def can_resume(self) -> bool:
        """Only a 终本 case is resumed (执恢), and only once at a time (R-CASE-05)."""
        if not (self.is_closed and self.closure_mode == ClosureMode.TERMINATED_THIS_ROUND):
            return False
        return not self.resumptions.filter(status=CaseStatus.OPEN).exists()

    def can_close_as(self, mode: str, on: dt.date | None = None) -> bool:
        """Whether the case may be closed in `mode` on `on` (default today), before looking at the
        mode's details: open, a known mode, and the date-based conditions (R-CASE-05, R-ZB-02)."""
        from enforcelink.cases import policy

        if self.is_closed or mode not in ClosureMode.values:
            return False
        today = timezone.localdate()
        on = on or today
        try:
            policy.check_closure_date(on, self.filed_on, today)
            if mode == ClosureMode.TERMINATED_THIS_ROUND:
                policy.check_zb_waiting_period(self.filed_on, on)
        except DomainError:
            return False
        return True

    @property
    def open_suspension(self) -> CaseSuspension | None:
        return self.suspensions.filter(ended_on__isnull=True).first()


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant (申请执行人)")
    RESPONDENT = "respondent", _("Respondent (被执行人)")


class PartyKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    ORGANISATION = "organisation", _("Organisation")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO_PERMIT = "hk_macao_permit", _("Hong Kong/Macao travel permit")
    TAIWAN_PERMIT = "taiwan_permit", _("Taiwan travel permit")
    FOREIGN_PR = "foreign_pr", _("Foreign permanent-resident card")
    USCC = "uscc", _("Unified social credit code")


PERSON_ID_TYPES = {
    IdType.RESIDENT_ID,
    IdType.PASSPORT,
    IdType.HK_MACAO_PERMIT,
    IdType.TAIWAN_PERMIT,
    IdType.FOREIGN_PR,
}


class CaseScopedQuerySet(models.QuerySet[Any]):
    """Rows that belong to a case: visible with their case (STYLE.md: one scoping mechanism)."""

    def visible_to(self, user: object) -> CaseScopedQuerySet:
        return self.filter(court_scope(user, "case__court"))


class PartyQuerySet(models.QuerySet["Party"]):
    def visible_to(self, user: object) -> PartyQuerySet:
        return self.filter(court_scope(user, "case__court"))


class Party(models.Model):
    """An applicant or respondent of a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties", verbose_name=_("case"))
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=150, db_index=True)
    id_type = models.CharField(_("document type"), max_length=32, choices=IdType.choices)
    id_number = models.CharField(_("document number"), max_length=40, db_index=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    actual_controller = models.CharField(_("actual controller"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["case", "role", "position"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id(self) -> str:
        from enforcelink.core.identifiers import mask_id

        return mask_id(self.id_number) if self.id_type == IdType.RESIDENT_ID else self.id_number


class Assignment(models.Model):
    """R-CASE-06: who got the case, how (random balanced rotation or reassignment) and why."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("case")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    team = models.ForeignKey(
        "orgs.Team", null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    method = models.CharField(_("method"), max_length=32)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    candidates = models.JSONField(_("candidates"), default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.officer_id} ({self.method})"


class NodeKind(models.TextChoices):
    EXECUTION_NOTICE = "execution_notice", _("Execution notice sent (执行通知书)")
    PROPERTY_REPORT = "property_report", _("Property-report order sent (报告财产令)")
    NETWORK_INQUIRY = "network_inquiry", _("Network inquiry (总对总)")
    LOCAL_INQUIRY = "local_inquiry", _("Local inquiry (点对点)")
    FOUR_INQUIRIES = "four_inquiries", _("Four inquiries and two reports (四查两报)")
    LEAD_VERIFICATION = "lead_verification", _("Applicant's asset lead verified")
    CLOSURE = "closure", _("Case closed within the statutory period")


class PeriodUnit(models.TextChoices):
    DAYS = "days", _("days")
    WORKING_DAYS = "working_days", _("working days")
    MONTHS = "months", _("months")


class NodeRuleQuerySet(models.QuerySet["NodeRule"]):
    def visible_to(self, user: Any) -> NodeRuleQuerySet:
        """A court's staff see the defaults and their own court's overrides."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self
        if getattr(user, "is_court_staff", False) and user.is_active:
            return self.filter(Q(court__isnull=True) | Q(court_id=user.court_id))
        return self.none()


class NodeRule(models.Model):
    """A statutory-clock rule as data (R-CASE-01..04); a court's row overrides the default (court empty)."""

    court = models.ForeignKey(
        "orgs.Court",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="node_rules",
        verbose_name=_("court"),
    )
    kind = models.CharField(_("node"), max_length=32, choices=NodeKind.choices)
    rule_id = models.CharField(_("rule"), max_length=16)
    amount = models.PositiveSmallIntegerField(_("period"))
    unit = models.CharField(_("unit"), max_length=16, choices=PeriodUnit.choices)
    urgent_amount = models.PositiveSmallIntegerField(_("period when urgent"), null=True, blank=True)
    non_litigation_amount = models.PositiveSmallIntegerField(
        _("period for non-litigation cases"), null=True, blank=True
    )
    money_cases_only = models.BooleanField(_("money cases only"), default=False)
    on_filing = models.BooleanField(_("opened on filing"), default=True)

    objects = NodeRuleQuerySet.as_manager()

    class Meta:
        ordering = ["court", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["court", "kind"], name="node_rule_per_court"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(court__isnull=True), name="node_rule_default"
            ),
        ]
        verbose_name = _("node rule")
        verbose_name_plural = _("node rules")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} {self.get_unit_display()} ({self.rule_id})"


class NodeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")
    SUSPENDED = "suspended", _("Suspended")
    MOOT = "moot", _("Ended with the case")


class ProcessNodeQuerySet(models.QuerySet["ProcessNode"]):
    def visible_to(self, user: object) -> ProcessNodeQuerySet:
        return self.filter(court_scope(user, "case__court"))


class ProcessNode(models.Model):
    """One statutory clock on a case: due date, the rule values in force, and the trace (R-TIME-02)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("case"))
    kind = models.CharField(_("node"), max_length=32, choices=NodeKind.choices)
    rule_id = models.CharField(_("rule"), max_length=16)
    rule_values = models.JSONField(_("rule values in force"), default=dict)
    start_event = models.CharField(_("start event"), max_length=64)
    start_date = models.DateField(_("start date"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=16, choices=NodeStatus.choices, default=NodeStatus.OPEN)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completed_by = models.CharField(_("completed by"), max_length=64, blank=True)
    lead = models.ForeignKey(
        "AssetLead",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="nodes",
        verbose_name=_("asset lead"),
    )
    overdue_at = models.DateTimeField(_("overdue at"), null=True, blank=True)
    excluded_days = models.PositiveIntegerField(_("excluded days"), default=0)
    extensions_months = models.PositiveSmallIntegerField(_("months of extension"), default=0)
    trace = models.JSONField(_("how the due date was counted"), default=dict)

    objects = ProcessNodeQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            # The command centre's overdue list in its order (issue 14 §12): the earliest due first,
            # among the clocks still running, so a page is read from the front of this index.
            models.Index(
                fields=["due_on", "id"],
                name="node_running_due",
                condition=Q(status__in=["open", "overdue"]),
            ),
        ]
        verbose_name = _("process node")
        verbose_name_plural = _("process nodes")

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} ≤ {self.due_on}"

    @property
    def is_pending(self) -> bool:
        """Still running: open, overdue or paused; done and moot nodes are finished."""
        return self.status in (NodeStatus.OPEN, NodeStatus.OVERDUE, NodeStatus.SUSPENDED)

    def is_overdue_on(self, today: dt.date) -> bool:
        """Marked overdue by the sweep, or open past its due date and not swept yet."""
        return self.status == NodeStatus.OVERDUE or (self.status == NodeStatus.OPEN and self.due_on < today)

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def completed_late(self) -> bool | None:
        """None while not completed; else whether the completing event came after the due date."""
        if self.completed_on is None:
            return None
        return self.completed_on > self.due_on


class SuspensionKind(models.TextChoices):
    """R-CASE-03: periods not counted toward the closure deadline."""

    AUDIT = "audit", _("Audit or appraisal")
    SUSPENSION = "suspension", _("Suspension of enforcement (中止)")
    SETTLEMENT = "settlement", _("Settlement deferral")
    AUCTION = "auction", _("Auction or sale")


class CaseSuspension(models.Model):
    """A period not counted toward the closure deadline (R-CASE-03); at most one open per case."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="suspensions", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SuspensionKind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    excluded_days = models.PositiveIntegerField(_("days not counted"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ended by"),
    )

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_on__isnull=True), name="one_open_suspension_per_case"
            )
        ]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the president")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    LAPSED = "lapsed", _("Lapsed: the case was closed first")


class ExtensionRequest(models.Model):
    """R-CASE-03: +3 months, asked at least 5 days before expiry, decided by the president."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="extension_requests", verbose_name=_("case")
    )
    months = models.PositiveSmallIntegerField(_("months"), default=3)
    reason = models.CharField(_("reason"), max_length=500)
    high_court_ref = models.CharField(_("high-court filing reference"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="one_pending_extension_per_case"
            )
        ]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"+{self.months} months ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ExtensionStatus.PENDING


class AssetLead(models.Model):
    """An asset lead (财产线索) the applicant gave the court; verified within 7 days, 3 if urgent (R-CASE-04)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="asset_leads", verbose_name=_("case")
    )
    description = models.CharField(_("description"), max_length=1000)
    urgent = models.BooleanField(_("urgent"), default=False)
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_on", "id"]
        verbose_name = _("asset lead")
        verbose_name_plural = _("asset leads")

    def __str__(self) -> str:
        return self.description[:40]
