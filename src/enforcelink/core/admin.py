"""The admin for the shared kernel: the audit trail (read-only), notifications, periodic-sweep claims,
and the holiday table (one year's State Council notice per page, saved through `core.holidays`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from enforcelink.core import holidays, narration
from enforcelink.core.errors import DomainError
from enforcelink.core.models import AuditEvent, CalendarDay, CalendarYear, Notification, PeriodicClaim


class ViewOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyScopedAdmin(ViewOnlyAdmin):
    """View-only, scoped by the model's `visible_to(user)` queryset method: writes go through the
    apps' actions, never the admin. Shared by the apps whose records change only through actions."""

    show_full_result_count = False  # a count(*) over a million cases on every page is not worth it

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if getattr(request.user, "is_superuser", False):
            return queryset
        method = getattr(queryset, "visible_to", None)
        if method is None:  # a model without a scope is not shown to people, rather than shown whole
            raise TypeError(f"{queryset.model.__name__} has no visible_to(user) queryset method")
        scoped: QuerySet[Any] = method(request.user)
        return scoped


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdmin):
    """Append-only (issue 2 §7): nobody adds, edits or deletes events here; `audit verify` checks them."""

    list_display = [
        "seq",
        "created_at",
        "told",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "case_id",
    ]
    list_select_related = ["actor"]
    search_fields = ["=action", "=object_id", "=actor_label", "=case_id"]
    show_full_result_count = False
    ordering = ["-created_at", "-seq"]  # newest first: seq orders within a chain only

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        """The page's events told in words at once: each describer's loader reads once per page."""
        changelist = super().get_changelist_instance(request)
        narration.tell(list(changelist.result_list))
        return changelist

    @admin.display(description=_("What happened"))
    def told(self, event: AuditEvent) -> str:
        told = getattr(event, "told", None) or narration.tell([event])[0]
        return told.sentence

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


class CalendarDayFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.year is None:
            return  # the year's own error is shown beside it
        try:
            holidays.check_notice(self.instance.year, _days(self))
        except DomainError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None


def _days(formset: Any) -> list[holidays.DayInput]:
    return [
        holidays.DayInput(
            form.cleaned_data["date"], form.cleaned_data["kind"], form.cleaned_data.get("name", "")
        )
        for form in formset.forms
        if form.cleaned_data and form.cleaned_data.get("date") and not form.cleaned_data.get("DELETE")
    ]


class CalendarYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "source", "published_on"]

    def clean_year(self) -> int:
        try:
            return holidays.check_year(self.cleaned_data["year"])
        except DomainError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    formset = CalendarDayFormSet
    fields = ["date", "kind", "name"]
    extra = 3


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """R-TIME-01: a year's holidays and make-up working days, ahead of the chinese-calendar package.
    Saving or deleting goes through `core.holidays`, which recomputes the open clocks it touches."""

    form = CalendarYearForm
    inlines = [CalendarDayInline]
    list_display = ["year", "source", "published_on", "changed_at"]
    readonly_fields = ["changed_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A year's days belong to it: another year is another page.
        return ["year", "changed_at"] if obj is not None else ["changed_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Written with its days in `save_related`, once the inline rows are known."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Written by `save_related` through the action."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        year = form.instance
        days = [day for formset in formsets for day in _days(formset)]
        holidays.calendar_year_save(
            year.year, days=days, source=year.source, published_on=year.published_on, actor=request.user
        )
        year.pk = CalendarYear.objects.get(year=year.year).pk

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> list[dict[str, dict[str, list[str]]]]:
        # The inline rows are not saved by their formsets (the action replaces the year's days).
        return [{"added": {}}] if add else [{"changed": {"fields": [*form.changed_data, "days"]}}]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        holidays.calendar_year_delete(obj.year, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for year in sorted(queryset.values_list("year", flat=True)):
            holidays.calendar_year_delete(year, actor=request.user)
