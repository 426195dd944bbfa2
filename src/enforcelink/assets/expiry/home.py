"""What expiring control measures put on the home pages (core/home.py, R-ASSET-02): the officer's
"即将到期" card (how many of their measures end within 30 days, the nearest first, and the link to
renew them) and the command centre's card of the court's. Each reads one page of rows by the partial
index of measures in effect by term end, and counts up to the badge cap only when the page is full."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from enforcelink.assets.expiry import queries
from enforcelink.core import home
from enforcelink.orgs.permissions import Action, can


def _rows_and_count(rows: Any, today: dt.date) -> tuple[list[Any], int | str]:
    shown = queries.with_days_left(rows[: home.PANEL_ROWS], today)
    count = len(shown) if len(shown) < home.PANEL_ROWS else rows.order_by()[: home.BADGE_CAP + 1].count()
    return shown, home.capped(count)


def _mine_panel(actor: Any, today: dt.date) -> home.Panel | None:
    if not can(actor, Action.CONTROL_ASSETS) or not can(actor, Action.HANDLE_CASES):
        return None
    rows, count = _rows_and_count(queries.mine(actor, today), today)
    if not rows:
        return None  # nothing ends within 30 days: no card
    return home.Panel(
        "controls-expiring",
        _("Control measures ending soon"),
        "assets/expiry/panel_mine.html",
        {"rows": rows, "count": count, "days": queries.DEFAULT_DAYS},
        link=reverse("controls-expiring"),
        link_label=_("Renew them"),
        wide=True,
    )


def _court_panel(actor: Any, today: dt.date) -> home.Panel | None:
    if not can(actor, Action.MONITOR_COURT):
        return None
    rows, count = _rows_and_count(queries.court(actor, today), today)
    return home.Panel(
        "court-controls-expiring",
        _("Control measures of the court ending soon"),
        "assets/expiry/panel_court.html",
        {"rows": rows, "count": count, "days": queries.DEFAULT_DAYS},
        link=reverse("command-controls-expiring"),
        link_label=_("All measures ending soon"),
        wide=True,
    )


def register() -> None:
    home.register_panel("controls-expiring", _mine_panel, order=25)
    home.register_panel("court-controls-expiring", _court_panel, order=25)
