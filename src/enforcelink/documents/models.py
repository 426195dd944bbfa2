"""Document templates (versioned, per court), issued documents, their rendered files and numbers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcelink.orgs.scoping import NOTHING, court_scope


class DocumentKind(models.TextChoices):
    """The enforcement documents the platform produces (issue 3 §1, DOMAIN.md §11)."""

    EXECUTION_NOTICE = "execution_notice", _("执行通知书 (execution notice)")
    PROPERTY_REPORT_ORDER = "property_report_order", _("报告财产令 (property-report order)")
    ASSISTANCE_NOTICE = "assistance_notice", _("协助执行通知书 (assistance notice)")
    CONSUMPTION_RESTRICTION = "consumption_restriction", _("限制消费令 (consumption restriction)")
    CONSUMPTION_LIFTING = "consumption_lifting", _("解除限制消费令 (lifting of consumption restriction)")
    DISHONEST_LISTING = "dishonest_listing", _("失信决定书 (dishonest-list decision)")
    DISHONEST_DELETION = "dishonest_deletion", _("删除失信信息决定书 (dishonest-list deletion)")
    FINE = "fine", _("罚款决定书 (fine decision)")
    DETENTION = "detention", _("拘留决定书 (detention decision)")
    SUMMONS = "summons", _("拘传决定书 (compulsory summons)")
    EXIT_RESTRICTION = "exit_restriction", _("限制出境决定书 (exit restriction)")
    TERMINATION_RULING = "termination_ruling", _("终本裁定书 (ruling ending this round)")
    ENFORCEMENT_RULING = "enforcement_ruling", _("执行裁定书 (enforcement ruling)")
    BOUNTY_NOTICE = "bounty_notice", _("悬赏公告 (bounty notice)")
    RISK_NOTICE = "risk_notice", _("执行风险提示书 (enforcement risk notice)")
    URGING_NOTICE = "urging_notice", _("督促履行告知书 (notice urging performance)")
    REINQUIRY_NOTICE = "reinquiry_notice", _("财产查询结果告知书 (result of a re-inquiry after 终本)")


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"


class DocumentTemplateQuerySet(models.QuerySet["DocumentTemplate"]):
    def visible_to(self, user: Any) -> DocumentTemplateQuerySet:
        """Court staff see the defaults and their own court's versions; others nothing."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self
        if getattr(user, "is_court_staff", False) and user.is_active:
            return self.filter(Q(court__isnull=True) | Q(court_id=user.court_id))
        return self.filter(NOTHING)


class DocumentTemplate(models.Model):
    """One version of a document's body; a court's active version overrides the default (court empty).

    Versions are never edited: a change is a new version, so every issued document names the exact
    text it was made from.
    """

    kind = models.CharField(_("document kind"), max_length=32, choices=DocumentKind.choices)
    # A kind's template may come in variants, e.g. the assistance notice per request type (freeze,
    # deduct, seize …); the empty variant is the kind's general text, used when no variant exists.
    variant = models.CharField(_("variant"), max_length=32, blank=True, default="")
    court = models.ForeignKey(
        "orgs.Court",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="document_templates",
        verbose_name=_("court"),
    )
    version = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("template body"))
    note = models.CharField(_("change note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DocumentTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "variant", "court", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["court", "kind", "variant", "version"],
                condition=Q(court__isnull=False),
                name="doc_template_version_per_court",
            ),
            models.UniqueConstraint(
                fields=["kind", "variant", "version"],
                condition=Q(court__isnull=True),
                name="doc_template_version_default",
            ),
            models.UniqueConstraint(
                fields=["court", "kind", "variant"],
                condition=Q(active=True, court__isnull=False),
                name="doc_template_one_active_per_court",
            ),
            models.UniqueConstraint(
                fields=["kind", "variant"],
                condition=Q(active=True, court__isnull=True),
                name="doc_template_one_active_default",
            ),
        ]
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")

    def __str__(self) -> str:
        variant = f"/{self.variant}" if self.variant else ""
        return f"{self.get_kind_display()}{variant} v{self.version}"


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: Any) -> DocumentQuerySet:
        """A document is seen with its case (or registered judgment): its court and that court's
        supervisors. `court` always equals the case's or the judgment's court."""
        return self.filter(court_scope(user, "court"))


class Document(models.Model):
    """An issued document: numbered per court, kind and year, with a public verification code.

    It belongs to an enforcement case, or, before enforcement is filed (执前督促), to a registered
    judgment; exactly one of the two."""

    # case, judgment and court are looked up through the indexes in Meta, which lead with them (a
    # fan-out numbers a notice per request: every index is written for each).
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        db_index=False,
        verbose_name=_("case"),
    )
    judgment = models.ForeignKey(
        "urging.Judgment", null=True, blank=True, on_delete=models.PROTECT, related_name="documents",
        db_index=False, verbose_name=_("judgment"))  # fmt: skip
    batch = models.ForeignKey(
        "DocumentBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        verbose_name=_("batch"),
    )
    court = models.ForeignKey(
        "orgs.Court", on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("court")
    )
    kind = models.CharField(_("document kind"), max_length=32, choices=DocumentKind.choices)
    variant = models.CharField(_("variant"), max_length=32, blank=True, default="")
    template = models.ForeignKey(
        DocumentTemplate, on_delete=models.PROTECT, related_name="documents", verbose_name=_("template")
    )
    number = models.CharField(_("document number"), max_length=64)  # unique: see Meta
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    verification_code = models.CharField(_("verification code"), max_length=16)  # unique: see Meta
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    # The filled placeholders, fixed when the number is taken. A document numbered in bulk (the
    # notices of a fan-out) is rendered from them on first download; its files' hashes are recorded
    # then, and the text cannot differ from what was issued.
    values = models.JSONField(_("values"), default=dict, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["court", "kind", "year", "sequence"], name="document_sequence_unique"
            ),
            # Constraints rather than unique=True: on PostgreSQL a unique CharField also gets a
            # varchar_pattern_ops index for LIKE, which nothing here runs on these two.
            models.UniqueConstraint(fields=["number"], name="document_number_unique"),
            models.UniqueConstraint(fields=["verification_code"], name="document_verification_code_unique"),
            models.CheckConstraint(
                condition=Q(case__isnull=False, judgment__isnull=True)
                | Q(case__isnull=True, judgment__isnull=False),
                name="document_has_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["case", "kind"]), models.Index(fields=["judgment", "kind"])]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.number


class DocumentFileQuerySet(models.QuerySet["DocumentFile"]):
    def visible_to(self, user: Any) -> DocumentFileQuerySet:
        return self.filter(court_scope(user, "document__court"))


class DocumentFile(models.Model):
    """A rendered file kept in the database, so it is written in the same transaction as its document
    (a failed issue leaves no orphan file) and its hash can always be checked against its bytes."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(max_length=8, choices=FileFormat.choices)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()

    objects = DocumentFileQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "format"], name="one_file_per_format")]
        verbose_name = _("document file")
        verbose_name_plural = _("document files")

    def __str__(self) -> str:
        return f"{self.document_id}.{self.format}"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class DocumentBatchQuerySet(models.QuerySet["DocumentBatch"]):
    def visible_to(self, user: Any) -> DocumentBatchQuerySet:
        return self.filter(court_scope(user, "court"))


class DocumentBatch(models.Model):
    """文书集中制作: one job that produces one kind of document for many cases (issue 3 §3).

    Progress is read from its items; a worker that dies mid-run leaves the rest pending, and the next
    run picks them up, so no case gets two documents from one batch."""

    court = models.ForeignKey("orgs.Court", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("document kind"), max_length=32, choices=DocumentKind.choices)
    variant = models.CharField(_("variant"), max_length=32, blank=True, default="")
    formats = models.JSONField(_("formats"), default=list)
    extra = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    log = models.TextField(blank=True)

    objects = DocumentBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("document batch")
        verbose_name_plural = _("document batches")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.total}"


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class DocumentBatchItem(models.Model):
    """One case of a batch: pending, done (with its document) or failed (with the reason)."""

    batch = models.ForeignKey(DocumentBatch, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    document = models.OneToOneField(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error_code = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["batch", "position"]
        verbose_name = _("document batch item")
        verbose_name_plural = _("document batch items")
        constraints = [models.UniqueConstraint(fields=["batch", "case"], name="batch_case_once")]
        indexes = [models.Index(fields=["batch", "status"])]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.position}"
