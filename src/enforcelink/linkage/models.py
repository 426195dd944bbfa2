"""Assistance requests from the court to linkage units (协助执行请求), the units' responsibility
lists (职责清单), and each request's append-only events and follow-up thread (issue 4).

Seed 000's online platform (执行联动事务网上办理工作平台): requests go online with deadlines, both
sides talk in one thread, and supervisors see which unit is slow; seed 003 complains that a notice
is served and never followed up. Everything a figure needs is an event row, never reconstructed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcelink.orgs.models import UnitType
from enforcelink.orgs.scoping import NOTHING, court_scope


class RequestType(models.TextChoices):
    """What a court asks a unit to do (DOMAIN.md §10; R-ASSET-01 property kinds for inquiries)."""

    INQUIRE_DEPOSITS = "inquire_deposits", _("Inquiry: deposits and financial products")
    INQUIRE_REAL_ESTATE = "inquire_real_estate", _("Inquiry: real estate and land")
    INQUIRE_VEHICLES = "inquire_vehicles", _("Inquiry: vehicles")
    INQUIRE_SECURITIES = "inquire_securities", _("Inquiry: securities")
    INQUIRE_SHIPS = "inquire_ships", _("Inquiry: ships")
    INQUIRE_ONLINE_FUNDS = "inquire_online_funds", _("Inquiry: online-payment funds")
    INQUIRE_EQUITY = "inquire_equity", _("Inquiry: equity and business registration")
    INQUIRE_HOUSING_FUND = "inquire_housing_fund", _("Inquiry: housing fund")
    INQUIRE_SOCIAL_INSURANCE = "inquire_social_insurance", _("Inquiry: social insurance and pensions")
    INQUIRE_TAX = "inquire_tax", _("Inquiry: tax records and refunds")
    INQUIRE_EXIT_ENTRY = "inquire_exit_entry", _("Inquiry: exit-entry documents")
    INQUIRE_HOUSEHOLD = "inquire_household", _("Inquiry: household registration and address")
    INQUIRE_MARRIAGE = "inquire_marriage", _("Inquiry: marriage registration")
    INQUIRE_PHONE = "inquire_phone", _("Inquiry: phone-number ownership")
    FREEZE = "freeze", _("Freeze")
    UNFREEZE = "unfreeze", _("Unfreeze")
    RENEW_FREEZE = "renew_freeze", _("Renew a freeze")
    DEDUCT = "deduct", _("Deduct")
    SEIZE = "seize", _("Seize")
    RELEASE = "release", _("Release a seizure")
    RENEW_SEIZURE = "renew_seizure", _("Renew a seizure")
    DETAIN_VEHICLE = "detain_vehicle", _("Find and detain a vehicle (查人扣车)")
    LOCATE_PERSON = "locate_person", _("Locate a person")
    TEMPORARY_CONTROL = "temporary_control", _("Temporary control (临控)")
    ASSIST_DETENTION = "assist_detention", _("Assist detention or compulsory summons")
    EXIT_RESTRICTION = "exit_restriction", _("Exit restriction")
    ARCHIVE_SEARCH = "archive_search", _("Archive search (档案查询)")
    PRICE_INQUIRY = "price_inquiry", _("Directed price inquiry (定向询价)")
    SERVE_DOCUMENTS = "serve_documents", _("Service of documents")
    OFFICIAL_NOTIFICATION = "official_notification", _("Public-official notification")
    JOINT_PUNISHMENT = "joint_punishment", _("Joint-punishment push")


class SlaUnit(models.TextChoices):
    DAYS = "days", _("days")
    WORKING_DAYS = "working_days", _("working days")


class ResponsibilityQuerySet(models.QuerySet["Responsibility"]):
    def visible_to(self, user: Any) -> ResponsibilityQuerySet:
        if getattr(user, "is_active", False) and (
            user.is_superuser or user.is_court_staff or user.is_unit_staff
        ):
            return self
        return self.filter(NOTHING)


class Responsibility(models.Model):
    """One line of a responsibility list: a request type a unit type (or one unit) handles, with its
    SLA. Rows override the shipped defaults (`policy.DEFAULT_LISTS`); a unit's row beats its type's."""

    unit_type = models.CharField(
        _("unit type"),
        max_length=32,
        blank=True,
        choices=UnitType.choices,
        help_text=_("The line applies to every unit of this type; leave empty for a line of one unit."),
    )
    unit = models.ForeignKey(
        "orgs.LinkageUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="responsibilities",
        verbose_name=_("linkage unit"),
        help_text=_("Only this unit, ahead of its type's line; leave empty for a unit type's line."),
    )  # fmt: skip
    request_type = models.CharField(_("request type"), max_length=32, choices=RequestType.choices)
    sla_amount = models.PositiveSmallIntegerField(_("time limit"))
    sla_unit = models.CharField(_("unit of time"), max_length=16, choices=SlaUnit.choices)
    needs_approval = models.BooleanField(_("needs approval before sending"), default=False)
    attachments = models.JSONField(_("required attachments"), default=list, blank=True)
    handled = models.BooleanField(_("handled"), default=True, help_text=_("Untick to take it off the list."))

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_type", "request_type"],
                condition=Q(unit__isnull=True),
                name="responsibility_per_type",
                violation_error_message=_(
                    "This unit type already has a line for this request type: change that line instead."
                ),
            ),
            models.UniqueConstraint(
                fields=["unit", "request_type"],
                condition=Q(unit__isnull=False),
                name="responsibility_per_unit",
                violation_error_message=_(
                    "This unit already has a line of its own for this request type: change that line instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=True, unit_type__gt="") | Q(unit__isnull=False, unit_type=""),
                name="responsibility_for_type_or_unit",
                violation_error_message=_("Choose either a unit type or one unit."),
            ),
        ]
        verbose_name = _("responsibility list entry")
        verbose_name_plural = _("responsibility lists")

    def __str__(self) -> str:
        return f"{self.unit or self.get_unit_type_display()}: {self.get_request_type_display()}"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", pgettext_lazy("assistance request", "Rejected")
    RETURNED = "returned", _("Returned for correction")
    CANCELLED = "cancelled", _("Cancelled")


# With the unit: its SLA clock runs (it pauses only while the request is back with the court).
WITH_UNIT = (RequestStatus.SENT, RequestStatus.ACKNOWLEDGED, RequestStatus.IN_PROGRESS)
FINAL = (RequestStatus.COMPLETED, RequestStatus.REJECTED, RequestStatus.CANCELLED)


class AssistanceRequestQuerySet(models.QuerySet["AssistanceRequest"]):
    def visible_to(self, user: Any) -> AssistanceRequestQuerySet:
        """The court side sees its cases' requests; a unit sees only what was sent to it."""
        if getattr(user, "is_unit_staff", False) and user.is_active:
            return self.sent_to(user.unit_id)
        return self.filter(court_scope(user, "case__court"))

    def sent_to(self, unit_id: int | None) -> AssistanceRequestQuerySet:
        """What a unit has been sent: never a draft or one awaiting approval (or refused), nor one
        cancelled before it went out, whose thread and files were the court's own. Every unit-side
        read and step goes through this (`AssistanceRequest.was_sent` for a row in hand)."""
        return self.filter(unit_id=unit_id, sent_at__isnull=False)


class AssistanceRequest(models.Model):
    """协助执行请求: one request from one case to one unit, under that unit's SLA."""

    # Looked up through the (case, status) and (unit, status, due_on) indexes below, which lead with
    # them: an index of their own would only be one more to write for every request.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="assistance_requests", db_index=False,
        verbose_name=_("case"),
    )  # fmt: skip
    unit = models.ForeignKey(
        "orgs.LinkageUnit", on_delete=models.PROTECT, related_name="requests", db_index=False,
        verbose_name=_("linkage unit"),
    )  # fmt: skip
    request_type = models.CharField(_("request type"), max_length=32, choices=RequestType.choices)
    # R-ASSET-01: every inquiry (and every request) records its case, purpose and legal basis.
    purpose = models.CharField(_("purpose"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    details = models.JSONField(_("what is asked"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    sla_amount = models.PositiveSmallIntegerField(_("time limit"))
    sla_unit = models.CharField(_("unit of time"), max_length=16, choices=SlaUnit.choices)
    needs_approval = models.BooleanField(_("needs approval"), default=False)
    batch = models.UUIDField(_("batch"), null=True, blank=True, db_index=True)
    notice = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("assistance notice"),
    )  # fmt: skip
    # The enforcement ruling (执行裁定书) the notice executes, attached where the type's
    # responsibility list requires one (DOMAIN.md §11); one ruling serves the case's requests for
    # the same measure.
    ruling = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False, verbose_name=_("enforcement ruling"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    due_trace = models.JSONField(_("how the due date was counted"), default=dict, blank=True)
    paused_days = models.PositiveIntegerField(_("days back with the court"), default=0)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)

    objects = AssistanceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status", "due_on"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["case", "status"]),
        ]
        verbose_name = _("assistance request")
        verbose_name_plural = _("assistance requests")

    def __str__(self) -> str:
        return f"{self.get_request_type_display()} → {self.unit_id}"

    @property
    def is_with_unit(self) -> bool:
        return self.status in WITH_UNIT

    @property
    def was_sent(self) -> bool:
        """The row-in-hand form of `AssistanceRequestQuerySet.sent_to`."""
        return self.sent_at is not None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL


class RequestEvent(models.Model):
    """Append-only: every change of a request, by a person or by a unit's system (API key)."""

    request = models.ForeignKey(  # the (request, at) index serves it
        AssistanceRequest, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=32)
    status_before = models.CharField(max_length=20, blank=True)
    status_after = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    api_key = models.ForeignKey(
        "orgs.ApiKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"])]
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class Side(models.TextChoices):
    COURT = "court", _("Court")
    UNIT = "unit", _("Unit")


class RequestMessage(models.Model):
    """The follow-up thread: officers chase, liaisons ask; both sides read the same thread."""

    request = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="messages")
    side = models.CharField(max_length=8, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    api_key = models.ForeignKey(
        "orgs.ApiKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"), max_length=4000)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request message")
        verbose_name_plural = _("request messages")

    def __str__(self) -> str:
        return f"{self.request_id} {self.side}"


class AttachmentKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    MESSAGE = "message", _("Message")


class RequestAttachment(models.Model):
    """A file on a request: sent with a unit's reply (a bank's statement, a registry extract) or
    with a message on the follow-up thread, from either side. Kept in the database, so it is
    written in the same transaction as the reply or message it belongs to, with its hash."""

    request = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="attachments",
        verbose_name=_("assistance request"),
    )  # fmt: skip
    message = models.ForeignKey(
        RequestMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments",
        verbose_name=_("message"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=8, choices=AttachmentKind.choices)
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("uploaded by"),
    )  # fmt: skip
    api_key = models.ForeignKey(
        "orgs.ApiKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("API key"),
    )  # fmt: skip
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 hash"), max_length=64)
    at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.name}"


class ReplyReceipt(models.Model):
    """A unit system's reply under its `Idempotency-Key`: a repeat of the same key gets the stored
    answer and has no second effect (issue 4 §7). Written in the reply's own transaction."""

    unit = models.ForeignKey(  # the (unit, key) constraint's index serves it
        "orgs.LinkageUnit", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=100)
    request = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="reply_key_once_per_unit")]
        verbose_name = _("reply receipt")
        verbose_name_plural = _("reply receipts")

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.key}"


class OperatorsOnlyQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> OperatorsOnlyQuerySet:
        """Webhook set-up and delivery logs are the platform operators' business."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self
        return self.filter(NOTHING)


class UnitEndpoint(models.Model):
    """Where a unit's system wants requests pushed (optional: a unit may only poll the API)."""

    unit = models.OneToOneField(
        "orgs.LinkageUnit", on_delete=models.CASCADE, related_name="endpoint", verbose_name=_("linkage unit")
    )
    url = models.URLField(_("webhook URL"), max_length=300)
    secret = models.CharField(
        _("signing secret"), max_length=100, help_text=_("HMAC-SHA256 key shared with the unit.")
    )
    active = models.BooleanField(_("active"), default=True)
    max_attempts = models.PositiveSmallIntegerField(_("tries before dead-lettering"), default=8)

    objects = OperatorsOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit webhook")
        verbose_name_plural = _("unit webhooks")

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    DEAD = "dead", _("dead-lettered")


class Delivery(models.Model):
    """One push of a request event to a unit's endpoint; written in the transaction that causes it."""

    # No index of its own: the queue's partial index leads with it, and only deleting a webhook
    # (rare, by an operator) looks deliveries up by endpoint alone.
    endpoint = models.ForeignKey(
        UnitEndpoint, on_delete=models.CASCADE, related_name="deliveries", db_index=False,
        verbose_name=_("unit webhook"),
    )  # fmt: skip
    request = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("assistance request"),
    )  # fmt: skip
    event = models.CharField(_("event"), max_length=32)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    lease_token = models.UUIDField(_("lease"), null=True, blank=True)  # the worker holding the lease
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = OperatorsOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # The queue is the pending rows only: delivered ones (nearly all, for ever) leave both
        # partial indexes, so finding and claiming due work stays as cheap as the backlog is small.
        # Taking a lease changes no indexed column, so PostgreSQL can update the row in place (HOT)
        # on the room the table's fillfactor leaves (migration 0005).
        indexes = [
            models.Index(
                fields=["endpoint", "next_attempt_at", "id"],
                condition=models.Q(status="pending"),
                name="linkage_delivery_due",
            ),
            models.Index(
                fields=["-created_at"], condition=models.Q(status="dead"), name="linkage_delivery_dead"
            ),
        ]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} #{self.request_id} ({self.status})"
