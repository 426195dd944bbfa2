"""The case page's 财产 panel (issue 15 §2, `cases.panels`): what was asked (by kind and unit, with
status and due date), what was found (records with their holder, identifiers masked where they are
ID numbers, value and its date, encumbrances, other courts' measures), "asked, nothing found" per
kind, and the one-click inquiry. The controls, the budget and the expiries of wave 2 have their room
already. Three queries whatever the number of records (tests/assets/test_panel.py)."""

from __future__ import annotations

from django.utils import timezone

from enforcelink.assets import queries
from enforcelink.assets.actions import DEFAULT_BASIS, DEFAULT_PURPOSE
from enforcelink.assets.models import Inquiry
from enforcelink.cases.models import Case
from enforcelink.cases.panels import Panel
from enforcelink.core.money import format_yuan
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can

ORDER = 30  # after the requests: what the inquiries brought


def assets_context(case: Case, actor: User) -> dict[str, object]:
    records = list(queries.case_records(actor, case))
    for record in records:
        record.shown = queries.shown_identifier(record)  # type: ignore[attr-defined]
        record.value_text = format_yuan(record.value) if record.value is not None else ""  # type: ignore[attr-defined]
    latest = Inquiry.objects.visible_to(actor).filter(case=case).order_by("-created_at", "-pk").first()
    return {
        "kinds": queries.asked_by_kind(actor, case, records),
        "records": records,
        "latest": latest,
        "refused": queries.refusals_shown(latest),
        "may_inquire": can(actor, Action.INQUIRE_ASSETS, case) and not case.is_closed,
        "purpose": DEFAULT_PURPOSE,
        "legal_basis": DEFAULT_BASIS,
        "today": timezone.localdate(),
    }


def assets_panel(case: Case, actor: User) -> Panel | None:
    """For readers of the case's court records (`cases.panels` asks first)."""
    return Panel("assets", "assets/_case_panel.html", ORDER, assets_context(case, actor))
