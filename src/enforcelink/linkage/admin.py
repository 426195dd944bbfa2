"""Admin: responsibility lists are edited here (each change on the trail); requests are read-only,
since they change only through the linkage actions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from enforcelink.core.admin import ReadOnlyScopedAdmin, ViewOnlyAdmin
from enforcelink.core.errors import DomainError
from enforcelink.linkage import policy, queries
from enforcelink.linkage.attachments import operator_download
from enforcelink.linkage.delivery import retry_dead
from enforcelink.linkage.models import (
    AssistanceRequest,
    Delivery,
    DeliveryStatus,
    RequestAttachment,
    RequestType,
    Responsibility,
    SlaUnit,
    UnitEndpoint,
)
from enforcelink.orgs.admin import AuditedScopedAdmin
from enforcelink.orgs.models import UnitType
from enforcelink.orgs.permissions import Action, signed_in

# A document kind's name as the platform spells it: anything else in a post is not a kind at all.
KIND_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")


class AttachmentKindsField(forms.MultipleChoiceField):
    """Required attachments as one checkbox per document kind the platform makes
    (`policy.ATTACHMENT_KINDS`). A forged post is checked by the same rule as before the checkboxes:
    a value that is no kind's name is ATTACHMENTS_INVALID, a kind nobody makes ATTACHMENT_UNAVAILABLE."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=list(policy.ATTACHMENT_KINDS.items()), **kwargs)

    def clean(self, value: Any) -> list[str]:
        kinds = self.to_python(value)
        # A value that is no kind's name goes to the rule as what it is: not a list of document kinds.
        shaped = all(KIND_NAME.fullmatch(kind) for kind in kinds)
        try:
            return list(policy.check_attachments(kinds if shaped else None))
        except DomainError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None


class ResponsibilityForm(forms.ModelForm):
    """One line of a list, for a unit type or for one unit. Required attachments are document kinds
    the platform provides: a list naming anything else would make requests that can never go out
    complete."""

    attachments = AttachmentKindsField(
        label=_("required attachments"),
        required=False,
        help_text=_(
            "Documents the platform makes and sends with each request. Leave all unticked to send what "
            "the request type carries by default (the notice; for a control measure, the ruling too)."
        ),
    )

    class Meta:
        model = Responsibility
        fields = [
            "unit_type", "unit", "request_type", "sla_amount", "sla_unit", "needs_approval", "attachments", "handled",
        ]  # fmt: skip


@admin.register(Responsibility)
class ResponsibilityAdmin(AuditedScopedAdmin):
    """The shipped lists (linkage.policy.DEFAULT_LISTS) as they apply now, per unit type, above the
    administrators' rows that override them per unit type or per unit.

    The shipped lists stay in code rather than being copied into rows: a list changed by a later
    release then reaches every line nobody has overridden, and an override is always a visible,
    deliberate row on the trail that deleting undoes ("restore the shipped line")."""

    form = ResponsibilityForm
    change_list_template = "admin/linkage/responsibility/change_list.html"
    # Court administrators read the lists their officers' requests go out under; changing them is
    # the operator's (`Action.ADMINISTER_LISTS`) and whoever Django's own model permissions let in
    # besides (a staff member given linkage.change_responsibility).
    court_admin_permissions = frozenset({"view"})
    administered_by = Action.ADMINISTER_LISTS

    list_display = (
        "request_type",
        "unit_type",
        "unit",
        "time_limit",
        "needs_approval",
        "attachment_list",
        "handled",
    )
    # The unit-type chips above the table narrow both tables (`unit_type__exact`); a side panel of
    # 22 types and 31 request types beside a handful of overrides would only make the page long.
    list_filter = ("handled",)
    search_fields = ("unit__name",)
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)

    @admin.display(description=_("time limit"))
    def time_limit(self, row: Responsibility) -> str:
        return _time_limit(policy.Entry(row.sla_amount, row.sla_unit))

    @admin.display(description=_("required attachments"))
    def attachment_list(self, row: Responsibility) -> str:
        kinds = row.attachments or policy.shipped_attachments(row.request_type)
        return "、".join(str(policy.ATTACHMENT_KINDS.get(kind, kind)) for kind in kinds)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        chosen = request.GET.get("unit_type__exact", "")
        unit_type = chosen if chosen in UnitType.values else None
        context = {
            "title": capfirst(self.opts.verbose_name_plural),
            "list_groups": _list_groups(queries.type_lists(unit_type)),
            "list_unit_types": UnitType.choices,
            "list_unit_type": unit_type or "",
            "may_override": self.has_add_permission(request),
            "may_change": self.has_change_permission(request),
            "may_delete": self.has_delete_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """The "override" link pre-fills the add form with the shipped line it overrides."""
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        if "attachments" in initial:
            initial["attachments"] = [kind for kind in str(initial["attachments"]).split(",") if kind]
        for name in ("needs_approval", "handled"):
            if name in initial:
                initial[name] = initial[name] in ("1", "true", "True", "on")
        return initial


@dataclass(frozen=True)
class ListRow:
    """A line of the effective-list table, with what the page shows about it."""

    line: queries.ListLine
    label: str
    time_limit: str
    shipped_time_limit: str
    attachments: list[str]
    override_url: str


def _list_groups(lines: list[queries.ListLine]) -> list[tuple[str, list[ListRow]]]:
    """The lines grouped by unit type (in UnitType's order), each with its labels and the link that
    pre-fills an override from the shipped line."""
    unit_types = dict(UnitType.choices)
    request_types = dict(RequestType.choices)
    groups: dict[str, list[ListRow]] = {}
    add = reverse("admin:linkage_responsibility_add")
    for line in lines:
        entry = line.effective
        kinds = entry.attachments if entry else ()
        row = ListRow(
            line,
            str(request_types.get(line.request_type, line.request_type)),
            _time_limit(entry),
            _time_limit(line.shipped),
            [str(policy.ATTACHMENT_KINDS.get(kind, kind)) for kind in kinds],
            f"{add}?{urlencode(_prefill(line))}",
        )
        groups.setdefault(str(unit_types.get(line.unit_type, line.unit_type)), []).append(row)
    return list(groups.items())


def _time_limit(entry: policy.Entry | None) -> str:
    """E.g. 3 working days; an SLA of 0 (urgent police help) is due the day the request is sent."""
    if entry is None:
        return ""
    if entry.sla_amount == 0:
        return str(_("the same day"))
    working = entry.sla_unit == SlaUnit.WORKING_DAYS
    if entry.sla_amount == 1:
        return str(_("1 working day") if working else _("1 calendar day"))
    text = _("%(n)d working days") if working else _("%(n)d calendar days")
    return str(text) % {"n": entry.sla_amount}


def _prefill(line: queries.ListLine) -> dict[str, str]:
    query = {"unit_type": line.unit_type, "request_type": line.request_type}
    if line.shipped is None:
        return query
    return query | {
        "sla_amount": str(line.shipped.sla_amount),
        "sla_unit": line.shipped.sla_unit,
        "needs_approval": "1" if line.shipped.needs_approval else "0",
        "attachments": ",".join(line.shipped.attachments),
    }


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
