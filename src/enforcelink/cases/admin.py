"""The admin for cases: administrators configure the statutory-clock rules per court here (R-CASE-01..04).

Case data (cases, parties, nodes, assignments, suspensions, extensions, leads) is shown read-only:
it changes only through the actions in `cases/actions.py`, which validate and record every write.
Node rules are edited here, scoped to the administrator's court and recorded on the trail.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from enforcelink.cases.models import (
    AssetLead,
    Assignment,
    Case,
    CaseSuspension,
    ExtensionRequest,
    NodeRule,
    Party,
    ProcessNode,
)
from enforcelink.core.admin import ReadOnlyScopedAdmin
from enforcelink.orgs.admin import AuditedScopedAdmin
from enforcelink.orgs.permissions import Action, can


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    fields = ["role", "kind", "name", "id_type", "masked_id"]
    readonly_fields = ["role", "kind", "name", "id_type", "masked_id"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("document number"))
    def masked_id(self, obj: Party) -> str:
        return obj.masked_id  # R-ID-05: the full number is shown only through the logged reveal


class NodeInline(admin.TabularInline):
    model = ProcessNode
    extra = 0
    fields = ["kind", "rule_id", "start_date", "due_on", "status", "completed_on", "completed_by"]
    readonly_fields = ["kind", "rule_id", "start_date", "due_on", "status", "completed_on", "completed_by"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "court", "filed_on", "status", "closure_mode", "officer", "is_small_claim"]
    list_filter = ["status", "type_code", "closure_mode"]
    search_fields = ["=number", "basis_number"]
    list_select_related = ["court", "officer"]
    date_hierarchy = "filed_on"
    raw_id_fields = ["resumed_from"]
    inlines = [PartyInline, NodeInline]


@admin.register(Party)
class PartyAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "role", "kind", "id_type", "masked_id", "case"]
    list_filter = ["role", "kind", "id_type"]
    search_fields = ["name", "=case__number"]  # not the ID number: a search would reveal it unlogged
    list_select_related = ["case"]
    exclude = ["id_number"]
    readonly_fields = ["masked_id"]

    @admin.display(description=_("document number"))
    def masked_id(self, obj: Party) -> str:
        return obj.masked_id


@admin.register(ProcessNode)
class ProcessNodeAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "kind", "rule_id", "due_on", "status", "completed_on", "overdue_at"]
    list_filter = ["status", "kind"]
    search_fields = ["=case__number"]
    list_select_related = ["case"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "officer", "team", "method", "reason", "created_at"]
    list_filter = ["method"]
    search_fields = ["=case__number", "officer__username"]
    list_select_related = ["case", "officer", "team"]


@admin.register(CaseSuspension)
class CaseSuspensionAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "kind", "started_on", "ended_on", "excluded_days", "reason"]
    list_filter = ["kind"]
    search_fields = ["=case__number", "reason"]
    list_select_related = ["case"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "months", "status", "requested_by", "decided_by", "high_court_ref"]
    list_filter = ["status"]
    search_fields = ["=case__number", "high_court_ref"]
    list_select_related = ["case", "requested_by", "decided_by"]


@admin.register(AssetLead)
class AssetLeadAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "submitted_on", "urgent", "verified_on", "description"]
    list_filter = ["urgent"]
    search_fields = ["=case__number", "description"]
    list_select_related = ["case"]


class NodeRuleForm(forms.ModelForm):
    class Meta:
        model = NodeRule
        fields = [
            "court",
            "kind",
            "rule_id",
            "amount",
            "unit",
            "urgent_amount",
            "non_litigation_amount",
            "money_cases_only",
            "on_filing",
        ]

    def clean_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        if not amount:
            raise forms.ValidationError(_("A period is at least 1."))
        return int(amount)


@admin.register(NodeRule)
class NodeRuleAdmin(AuditedScopedAdmin):
    """A court's row overrides the default for that node; the values in force are kept on each node,
    so a change here applies to clocks opened from now on."""

    form = NodeRuleForm
    list_display = ["kind", "court", "rule_id", "amount", "unit", "urgent_amount", "on_filing"]
    list_filter = ["kind", "unit"]
    search_fields = ["court__code", "court__name", "rule_id"]
    list_select_related = ["court"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The defaults (no court) belong to every court: only a superuser changes them.
        if obj is not None and obj.court_id is None and not can(request.user, Action.EDIT_DEFAULTS):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.court_id is None and not can(request.user, Action.EDIT_DEFAULTS):
            return False
        return super().has_delete_permission(request, obj)
