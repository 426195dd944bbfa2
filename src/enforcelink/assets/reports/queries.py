"""Reads of the property report, the applicant's leads and re-inquiry after 终本, each starting from
`visible_to(user)` (another court's rows are never read)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from enforcelink.assets.models import AssetRecord
from enforcelink.assets.reports import policy
from enforcelink.assets.reports.models import (
    LeadCheck,
    PropertyReport,
    Reinquiry,
    ReportedItem,
    ReportFinding,
    ReportLink,
    ReportStatus,
)
from enforcelink.cases.models import AssetLead, Case, NodeKind, NodeStatus, ProcessNode


def case_reports(user: Any, case: Case) -> QuerySet[PropertyReport]:
    """The case's reports with their items and findings (the API's read; three queries)."""
    return (
        PropertyReport.objects.visible_to(user)
        .filter(case=case)
        .select_related("order", "entered_by")
        .prefetch_related(
            Prefetch("items", queryset=ReportedItem.objects.order_by("pk")),
            Prefetch(
                "findings",
                queryset=ReportFinding.objects.select_related("decided_by").prefetch_related("records"),
            ),
        )
        .order_by("-ordered_on", "-pk")
    )


def reports_shown(user: Any, case: Case, records: list[AssetRecord]) -> list[PropertyReport]:
    """The panel's reports, each with `item_rows`, `finding_rows` and `left_out` (the found records
    a received report does not name, R-LIST-01 (4)): three queries however many rows."""
    reports = list(
        PropertyReport.objects.visible_to(user)
        .filter(case=case)
        .select_related("order")
        .order_by("-ordered_on", "-pk")
    )
    items = list(ReportedItem.objects.filter(report__case=case).order_by("pk"))
    findings = list(ReportFinding.objects.filter(case=case).select_related("decided_by").order_by("pk"))
    for report in reports:
        report.item_rows = [item for item in items if item.report_id == report.pk]
        report.finding_rows = [f for f in findings if f.report_id == report.pk]
        report.left_out = left_out(report, records)
    return reports


def open_links(case: Case, reports: list[PropertyReport]) -> dict[int, ReportLink]:
    """The one-time link still open of each awaiting report (unused, not replaced, not expired), by
    report: one query, none when no report awaits. For the case's staff only (`may_see_links`)."""
    awaiting = [report.pk for report in reports if report.status == ReportStatus.AWAITING]
    if not awaiting or case.is_closed:
        return {}
    rows = ReportLink.objects.filter(
        report_id__in=awaiting, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("report_id", "-created_at", "-pk")
    links: dict[int, ReportLink] = {}
    for link in rows:
        links.setdefault(link.report_id, link)
    return links


def left_out(report: PropertyReport, records: list[AssetRecord]) -> list[AssetRecord]:
    """The records the inquiries found that a received report does not name (R-LIST-01 (4))."""
    if report.status != ReportStatus.REPORTED:
        return []
    items = getattr(report, "item_rows", None)
    matched = {
        item.record_id for item in (items if items is not None else report.items.all()) if item.record_id
    }
    return [r for r in records if r.pk not in matched and r.kind not in policy.NOT_REPORTABLE]


@dataclass
class LeadRow:
    lead: AssetLead
    check: LeadCheck | None
    due_on: dt.date | None
    late: bool
    records: list[AssetRecord] = field(default_factory=list)


def case_leads(user: Any, case: Case, today: dt.date) -> list[LeadRow]:
    """The case's leads with their verification clock (R-CASE-04: its due date, and whether it is
    late, read from the lead's node) and check; two queries however many leads."""
    node = ProcessNode.objects.filter(lead=OuterRef("pk"), kind=NodeKind.LEAD_VERIFICATION).order_by("pk")
    leads = list(
        AssetLead.objects.visible_to(user)
        .filter(case=case)
        .select_related("verification")
        .annotate(due_on=Subquery(node.values("due_on")[:1]), node_status=Subquery(node.values("status")[:1]))
        .order_by("submitted_on", "pk")
    )
    links = LeadCheck.records.through.objects.filter(leadcheck__case=case).select_related("assetrecord")
    linked: dict[int, list[AssetRecord]] = {}
    for link in links.order_by("pk"):
        linked.setdefault(link.leadcheck_id, []).append(link.assetrecord)
    rows = []
    for lead in leads:
        check = getattr(lead, "verification", None)
        pending = lead.node_status in (NodeStatus.OPEN, NodeStatus.OVERDUE)
        late = pending and (lead.node_status == NodeStatus.OVERDUE or lead.due_on < today)
        rows.append(LeadRow(lead, check, lead.due_on, late, linked.get(check.pk, []) if check else []))
    return rows


def case_reinquiries(user: Any, case: Case) -> QuerySet[Reinquiry]:
    """The rounds with their notice and how many new records each found (one query)."""
    return (
        Reinquiry.objects.visible_to(user)
        .filter(case=case)
        .select_related("notice")
        .annotate(new_count=Count("new_records"))
        .order_by("round")
    )
