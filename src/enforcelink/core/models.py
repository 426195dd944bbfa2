"""Shared-kernel tables: the hash-chained audit trail, notifications, once-per-period claims."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditHead(models.Model):
    """The single row every audit append locks, so sequence numbers and hashes form one chain."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_seq}"


class AuditEvent(models.Model):
    """Append-only event: actor, time, object, before/after; hash-chained (issue 2 §7).

    Timelines and statutory-clock figures are read from these rows; nothing edits or deletes them.
    """

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)  # indexed in Meta: no LIKE index beside it on PostgreSQL
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    # Plain indexed ids, not foreign keys: the trail outlives and never cascades with its objects.
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    court_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["action"], name="core_auditevent_action")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class Notification(models.Model):
    """A message to one user (overdue node, approval waiting, …)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=64)
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")

    def __str__(self) -> str:
        return self.message


class PeriodicClaim(models.Model):
    """One row per (sweep, period): inserting it is how exactly one process wins the period."""

    name = models.CharField(max_length=64)
    period = models.CharField(max_length=32)
    claimed_at = models.DateTimeField(auto_now_add=True)
    claimed_by = models.CharField(max_length=128, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="periodic_claim_once")]

    def __str__(self) -> str:
        return f"{self.name}@{self.period}"
