"""The Django admin for administrators: regions, courts and teams, linkage units, people, API keys.

Every save and delete made here goes on the audit trail (the admin wraps each change in a
transaction, which `audit.record` requires). Staff users who are not superusers only see and pick
what their `visible_to` scope allows; see docs/operations.md for the limits of the admin.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from enforcelink.core import audit
from enforcelink.core.errors import DomainError
from enforcelink.core.identifiers import validate_court_code
from enforcelink.orgs import twofactor
from enforcelink.orgs.adminsite import is_court_admin
from enforcelink.orgs.api_auth import api_key_issue, api_key_revoke
from enforcelink.orgs.models import (
    COURT_ROLES,
    ApiKey,
    Court,
    LinkageUnit,
    Region,
    Role,
    SupervisoryBody,
    Team,
    User,
)
from enforcelink.orgs.permissions import Action, can
from enforcelink.orgs.scoping import visible

# django-otp's own device admin shows the secret keys and edits devices off the trail; a lost phone is
# handled by the user admin's "reset two-factor sign-in" action instead.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)

# Foreign keys whose choices are narrowed to what the administrator may see.
SCOPED_CHOICES: dict[str, type[models.Model]] = {
    "court": Court,
    "team": Team,
    "unit": LinkageUnit,
    "body": SupervisoryBody,
}


def _court_id(obj: models.Model) -> int | None:
    if isinstance(obj, Court):
        return obj.pk
    return getattr(obj, "court_id", None)


class AuditedScopedAdmin(admin.ModelAdmin):
    """Scope the change list and the choices by `visible_to`, record every write, and let court
    administrators do what `court_admin_permissions` lists ("view", "add", "change", "delete"); whoever
    may do `administered_by` (orgs/permissions.py) may do all of it."""

    court_admin_permissions: frozenset[str] = frozenset()
    administered_by: Action | None = None

    def _administers(self, request: HttpRequest) -> bool:
        return self.administered_by is not None and can(request.user, self.administered_by)

    def _court_admin_may(self, request: HttpRequest, permission: str) -> bool:
        if self._administers(request):
            return True
        return is_court_admin(request.user) and permission in self.court_admin_permissions

    def has_module_permission(self, request: HttpRequest) -> bool:
        if self._administers(request) or (is_court_admin(request.user) and self.court_admin_permissions):
            return True
        return super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._court_admin_may(request, "view") or self._court_admin_may(request, "change"):
            return True
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._court_admin_may(request, "add") or super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._court_admin_may(request, "change") or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._court_admin_may(request, "delete") or super().has_delete_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if getattr(request.user, "is_superuser", False):
            return queryset
        return visible(queryset, request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        model = SCOPED_CHOICES.get(db_field.name)
        if model is not None and not getattr(request.user, "is_superuser", False):
            kwargs["queryset"] = visible(model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = _stored(obj, form.changed_data) if change else None
        super().save_model(request, obj, form, change)
        action = "admin.changed" if change else "admin.created"
        audit.record(
            action, obj, actor=request.user, court_id=_court_id(obj), before=before, after=_entered(form)
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows (a court's teams) are writes too: each goes on the trail like the page's object."""
        befores = {
            f.instance.pk: _stored(f.instance, f.changed_data)
            for f in formset.initial_forms
            if f.has_changed()
        }
        entered = {id(f.instance): _entered(f) for f in formset.forms if f.has_changed()}
        formset.save()
        actor = request.user
        for obj in formset.deleted_objects:
            audit.record("admin.deleted", obj, actor=actor, court_id=_court_id(obj), before=str(obj))
        for obj in formset.new_objects:
            audit.record(
                "admin.created", obj, actor=actor, court_id=_court_id(obj), after=entered.get(id(obj))
            )
        for obj, _names in formset.changed_objects:
            after = entered.get(id(obj))
            audit.record(
                "admin.changed",
                obj,
                actor=actor,
                court_id=_court_id(obj),
                before=befores.get(obj.pk),
                after=after,
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record("admin.deleted", obj, actor=request.user, court_id=_court_id(obj), before=str(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


def _entered(form: Any) -> dict[str, str]:
    return {name: str(form.cleaned_data.get(name)) for name in form.changed_data if "password" not in name}


def _stored(obj: Any, names: list[str]) -> dict[str, str]:
    """The values the admin form is about to change, as they are in the database now."""
    concrete = {f.name for f in obj._meta.concrete_fields}
    wanted = [name for name in names if name in concrete and "password" not in name]
    row = type(obj)._default_manager.filter(pk=obj.pk).values(*wanted).first() if wanted else None
    return {name: str(value) for name, value in (row or {}).items()}


@admin.register(Region)
class RegionAdmin(AuditedScopedAdmin):
    list_display = ["code", "name", "parent", "path"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return admin.ModelAdmin.get_queryset(self, request)  # region names are not confidential

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Moving a region would silently change every supervisor's scope below it.
        return ["code", "parent", "path"] if obj is not None else ["path"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.path = (obj.parent.path if obj.parent else "") + f"{obj.code}/"
        super().save_model(request, obj, form, change)


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ["name", "active"]

    # A court administrator manages their own court's teams (the court page is already scoped).
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_court_admin(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_court_admin(request.user) or super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_court_admin(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_court_admin(request.user) or super().has_delete_permission(request, obj)


class CourtAdminForm(forms.ModelForm):
    class Meta:
        model = Court
        fields = [
            "code",
            "name",
            "level",
            "region",
            "small_claim_threshold",
            "payout_president_above",
            "require_2fa",
        ]

    def clean_code(self) -> str:
        try:
            return validate_court_code(self.cleaned_data.get("code", ""), field_name="code")
        except DomainError as error:
            raise forms.ValidationError(str(error.message)) from None


@admin.register(Court)
class CourtAdmin(AuditedScopedAdmin):
    form = CourtAdminForm
    list_display = ["code", "name", "level", "region", "require_2fa"]
    list_filter = ["level", "require_2fa"]
    search_fields = ["code", "name"]
    inlines = [TeamInline]
    court_admin_permissions = frozenset({"view", "change"})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A court administrator tunes their court; its identity is the superuser's business.
        return ["code", "level", "region"] if is_court_admin(request.user) else []


@admin.register(Team)
class TeamAdmin(AuditedScopedAdmin):
    court_admin_permissions = frozenset({"view", "add", "change", "delete"})
    list_display = ["name", "court", "active"]
    list_filter = ["active"]
    search_fields = ["name", "court__name", "court__code"]


class LiaisonInline(admin.TabularInline):
    """Read-only: people are added on the user page, where their password and role are set."""

    model = User
    fk_name = "unit"
    extra = 0
    can_delete = False
    fields = ["username", "full_name", "role", "phone", "is_active"]
    readonly_fields = ["username", "full_name", "role", "phone", "is_active"]
    verbose_name = _("liaison")
    verbose_name_plural = _("liaisons and unit leaders")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LinkageUnit)
class LinkageUnitAdmin(AuditedScopedAdmin):
    list_display = ["name", "unit_type", "region", "leader_name", "active", "require_2fa"]
    list_filter = ["unit_type", "active", "require_2fa"]
    search_fields = ["name", "leader_name"]
    inlines = [LiaisonInline]
    readonly_fields = ["add_liaison"]
    court_admin_permissions = frozenset({"view"})

    @admin.display(description=_("Add a liaison"))
    def add_liaison(self, obj: LinkageUnit) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:orgs_user_add") + f"?unit={obj.pk}&role=liaison"
        return format_html('<a href="{}">{}</a>', url, _("Add a liaison to this unit"))


@admin.register(SupervisoryBody)
class SupervisoryBodyAdmin(AuditedScopedAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name"]


ORGANISATION_FIELDS = ("full_name", "phone", "role", "court", "team", "unit", "body")


@admin.register(User)
class UserAdmin(AuditedScopedAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "court", "unit", "body", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "full_name", "phone", "court__name", "unit__name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Role and organisation"), {"fields": ORGANISATION_FIELDS}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Role and organisation"), {"fields": ORGANISATION_FIELDS}),
    )
    actions = ["reset_two_factor"]
    court_admin_permissions = frozenset({"view", "add", "change"})  # people leave by deactivation

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if getattr(request.user, "is_superuser", False):
            return ["last_login", "date_joined"]
        # Only a superuser may hand out administrative powers.
        return ["last_login", "date_joined", "is_staff", "is_superuser", "groups", "user_permissions"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if getattr(request.user, "is_superuser", False):
            return queryset
        return queryset.exclude(is_superuser=True)  # nobody below a superuser edits one

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if not is_court_admin(request.user):
            return fieldsets
        # A court administrator places people in their own court only.
        court_only = tuple(name for name in ORGANISATION_FIELDS if name not in ("unit", "body"))
        return [
            (title, {**options, "fields": court_only})
            if options.get("fields") == ORGANISATION_FIELDS
            else (title, options)
            for title, options in fieldsets
        ]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and is_court_admin(request.user):
            kwargs["choices"] = [("", "---------")] + [(r.value, r.label) for r in Role if r in COURT_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if is_court_admin(request.user):
            obj.court_id = request.user.court_id  # type: ignore[union-attr]
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            twofactor.reset(user, actor=request.user)
        self.message_user(request, _("Two-factor sign-in was reset."), messages.SUCCESS)


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["unit", "name"]


@admin.register(ApiKey)
class ApiKeyAdmin(AuditedScopedAdmin):
    """Creating a key shows its secret once, on the page right after saving; only the hash is kept."""

    form = ApiKeyForm
    list_display = ["name", "unit", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "unit__name"]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return admin.ModelAdmin.get_queryset(self, request).select_related("unit")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a key is never edited: revoke it and make a new one

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked keys stay, so the trail can name them

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return ["unit", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["unit", "name"] if obj is None else self.get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        key, secret = api_key_issue(obj.unit, name=obj.name, actor=request.user)
        # The admin goes on with `obj` (log entry, response): make it the row the action created.
        obj.pk, obj.prefix, obj.key_hash, obj.created_at = key.pk, key.prefix, key.key_hash, key.created_at
        obj._state.adding, obj._state.db = False, key._state.db
        request._enforcelink_new_secret = secret  # type: ignore[attr-defined]

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> HttpResponse:
        # Rendered straight into this response: the secret never sits in a message cookie or session.
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "key": obj,
            "secret": request._enforcelink_new_secret,  # type: ignore[attr-defined]
            "title": _("API key created"),
        }
        return TemplateResponse(request, "orgs/admin/api_key_created.html", context)

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset.filter(revoked_at__isnull=True).order_by("pk"):
            api_key_revoke(key, actor=request.user)
        self.message_user(request, _("The selected keys are revoked."), messages.SUCCESS)
