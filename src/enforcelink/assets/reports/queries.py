"""Reads of the property report, the applicant's leads and re-inquiry after 终本, each starting from
`visible_to(user)` (another court's rows are never read)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from enforcelink.assets.models import AssetRecord
from enforcelink.assets.reports import policy
from enforcelink.assets.reports.models import (
    LeadCheck,
    PropertyReport,
    Reinquiry,
    ReportedItem,
    ReportFinding,
    ReportStatus,
)
from enforcelink.cases.models import AssetLead, Case, NodeKind, ProcessNode


def case_reports(user: Any, case: Case) -> QuerySet[PropertyReport]:
    return (
        PropertyReport.objects.visible_to(user)
        .filter(case=case)
        .select_related("order", "entered_by")
        .prefetch_related(
            Prefetch("items", queryset=ReportedItem.objects.select_related("record").order_by("pk")),
            Prefetch(
                "findings",
                queryset=ReportFinding.objects.select_related("decided_by").prefetch_related("records"),
            ),
        )
        .order_by("-ordered_on", "-pk")
    )


def case_findings(user: Any, case: Case) -> QuerySet[ReportFinding]:
    return ReportFinding.objects.visible_to(user).filter(case=case).prefetch_related("records").order_by("pk")


def left_out(report: PropertyReport, records: list[AssetRecord]) -> list[AssetRecord]:
    """The records the inquiries found that a received report does not name (R-LIST-01 (4))."""
    if report.status != ReportStatus.REPORTED:
        return []
    matched = {item.record_id for item in report.items.all() if item.record_id}
    return [r for r in records if r.pk not in matched and r.kind not in policy.NOT_REPORTABLE]


@dataclass
class LeadRow:
    lead: AssetLead
    check: LeadCheck | None
    node: ProcessNode | None
    late: bool
    records: list[AssetRecord] = field(default_factory=list)


def case_leads(user: Any, case: Case, today: dt.date) -> list[LeadRow]:
    """The case's leads with their verification clock (R-CASE-04) and check, three queries."""
    leads = list(AssetLead.objects.visible_to(user).filter(case=case).order_by("submitted_on", "pk"))
    checks = {
        check.lead_id: check
        for check in LeadCheck.objects.filter(lead__in=leads).prefetch_related("records", "inquiries")
    }
    nodes = {
        node.lead_id: node
        for node in ProcessNode.objects.filter(case=case, kind=NodeKind.LEAD_VERIFICATION, lead__in=leads)
    }
    rows = []
    for lead in leads:
        node = nodes.get(lead.pk)
        check = checks.get(lead.pk)
        late = node is not None and node.is_pending and node.is_overdue_on(today)
        rows.append(LeadRow(lead, check, node, late, list(check.records.all()) if check else []))
    return rows


def case_reinquiries(user: Any, case: Case) -> QuerySet[Reinquiry]:
    return (
        Reinquiry.objects.visible_to(user)
        .filter(case=case)
        .select_related("notice", "inquiry")
        .prefetch_related("new_records")
        .order_by("round")
    )
