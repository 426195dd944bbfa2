"""Inquiries, asset records and the supervisors' samples in the admin: read-only and scoped, since
they change only through `assets.actions` (each write on the trail)."""

from __future__ import annotations

from django.contrib import admin

from enforcelink.assets.models import AssetRecord, Inquiry, InquirySample
from enforcelink.core.admin import ReadOnlyScopedAdmin


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "created_at", "automatic", "requested_by", "purpose", "legal_basis"]
    list_filter = ["automatic"]
    search_fields = ["=case__number"]
    list_select_related = ["case", "requested_by"]


@admin.register(AssetRecord)
class AssetRecordAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "kind", "institution", "identifier", "value", "value_on", "last_seen_at"]
    list_filter = ["kind"]
    search_fields = ["=case__number", "identifier"]
    list_select_related = ["case"]


@admin.register(InquirySample)
class InquirySampleAdmin(ReadOnlyScopedAdmin):
    list_display = ["body", "period_start", "period_end", "size", "population", "seed", "drawn_by"]
    list_select_related = ["body", "drawn_by"]
