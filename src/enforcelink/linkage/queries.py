"""Reads of the linkage platform: responsibility lists as they apply to a unit, and scoped requests."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from enforcelink.linkage import policy
from enforcelink.linkage.models import AssistanceRequest, Responsibility
from enforcelink.orgs.models import LinkageUnit


def _entry(row: Responsibility) -> policy.Entry | None:
    if not row.handled:
        return None
    return policy.Entry(row.sla_amount, row.sla_unit, row.needs_approval, tuple(row.attachments))


def responsibility_list(unit: LinkageUnit) -> dict[str, policy.Entry]:
    """What this unit handles and under which SLA: the shipped list of its type, overridden by the
    administrators' rows for the type, then by rows for this one unit (an unticked row removes)."""
    entries: dict[str, policy.Entry | None] = dict(policy.DEFAULT_LISTS.get(unit.unit_type, {}))
    rows = list(Responsibility.objects.filter(unit_type=unit.unit_type, unit__isnull=True))
    rows += list(Responsibility.objects.filter(unit=unit))  # later rows win: the unit's own
    for row in rows:
        entries[row.request_type] = _entry(row)
    return {kind: entry for kind, entry in entries.items() if entry is not None}


def responsibility_for(unit: LinkageUnit, request_type: str) -> policy.Entry | None:
    return responsibility_list(unit).get(request_type)


def visible_requests(user: Any) -> QuerySet[AssistanceRequest]:
    return AssistanceRequest.objects.visible_to(user).select_related("case", "unit")
