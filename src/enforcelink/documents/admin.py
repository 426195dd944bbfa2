"""The documents admin: administrators add template versions; everything else is read-only.

A new version goes through `template_save` (checked, versioned, audited); an existing version is
never edited, so every issued document names the exact text it was made from. Documents change only
through `document_issue`. Who may write: the platform superuser (defaults and any court) and a
court's administrator (their own court's versions only), as `template_save` decides.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from enforcelink.core.admin import ReadOnlyScopedAdmin
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.documents import placeholders, policy
from enforcelink.documents.actions import template_save
from enforcelink.documents.forms import TemplateVersionForm
from enforcelink.documents.models import Document, DocumentKind, DocumentTemplate
from enforcelink.orgs.permissions import Action, can, signed_in
from enforcelink.orgs.scoping import visible

ADD_FIELDS = ("kind", "variant", "court", "body", "body_file", "note")


def catalogue_table(kind: str) -> SafeString:
    """The placeholders a template of `kind` may use: name, meaning, and whether data is required."""
    rows = format_html_join(
        "",
        "<tr><td><code>{{{{ {} }}}}</code></td><td>{}</td><td>{}</td></tr>",
        (
            (entry.name, entry.description, _("required") if entry.required else _("optional"))
            for entry in placeholders.catalogue(kind).values()
        ),
    )
    return format_html(
        '<table class="placeholder-catalogue"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        _("placeholder"),
        _("meaning"),
        _("data required"),
        rows,
    )


def _may_write(request: HttpRequest) -> bool:
    user = request.user
    return can(user, Action.EDIT_TEMPLATES)


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "variant_name",
        "court_or_default",
        "version",
        "active",
        "note",
        "created_by",
        "created_at",
    )
    list_filter = ("kind", "variant", "active")
    list_select_related = ("court", "created_by")
    search_fields = ("note",)
    show_full_result_count = False
    add_form_template = "documents/admin/template_add.html"
    fields = (
        "kind",
        "variant_name",
        "court_or_default",
        "version",
        "active",
        "note",
        "created_by",
        "created_at",
        "body_text",
        "new_version",
        "placeholder_catalogue",
    )
    readonly_fields = fields

    # --- who may do what: view and add for administrators, never change or delete ---------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_write(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_write(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_write(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a version is never edited: add a new one

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # issued documents point at their version

    def get_queryset(self, request: HttpRequest) -> QuerySet[DocumentTemplate]:
        queryset = super().get_queryset(request)
        if getattr(request.user, "is_superuser", False):
            return queryset
        # The defaults and the administrator's own court's versions.
        return visible(queryset, request.user)

    def get_list_filter(self, request: HttpRequest) -> Any:
        if getattr(request.user, "is_superuser", False):
            return (*self.list_filter, "court")
        return self.list_filter

    # --- the read-only page of one version ---------------------------------------------------------

    @admin.display(description=_("variant"))
    def variant_name(self, obj: DocumentTemplate) -> str:
        if not obj.variant:
            return "—"
        name = policy.variants(obj.kind).get(obj.variant, "")
        return f"{name} ({obj.variant})" if name else obj.variant

    @admin.display(description=_("court"), ordering="court__code")
    def court_or_default(self, obj: DocumentTemplate) -> str:
        return str(obj.court) if obj.court_id else str(_("Platform default"))

    @admin.display(description=_("template body"))
    def body_text(self, obj: DocumentTemplate) -> SafeString:
        return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', obj.body)

    @admin.display(description=_("placeholders"))
    def placeholder_catalogue(self, obj: DocumentTemplate) -> SafeString:
        return catalogue_table(obj.kind)

    @admin.display(description=_("change"))
    def new_version(self, obj: DocumentTemplate) -> SafeString:
        url = reverse("admin:documents_documenttemplate_add") + f"?from={obj.pk}"
        return format_html(
            '<a class="button" href="{}">{}</a>', url, _("Add a new version based on this one")
        )

    # --- adding a version: the form, then template_save ------------------------------------------

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = TemplateVersionForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                template = self._save_version(request, form)
                if template is not None:
                    return self.response_add(request, template)
        else:
            form = TemplateVersionForm(user=request.user, initial=self._initial(request))
        return self._render_add(request, form, form_url, extra_context)

    def _save_version(self, request: HttpRequest, form: TemplateVersionForm) -> DocumentTemplate | None:
        """Call the action; its coded error goes beside the field it names, and nothing is saved."""
        data = form.cleaned_data
        try:
            with transaction.atomic():
                template = template_save(
                    data["kind"],
                    data["body"],
                    actor=signed_in(request),
                    court=data["court"],
                    note=data["note"],
                    variant=data["variant"],
                )
                self.log_addition(request, template, [{"added": {}}])
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            if isinstance(error, NotFound):
                field = "court"  # the same answer whether the court is missing or not theirs
            form.add_error(field, str(error.message))
            return None
        return template

    def _initial(self, request: HttpRequest) -> dict[str, Any]:
        """`?from=<id>` starts from a version the administrator can see; `?kind=` picks the kind."""
        initial: dict[str, Any] = {}
        kind = request.GET.get("kind", "")
        if kind in DocumentKind.values:
            initial["kind"] = kind
        source_id = request.GET.get("from", "")
        source = self.get_queryset(request).filter(pk=source_id).first() if source_id.isdigit() else None
        if source is not None:
            initial.update(kind=source.kind, variant=source.variant, body=source.body)
            if source.court_id and getattr(request.user, "is_superuser", False):
                initial["court"] = source.court_id
        return initial

    def _render_add(
        self, request: HttpRequest, form: TemplateVersionForm, form_url: str, extra_context: Any
    ) -> HttpResponse:
        chosen = form.data.get("kind") if form.is_bound else form.initial.get("kind")
        chosen = chosen if chosen in DocumentKind.values else DocumentKind.EXECUTION_NOTICE
        fieldsets: list[tuple[str | None, dict[str, Any]]] = [(None, {"fields": list(ADD_FIELDS)})]
        admin_form = helpers.AdminForm(form, fieldsets, {}, model_admin=self)  # type: ignore[arg-type]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add a template version"),
            "subtitle": None,
            "adminform": admin_form,
            "object_id": None,
            "original": None,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),  # type: ignore[arg-type]
            "preserved_filters": self.get_preserved_filters(request),
            "catalogues": [
                (kind.label, catalogue_table(kind.value), kind.value == chosen) for kind in DocumentKind
            ],
            **(extra_context or {}),
        }
        return self.render_change_form(request, context, add=True, form_url=form_url)


@admin.register(Document)
class DocumentAdmin(ReadOnlyScopedAdmin):
    list_display = ("number", "kind", "variant", "case", "issued_at", "issued_by")
    list_filter = ("kind",)
    search_fields = ("number", "case__number")
    list_select_related = ("case", "issued_by")
    exclude = ("verification_code",)  # staff have no need to read codes off the screen
