"""Reads of control measures for the case page's panel and the API: the budget with its figures and
each measure with what it holds and the days left of its term (R-ASSET-02, R-ASSET-03). Two queries
for the measures whatever their number, plus funds' standing."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from enforcelink.assets.control.budget import CaseBudget, case_budget
from enforcelink.assets.control.models import ControlMeasure, MeasureStatus
from enforcelink.cases.models import Case
from enforcelink.linkage.models import RequestStatus

# A measure sent whose request has not reached its unit yet: it shows the request's state (待审批 for a
# deduction before the leader's approval), not "sent, awaiting confirmation".
NOT_WITH_UNIT = frozenset({RequestStatus.DRAFT, RequestStatus.PENDING_APPROVAL, RequestStatus.RETURNED})


def case_measures(user: Any, case: Case) -> list[ControlMeasure]:
    return list(
        ControlMeasure.objects.visible_to(user)
        .filter(case_id=case.pk)
        .select_related("unit", "request", "created_by", "record")
        .order_by("pk")
    )


def controls(user: Any, case: Case) -> dict[str, Any]:
    """{"budget": CaseBudget's figures, "measures": newest first, each with `held`, `days_left` and
    `shown_status`}."""
    today = timezone.localdate()
    measures = case_measures(user, case)
    found: CaseBudget = case_budget(case, measures, today)
    for measure in measures:
        measure.held = found.held.get(measure.pk) if measure.holds else None  # type: ignore[attr-defined]
        measure.days_left = measure.remaining_days(today) if measure.in_effect else None  # type: ignore[attr-defined]
        measure.shown_status = shown_status(measure)  # type: ignore[attr-defined]
    return {
        "budget": {
            "on": today, "owed": found.owed, "costs": found.costs, "fee": found.fee, "total": found.total,
            "used": found.used,
            "left": found.left, "pending": found.pending, "note": found.note,
        },
        "measures": list(reversed(measures)),
        "raw": found,
    }  # fmt: skip


def shown_status(measure: ControlMeasure) -> str:
    """The measure's state as the panel says it: a measure sent whose request still waits at the
    court (a deduction awaiting the leader's approval, or returned for correction) shows the request's
    state, since nothing has gone to the unit yet; otherwise the measure's own."""
    if measure.status == MeasureStatus.SENT and measure.request.status in NOT_WITH_UNIT:
        return str(measure.request.get_status_display())
    return str(measure.get_status_display())
