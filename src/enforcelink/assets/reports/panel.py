"""The case page's panel for the debtor's property report (R-LIST-01 (4)), the applicant's leads
(R-CASE-04) and re-inquiry after 终本 (R-ASSET-05), registered in `cases.panels` beside the 财产
panel. A fixed number of queries whatever the number of rows (tests/assets/test_reports_panel.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets import normalise
from enforcelink.assets.models import AssetRecord
from enforcelink.assets.reports import actions, queries
from enforcelink.assets.reports.models import (
    FindingStatus,
    LeadOutcome,
    PropertyReport,
    ReinquiryStatus,
    ReportedKind,
    ReportLink,
)
from enforcelink.cases.models import Case
from enforcelink.cases.panels import Panel
from enforcelink.linkage.models import RequestType
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can

ORDER = 35  # after the 财产 panel (30): what the debtor says and the applicant points to
ITEM_ROWS = 5  # blank rows of the staff's entry form


def link_url(token: str) -> str:
    """The one-time link as the debtor opens it: at the site's public address, as documents print
    their check address (ENFORCELINK_PUBLIC_URL), not the intranet address the staff use."""
    return f"{settings.PUBLIC_URL}{reverse('property-report-public', args=[token])}"


def may_see_links(actor: User, case: Case) -> bool:
    """The debtor's one-time link is a key to the report: shown again only to the staff of the case's
    court who may make one (officers and team leaders), never to a supervisor, a fund clerk or the
    operator, who read the case."""
    return can(actor, Action.INQUIRE_ASSETS, case) and getattr(actor, "court_id", None) == case.court_id


@dataclass(frozen=True)
class OpenLink:
    """A link still open, as its report's panel shows it: the address (None when it cannot be shown
    again: a new link is needed) and its expiry."""

    link: ReportLink
    url: str | None


def _open_links(case: Case, actor: User, reports: list[PropertyReport]) -> None:
    """Each report's `open_link` (an `OpenLink`, or None: no link open, or not the reader's to see)."""
    links = queries.open_links(case, reports) if may_see_links(actor, case) else {}
    for report in reports:
        link = links.get(report.pk)
        shown = None
        if link is not None:
            token = actions.link_token(link)
            shown = OpenLink(link, link_url(token) if token else None)
        report.open_link = shown  # type: ignore[attr-defined]


def report_context(case: Case, actor: User) -> dict[str, object]:
    """Seven queries whatever the number of reports, items, findings, leads and rounds; an eighth
    for the open one-time links when a report awaits and the reader is the case's staff."""
    today = timezone.localdate()
    records = list(AssetRecord.objects.visible_to(actor).filter(case=case).order_by("kind", "pk"))
    may = can(actor, Action.INQUIRE_ASSETS, case)
    rounds = list(queries.case_reinquiries(actor, case))
    reports = queries.reports_shown(actor, case, records)
    _open_links(case, actor, reports)
    new_property = any(row.status == ReinquiryStatus.DONE and row.new_count for row in rounds)  # type: ignore[attr-defined]
    return {
        "reports": reports,
        "leads": queries.case_leads(actor, case, today),
        "reinquiries": rounds,
        "records": records,
        "may_act": may and not case.is_closed,
        "may_decide": may,
        "may_resume": new_property and can(actor, Action.RESUME, case) and case.can_resume(),
        "new_property": new_property,
        "kinds": ReportedKind.choices,
        "inquiry_kinds": [(kind, RequestType(kind).label) for kind in normalise.INQUIRY_TYPES],
        "blank_rows": [{"n": n} for n in range(ITEM_ROWS)],
        "open": FindingStatus.OPEN,
        "pending": LeadOutcome.PENDING,
        "today": today,
    }


def report_panel(case: Case, actor: User) -> Panel | None:
    """For readers of the case's court records (`cases.panels` asks first)."""
    return Panel("property-report", "assets/_reports_panel.html", ORDER, report_context(case, actor))
