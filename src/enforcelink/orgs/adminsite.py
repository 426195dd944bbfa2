"""The admin site: superusers, staff with Django permissions, and court administrators.

A court administrator (role `admin` with a court) needs no staff flag: they get into the admin and
manage their own court's teams and people, within the permissions each ModelAdmin grants them
(`AuditedScopedAdmin.court_admin_permissions`) and the `visible_to` scope. Sign-in itself happens on
`/login/` (the admin's login page forwards there), so lockout and two-factor apply.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def is_court_admin(user: Any) -> bool:
    """An administrator of one court (not a superuser, who needs no special case)."""
    return bool(
        getattr(user, "is_active", False)
        and not getattr(user, "is_superuser", False)
        and getattr(user, "role", "") == "admin"
        and getattr(user, "court_id", None) is not None
    )


class AdminSite(admin.AdminSite):
    site_header = _("EnforceLink administration")
    site_title = _("EnforceLink")
    index_title = _("Organisations, people and settings")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_staff or is_court_admin(user)))


class AdminConfig(DjangoAdminConfig):
    default_site = "enforcelink.orgs.adminsite.AdminSite"
