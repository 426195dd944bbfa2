"""What orgs puts on the home pages (core/home.py): the set-up status for administrators — the
courts, the units nobody answers for, the units' API keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from enforcelink.core import home
from enforcelink.orgs.models import ApiKey, Court, LinkageUnit, Role, User
from enforcelink.orgs.permissions import Action, can

LISTED = 20


def _setup_panel(actor: Any, today: dt.date) -> home.Panel | None:
    """Courts (with their staff count), active units without an active liaison (requests to them
    reach nobody on the web), and API keys in use, revoked and never used."""
    if not can(actor, Action.VIEW_SETUP):
        return None
    courts = list(
        Court.objects.visible_to(actor)
        .annotate(people=Count("staff", filter=Q(staff__is_active=True)))
        .order_by("code")[:LISTED]
    )
    liaisons = User.objects.filter(unit=OuterRef("pk"), role=Role.LIAISON, is_active=True)
    lonely = LinkageUnit.objects.visible_to(actor).filter(active=True).exclude(Exists(liaisons))
    unit_rows = list(lonely.order_by("name")[:LISTED])
    unit_count = (
        len(unit_rows) if len(unit_rows) < LISTED else lonely.order_by()[: home.BADGE_CAP + 1].count()
    )
    keys = (
        ApiKey.objects.visible_to(actor)
        .order_by()
        .aggregate(
            live=Count("pk", filter=Q(revoked_at__isnull=True)),
            unused=Count("pk", filter=Q(revoked_at__isnull=True, last_used_at__isnull=True)),
            revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
        )
    )
    return home.Panel(
        "setup",
        _("Set-up status"),
        "orgs/panels/setup.html",
        {"courts": courts, "units": unit_rows, "unit_count": home.capped(unit_count), "keys": keys},
        link=reverse("admin:index") if can(actor, Action.OPEN_ADMIN) else "",
        link_label=_("Administration"),
        wide=True,
    )


def register() -> None:
    home.register_panel("setup", _setup_panel, order=50)
