"""Reads of control measures for the case page's panel and the API: the budget with its figures and
each measure with what it holds and the days left of its term (R-ASSET-02, R-ASSET-03). Two queries
for the measures whatever their number, plus funds' standing."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from enforcelink.assets.control.budget import CaseBudget, case_budget
from enforcelink.assets.control.models import ControlMeasure
from enforcelink.cases.models import Case


def case_measures(user: Any, case: Case) -> list[ControlMeasure]:
    return list(
        ControlMeasure.objects.visible_to(user)
        .filter(case_id=case.pk)
        .select_related("unit", "request", "created_by", "record")
        .order_by("pk")
    )


def controls(user: Any, case: Case) -> dict[str, Any]:
    """{"budget": CaseBudget's figures, "measures": newest first, each with `held` and `days_left`}."""
    today = timezone.localdate()
    measures = case_measures(user, case)
    found: CaseBudget = case_budget(case, measures, today)
    for measure in measures:
        measure.held = found.held.get(measure.pk) if measure.holds else None  # type: ignore[attr-defined]
        measure.days_left = measure.remaining_days(today) if measure.in_effect else None  # type: ignore[attr-defined]
    return {
        "budget": {
            "on": today, "owed": found.owed, "costs": found.costs, "total": found.total, "used": found.used,
            "left": found.left, "pending": found.pending, "note": found.note,
        },
        "measures": list(reversed(measures)),
        "raw": found,
    }  # fmt: skip
