"""Shared-kernel tables: the hash-chained audit trail, notifications, once-per-period claims."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PLATFORM_CHAIN = 0  # the chain of events that belong to no court (regions, units, API keys…)
CHAIN_STRIDE = 10**10  # an event's seq is chain × CHAIN_STRIDE + its place in the chain


class AuditHead(models.Model):
    """The head of one hash chain: a court's (`chain` = the court's id) or the platform's (0).

    An append locks the heads of the chains it writes to, so writers of different courts never wait
    for each other; within a chain, sequence numbers and hashes form one ordered chain.
    """

    chain = models.BigIntegerField(unique=True)
    last_seq = models.BigIntegerField(default=0)  # events in the chain: the last one's place in it
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.chain}#{self.last_seq}"


class AuditEvent(models.Model):
    """Append-only event: actor, time, object, before/after; hash-chained (issue 2 §7).

    Timelines and statutory-clock figures are read from these rows; nothing edits or deletes them.
    """

    # chain × CHAIN_STRIDE + the event's place in its chain (core.audit): unique across chains, since
    # the API and node traces name events by it, and consecutive within one.
    seq = models.BigIntegerField(_("sequence number"), unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor's name"), max_length=150, blank=True)
    # Indexed in Meta: no LIKE index beside it on PostgreSQL.
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    # Plain indexed ids, not foreign keys: the trail outlives and never cascades with its objects.
    case_id = models.BigIntegerField(_("case id"), null=True, blank=True, db_index=True)
    court_id = models.BigIntegerField(_("court id"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["action"], name="core_auditevent_action")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class Notification(models.Model):
    """A message to one user (overdue node, approval waiting, …)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    case_id = models.BigIntegerField(_("case id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message


class PeriodicClaim(models.Model):
    """One row per (sweep, period): inserting it is how exactly one process wins the period."""

    name = models.CharField(_("sweep"), max_length=64)
    period = models.CharField(_("period"), max_length=32)
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    claimed_by = models.CharField(_("claimed by"), max_length=128, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="periodic_claim_once")]
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")

    def __str__(self) -> str:
        return f"{self.name}@{self.period}"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Make-up working day (调休)")


class CalendarYear(models.Model):
    """One year's State Council holiday notice (国务院办公厅关于…部分节假日安排的通知), loaded by an
    administrator (R-TIME-01). Its days take precedence over the chinese-calendar package; a year with
    a row here counts as known even when the package does not know it yet."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"), max_length=200, help_text=_("The notice, e.g. 国办发明电〔2026〕1号.")
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday calendar year")
        verbose_name_plural = _("holiday calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A holiday or a make-up working day (调休) of a loaded year; every other day of the year follows the
    package, or Monday–Friday when the package does not know the year."""

    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("e.g. 春节"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class CalendarVersion(models.Model):
    """A single row whose number goes up with every change of the holiday table: each process keeps the
    table in memory and re-reads it only when this number moved (core.calendar)."""

    version = models.PositiveBigIntegerField(default=0)
    # What processes compare their copy with: microseconds at the change, never handed out twice. The
    # counter alone is reused after a rolled-back change (N, rolled back, then N again), and a process
    # that had read the rolled-back table as N would keep it.
    stamp = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("holiday table version")
        verbose_name_plural = _("holiday table versions")

    def __str__(self) -> str:
        return str(self.version)


class NumberCounter(models.Model):
    """The last number used in one scope (a court, a kind, a year): core.numbering takes the next one
    with the row locked, so numbers stay gapless (R-ID-03). `kind` names what is numbered, prefixed by
    the app: "case:执", "document:execution_notice"."""

    court_id = models.BigIntegerField()  # a plain id, as AuditEvent's: core does not reach into orgs
    kind = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["court_id", "kind", "year"], name="number_counter_unique")
        ]
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")

    def __str__(self) -> str:
        return f"{self.court_id}/{self.kind}/{self.year}: {self.last}"
