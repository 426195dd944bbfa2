"""Admin: responsibility lists are edited here (each change on the trail); requests are read-only,
since they change only through the linkage actions."""

from __future__ import annotations

from django.contrib import admin

from enforcelink.cases.admin import ReadOnlyScopedAdmin
from enforcelink.linkage.models import AssistanceRequest, Responsibility
from enforcelink.orgs.admin import AuditedScopedAdmin


@admin.register(Responsibility)
class ResponsibilityAdmin(AuditedScopedAdmin):
    """Overrides of the shipped lists (linkage.policy.DEFAULT_LISTS) per unit type or per unit."""

    list_display = (
        "request_type",
        "unit_type",
        "unit",
        "sla_amount",
        "sla_unit",
        "needs_approval",
        "handled",
    )
    list_filter = ("unit_type", "request_type", "handled")
    autocomplete_fields = ("unit",)


@admin.register(AssistanceRequest)
class AssistanceRequestAdmin(ReadOnlyScopedAdmin):
    list_display = ("case", "unit", "request_type", "status", "due_on", "sent_at", "completed_at")
    list_filter = ("status", "request_type")
    search_fields = ("case__number", "unit__name")
    list_select_related = ("case", "unit")
