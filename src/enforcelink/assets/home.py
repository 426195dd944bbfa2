"""What asset inquiry puts on the home pages (core/home.py): the supervisor's review of a random
sample of inquiries (R-ASSET-01) — the latest sample and how many of it are still to review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from enforcelink.assets import queries
from enforcelink.core import home
from enforcelink.orgs.permissions import Action, can


def _review_panel(actor: Any, today: dt.date) -> home.Panel | None:
    if not can(actor, Action.REVIEW_INQUIRIES) or getattr(actor, "body_id", None) is None:
        return None
    sample = queries.samples_of(actor).first()
    return home.Panel(
        "inquiry-review",
        _("Review of property inquiries"),
        "assets/panels/review.html",
        {"sample": sample, "left": (sample.drawn - sample.reviewed) if sample else 0},  # type: ignore[attr-defined]
        link=reverse("inquiry-samples"),
        link_label=_("Samples and verdicts"),
    )


def register() -> None:
    home.register_panel("inquiry-review", _review_panel, order=20)
