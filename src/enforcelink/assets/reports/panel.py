"""The case page's panel for the debtor's property report (R-LIST-01 (4)), the applicant's leads
(R-CASE-04) and re-inquiry after 终本 (R-ASSET-05), registered in `cases.panels` beside the 财产
panel. A fixed number of queries whatever the number of rows (tests/assets/test_reports_panel.py)."""

from __future__ import annotations

from django.utils import timezone

from enforcelink.assets import normalise
from enforcelink.assets.models import AssetRecord
from enforcelink.assets.reports import queries
from enforcelink.assets.reports.models import FindingStatus, LeadOutcome, ReinquiryStatus, ReportedKind
from enforcelink.cases.models import Case
from enforcelink.cases.panels import Panel
from enforcelink.linkage.models import RequestType
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can

ORDER = 35  # after the 财产 panel (30): what the debtor says and the applicant points to
ITEM_ROWS = 5  # blank rows of the staff's entry form


def report_context(case: Case, actor: User) -> dict[str, object]:
    """Seven queries whatever the number of reports, items, findings, leads and rounds."""
    today = timezone.localdate()
    records = list(AssetRecord.objects.visible_to(actor).filter(case=case).order_by("kind", "pk"))
    may = can(actor, Action.INQUIRE_ASSETS, case)
    rounds = list(queries.case_reinquiries(actor, case))
    new_property = any(row.status == ReinquiryStatus.DONE and row.new_count for row in rounds)  # type: ignore[attr-defined]
    return {
        "reports": queries.reports_shown(actor, case, records),
        "leads": queries.case_leads(actor, case, today),
        "reinquiries": rounds,
        "records": records,
        "may_act": may and not case.is_closed,
        "may_decide": may,
        "may_resume": new_property and can(actor, Action.RESUME, case) and case.can_resume(),
        "new_property": new_property,
        "kinds": ReportedKind.choices,
        "inquiry_kinds": [(kind, RequestType(kind).label) for kind in normalise.INQUIRY_TYPES],
        "item_rows": range(ITEM_ROWS),
        "open": FindingStatus.OPEN,
        "pending": LeadOutcome.PENDING,
        "today": today,
    }


def report_panel(case: Case, actor: User) -> Panel | None:
    """For readers of the case's court records (`cases.panels` asks first)."""
    return Panel("property-report", "assets/_reports_panel.html", ORDER, report_context(case, actor))
