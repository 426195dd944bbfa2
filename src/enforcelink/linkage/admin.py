"""Admin: responsibility lists are edited here (each change on the trail); requests are read-only,
since they change only through the linkage actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from enforcelink.cases.admin import ReadOnlyScopedAdmin
from enforcelink.core.errors import DomainError
from enforcelink.linkage import policy
from enforcelink.linkage.delivery import retry_dead
from enforcelink.linkage.models import (
    AssistanceRequest,
    Delivery,
    DeliveryStatus,
    Responsibility,
    UnitEndpoint,
)
from enforcelink.orgs.admin import AuditedScopedAdmin


class ResponsibilityForm(forms.ModelForm):
    """Required attachments are document kinds the platform provides (`policy.ATTACHMENT_KINDS`): a
    list naming anything else would make requests that can never go out complete."""

    class Meta:
        model = Responsibility
        fields = [
            "unit_type", "unit", "request_type", "sla_amount", "sla_unit", "needs_approval", "attachments", "handled",
        ]  # fmt: skip
        help_texts = {
            "attachments": _('Document kinds sent with the request, e.g. ["assistance_notice", "ruling"].'),
        }

    def clean_attachments(self) -> Any:
        kinds = self.cleaned_data.get("attachments")
        try:
            return list(policy.check_attachments([] if kinds is None else kinds))
        except DomainError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None


@admin.register(Responsibility)
class ResponsibilityAdmin(AuditedScopedAdmin):
    """Overrides of the shipped lists (linkage.policy.DEFAULT_LISTS) per unit type or per unit."""

    form = ResponsibilityForm

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


@admin.register(UnitEndpoint)
class UnitEndpointAdmin(AuditedScopedAdmin):
    list_display = ("unit", "url", "active", "max_attempts")
    autocomplete_fields = ("unit",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyScopedAdmin):
    """Operators watch pushes here; dead-lettered ones can be sent again once the unit is fixed."""

    list_display = (
        "request",
        "endpoint",
        "event",
        "status",
        "attempts",
        "last_status",
        "last_error",
        "next_attempt_at",
    )
    list_filter = ("status", "event")
    list_select_related = ("request", "endpoint")
    actions = ["retry"]

    @admin.action(description=_("Send the dead-lettered deliveries again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        dead = list(queryset.filter(status=DeliveryStatus.DEAD))
        for delivery in dead:
            retry_dead(delivery, actor=request.user)
        messages.success(request, _("%(count)d deliveries queued again.") % {"count": len(dead)})
