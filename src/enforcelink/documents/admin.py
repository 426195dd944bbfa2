"""Read-only admin lists: templates change through `template_save` (versioned, audited) and
documents through `document_issue`, never by editing rows."""

from __future__ import annotations

from django.contrib import admin

from enforcelink.cases.admin import ReadOnlyScopedAdmin
from enforcelink.documents.models import Document, DocumentTemplate


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(ReadOnlyScopedAdmin):
    list_display = ("kind", "court", "version", "active", "created_by", "created_at")
    list_filter = ("kind", "active")


@admin.register(Document)
class DocumentAdmin(ReadOnlyScopedAdmin):
    list_display = ("number", "kind", "case", "issued_at", "issued_by")
    list_filter = ("kind",)
    search_fields = ("number", "case__number")
    list_select_related = ("case", "issued_by")
    exclude = ("verification_code",)  # staff have no need to read codes off the screen
