"""Admin: responsibility lists are edited here (each change on the trail); requests are read-only,
since they change only through the linkage actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from enforcelink.core.admin import ReadOnlyScopedAdmin, ViewOnlyAdmin
from enforcelink.core.errors import DomainError
from enforcelink.linkage import policy
from enforcelink.linkage.attachments import operator_download
from enforcelink.linkage.delivery import retry_dead
from enforcelink.linkage.models import (
    AssistanceRequest,
    Delivery,
    DeliveryStatus,
    RequestAttachment,
    Responsibility,
    UnitEndpoint,
)
from enforcelink.orgs.admin import AuditedScopedAdmin
from enforcelink.orgs.permissions import Action, can, signed_in


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

    # Responsibility lists are the operator's (`Action.ADMINISTER_LISTS`), and whoever Django's own
    # model permissions let in besides (a staff member given linkage.change_responsibility).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.ADMINISTER_LISTS) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.ADMINISTER_LISTS) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return can(request.user, Action.ADMINISTER_LISTS) or super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.ADMINISTER_LISTS) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.ADMINISTER_LISTS) or super().has_delete_permission(request, obj)

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


@admin.register(RequestAttachment)
class RequestAttachmentAdmin(ViewOnlyAdmin):
    """Operators (platform superusers) look into the files on requests here, read-only; each download
    is on the trail. Anyone else, staff with the view permission included, sees none: the files are
    the parties' (bank statements, registry extracts), and the court and the unit read them on the
    request's own page."""

    list_display = ("request", "kind", "side", "name", "content_type", "size", "sha256", "at", "download")
    list_filter = ("kind", "side")
    search_fields = ("=sha256", "name")
    list_select_related = ("request",)
    fields = ("request", "message", "kind", "side", "uploaded_by", "api_key", "name", "content_type", "size",
              "sha256", "at", "download")  # fmt: skip
    readonly_fields = fields
    ordering = ("-at", "-id")
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RequestAttachment]:
        queryset = super().get_queryset(request).defer("content")  # the bytes only for a download
        return queryset if _is_operator(request) else queryset.none()

    def get_urls(self) -> list[Any]:
        download = self.admin_site.admin_view(self.download_view)
        return [
            path("<path:object_id>/download/", download, name="linkage_requestattachment_download"),
            *super().get_urls(),
        ]

    @admin.display(description=_("download"))
    def download(self, attachment: RequestAttachment) -> str:
        url = reverse("admin:linkage_requestattachment_download", args=[attachment.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def download_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The bytes, for an operator; anybody else, and a missing id, get the same 404."""
        if not (
            _is_operator(request) and object_id.isascii() and object_id.isdigit() and len(object_id) < 19
        ):
            raise Http404
        found = RequestAttachment.objects.select_related("request__case").filter(pk=int(object_id)).first()
        if found is None:
            raise Http404
        return operator_download(found, actor=signed_in(request))


def _is_operator(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and user.is_superuser)
