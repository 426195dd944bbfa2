"""The admin site: superusers, staff with Django permissions, and court administrators.

A court administrator (role `admin` with a court) needs no staff flag: they get into the admin and
manage their own court's teams and people, within the permissions each ModelAdmin grants them
(`AuditedScopedAdmin.court_admin_permissions`) and the `visible_to` scope. Sign-in itself happens on
`/login/` (the admin's login page forwards there), so lockout and two-factor apply.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enforcelink.core import calendar


def is_court_admin(user: Any) -> bool:
    """An administrator of one court (not a superuser, who needs no special case)."""
    return bool(
        getattr(user, "is_active", False)
        and not getattr(user, "is_superuser", False)
        and getattr(user, "role", "") == "admin"
        and getattr(user, "court_id", None) is not None
    )


def may_load_calendar(user: Any) -> bool:
    """Superusers, and staff given the holiday table's permission (no query for anybody else)."""
    if not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or (user.is_staff and user.has_perm("core.change_calendaryear")))


def warn_missing_calendar(request: HttpRequest) -> None:
    """R-TIME-01: from 1 October, remind those who may load it of next year's State Council notice while
    neither the holiday table nor the chinese-calendar package knows the year (and of this year's)."""
    if not may_load_calendar(request.user):
        return
    for year in calendar.missing_years(timezone.localdate()):
        messages.warning(
            request,
            gettext(
                "No holiday calendar for %(year)d: load the State Council holiday notice for %(year)d "
                "(Admin › Holiday calendar years, or enforcelink calendar load FILE). Until then working-day "
                "deadlines in %(year)d count Monday to Friday."
            )
            % {"year": year},
        )


class AdminSite(admin.AdminSite):
    site_header = _("EnforceLink administration")
    site_title = _("EnforceLink")
    index_title = _("Organisations, people and settings")

    def has_permission(self, request: HttpRequest) -> bool:
        # Imported here: the site is built while apps load, before the models permissions reads.
        from enforcelink.orgs.permissions import Action, can

        return can(request.user, Action.OPEN_ADMIN)

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        warn_missing_calendar(request)
        return super().index(request, extra_context)


class AdminConfig(DjangoAdminConfig):
    default_site = "enforcelink.orgs.adminsite.AdminSite"
