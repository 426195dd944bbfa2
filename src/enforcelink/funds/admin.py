"""The ledger in the admin: read-only (R-FUND-03). Ledger rows change only through `funds.actions`,
and the database refuses edits and deletions anyway (`funds/guards.py`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from enforcelink.core.admin import ReadOnlyScopedAdmin
from enforcelink.funds.models import CaseAccount, Entry, Journal, LedgerAccount


@admin.register(CaseAccount)
class CaseAccountAdmin(ReadOnlyScopedAdmin):
    list_display = ["reference", "case", "opened_at"]
    search_fields = ["=reference", "=case__number"]
    list_select_related = ["case"]


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyScopedAdmin):
    list_display = ["id", "court", "kind", "case", "balance"]
    list_filter = ["kind"]
    search_fields = ["=case__number"]
    list_select_related = ["court", "case"]


class EntryInline(admin.TabularInline):
    model = Entry
    extra = 0
    fields = ["account", "amount"]
    readonly_fields = ["account", "amount"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Journal)
class JournalAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "id",
        "created_at",
        "court",
        "case",
        "kind",
        "value_on",
        "reference",
        "created_by",
        "memo",
    ]
    list_filter = ["kind"]
    search_fields = ["=case__number", "=reference"]
    list_select_related = ["court", "case"]
    raw_id_fields = ["reverses"]
    inlines = [EntryInline]


@admin.register(Entry)
class EntryAdmin(ReadOnlyScopedAdmin):
    list_display = ["id", "journal", "account", "amount", "case"]
    search_fields = ["=case__number"]
    list_select_related = ["journal", "account", "case"]
