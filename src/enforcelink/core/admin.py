"""The admin for the shared kernel: the audit trail (read-only), notifications, periodic-sweep claims."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from enforcelink.core.models import AuditEvent, Notification, PeriodicClaim


class ViewOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdmin):
    """Append-only (issue 2 §7): nobody adds, edits or deletes events here; `audit verify` checks them."""

    list_display = ["seq", "created_at", "actor_label", "action", "object_type", "object_id", "case_id"]
    search_fields = ["=action", "=object_id", "=actor_label", "=case_id"]
    show_full_result_count = False
    ordering = ["-seq"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        user: Any = request.user
        if user.is_superuser:
            return queryset
        if getattr(user, "is_court_staff", False):
            return queryset.filter(court_id=user.court_id)
        return queryset.none()


@admin.register(Notification)
class NotificationAdmin(ViewOnlyAdmin):
    list_display = ["created_at", "user", "kind", "message", "read_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "message"]
    list_select_related = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user_id=request.user.pk)


@admin.register(PeriodicClaim)
class PeriodicClaimAdmin(ViewOnlyAdmin):
    """Which process ran which periodic sweep for which period."""

    list_display = ["name", "period", "claimed_at", "claimed_by"]
    list_filter = ["name"]
    ordering = ["-claimed_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a claim lets a sweep run again for that period (sweeps are idempotent).
        return bool(request.user.is_superuser)
