"""/api/v1/: one router for viewsets, plain paths for the lists hanging off a case.

Ids in paths are matched loosely and parsed by the views, so "abc" or an over-long number gets
the API's 404 body rather than Django's HTML page; anything unknown under /api/v1/ does too.
"""

from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from enforcelink.assets import api as assets_api
from enforcelink.assets.control import api as controls_api
from enforcelink.assets.expiry import api as expiry_api
from enforcelink.assets.reports import api as reports_api
from enforcelink.cases import api as cases_api
from enforcelink.core.api import api_not_found
from enforcelink.funds import api as funds_api
from enforcelink.funds import api_desk as funds_desk
from enforcelink.funds import api_fee as funds_fee
from enforcelink.linkage import api as linkage_api
from enforcelink.orgs import api as orgs_api

router = DefaultRouter(trailing_slash=True)
router.register("cases", cases_api.CaseViewSet, basename="api-case")
router.register("requests", linkage_api.RequestViewSet, basename="api-request")

CASE = "cases/<str:case_id>/"
REQUEST = "requests/<str:request_id>/"

urlpatterns = [
    # Before the router, whose requests/<id>/ would otherwise take "replies" for an id.
    path("requests/replies/", linkage_api.BatchReplies.as_view(), name="api-request-batch-replies"),
    path("requests/batch/", linkage_api.CaseBatch.as_view(), name="api-request-batch"),
    *router.urls,
    path("me/", orgs_api.MeView.as_view(), name="api-me"),
    path(f"{CASE}parties/", cases_api.CasePartyList.as_view(), name="api-case-parties"),
    path(f"{CASE}nodes/", cases_api.CaseNodeList.as_view(), name="api-case-nodes"),
    path(f"{CASE}events/", cases_api.CaseEventList.as_view(), name="api-case-events"),
    path(f"{CASE}inquiries/", assets_api.CaseInquiries.as_view(), name="api-case-inquiries"),
    path(f"{CASE}assets/", assets_api.CaseAssets.as_view(), name="api-case-assets"),
    # Control measures under the case's budget (assets/control/, R-ASSET-02/03).
    path(f"{CASE}controls/", controls_api.CaseControls.as_view(), name="api-case-controls"),
    path(
        "controls/<str:measure_id>/deduct/", controls_api.MeasureDeduct.as_view(), name="api-control-deduct"
    ),
    path(
        "controls/<str:measure_id>/release/",
        controls_api.MeasureRelease.as_view(),
        name="api-control-release",
    ),
    # The debtor's property report, the applicant's leads, re-inquiry after 终本 (assets/reports/).
    path(f"{CASE}property-reports/", reports_api.CaseReports.as_view(), name="api-case-reports"),
    path(
        f"{CASE}property-reports/<str:report_id>/report/",
        reports_api.ReportEnter.as_view(),
        name="api-report-enter",
    ),
    path(
        f"{CASE}property-reports/<str:report_id>/link/",
        reports_api.ReportLinkCreate.as_view(),
        name="api-report-link",
    ),
    path(
        f"{CASE}report-findings/<str:finding_id>/decision/",
        reports_api.FindingDecide.as_view(),
        name="api-finding-decide",
    ),
    path(f"{CASE}leads/", reports_api.CaseLeads.as_view(), name="api-case-leads"),
    path(f"{CASE}leads/<str:lead_id>/inquiry/", reports_api.LeadAsk.as_view(), name="api-lead-inquiry"),
    path(f"{CASE}leads/<str:lead_id>/records/", reports_api.LeadLink.as_view(), name="api-lead-records"),
    path(
        f"{CASE}leads/<str:lead_id>/verification/",
        reports_api.LeadVerify.as_view(),
        name="api-lead-verification",
    ),
    path(f"{CASE}reinquiries/", reports_api.CaseReinquiries.as_view(), name="api-case-reinquiries"),
    path(
        f"{CASE}reinquiries/<str:round_id>/resume/",
        reports_api.ReinquiryResume.as_view(),
        name="api-reinquiry-resume",
    ),
    path(f"{CASE}funds/", funds_api.CaseFunds.as_view(), name="api-case-funds"),
    path(f"{CASE}funds/entries/", funds_api.CaseEntries.as_view(), name="api-case-fund-entries"),
    # The fund desk (funds/api_desk.py): receipts, the case's ledger, payouts, 不明款, statements.
    path(f"{CASE}funds/receipts/", funds_desk.CaseReceipt.as_view(), name="api-case-fund-receipts"),
    path(f"{CASE}funds/ledger/", funds_desk.CaseLedger.as_view(), name="api-case-fund-ledger"),
    path(f"{CASE}funds/payouts/", funds_desk.CasePayouts.as_view(), name="api-case-payouts"),
    # The application fee (funds/api_fee.py): the court's decision, the collection (R-FUND-03).
    path(f"{CASE}funds/fee/", funds_fee.CaseFeeDecide.as_view(), name="api-case-fund-fee"),
    path(f"{CASE}funds/fee/collect/", funds_fee.CaseFeeCollect.as_view(), name="api-case-fund-fee-collect"),
    path("funds/journals/", funds_desk.CourtLedger.as_view(), name="api-fund-journals"),
    path(
        "funds/journals/<str:journal_id>/reversal/",
        funds_desk.JournalReversal.as_view(),
        name="api-fund-journal-reversal",
    ),
    path("funds/payouts/", funds_desk.PayoutList.as_view(), name="api-payouts"),
    path(
        "funds/payouts/<str:payout_id>/<str:step>/", funds_desk.PayoutStep.as_view(), name="api-payout-step"
    ),
    path("funds/unidentified/", funds_desk.UnidentifiedList.as_view(), name="api-unidentified"),
    path(
        "funds/unidentified/<str:item_id>/assign/",
        funds_desk.UnidentifiedAssign.as_view(),
        name="api-unidentified-assign",
    ),
    path(
        "funds/unidentified/<str:item_id>/return/",
        funds_desk.UnidentifiedReturn.as_view(),
        name="api-unidentified-return",
    ),
    path("funds/statements/", funds_desk.StatementImportView.as_view(), name="api-fund-statements"),
    path("inquiry-samples/", assets_api.Samples.as_view(), name="api-inquiry-samples"),
    path("inquiry-samples/<str:sample_id>/", assets_api.SampleDetail.as_view(), name="api-inquiry-sample"),
    path(
        "inquiry-samples/<str:sample_id>/items/<str:item_id>/verdict/",
        assets_api.SampleVerdict.as_view(),
        name="api-inquiry-verdict",
    ),
    # Control measures ending soon, renewals in a batch, waiting lists (assets/expiry/, R-ASSET-02/04).
    path("controls/expiring/", expiry_api.ExpiringList.as_view(), name="api-controls-expiring"),
    path("controls/renewals/", expiry_api.Renewals.as_view(), name="api-control-renewals"),
    path(
        "asset-records/<str:record_id>/earlier-freed/",
        expiry_api.EarlierFreed.as_view(),
        name="api-record-earlier-freed",
    ),
    path(f"{CASE}parties/<str:party_id>/reveal/", cases_api.PartyReveal.as_view(), name="api-party-reveal"),
    path(f"{REQUEST}acknowledge/", linkage_api.Acknowledge.as_view(), name="api-request-acknowledge"),
    path(f"{REQUEST}reply/", linkage_api.Reply.as_view(), name="api-request-reply"),
    path(f"{REQUEST}messages/", linkage_api.Messages.as_view(), name="api-request-messages"),
    path(f"{REQUEST}attachments/", linkage_api.Attachments.as_view(), name="api-request-attachments"),
    path(
        f"{REQUEST}attachments/<str:attachment_id>/",
        linkage_api.AttachmentDownload.as_view(),
        name="api-request-attachment",
    ),
    path(f"{REQUEST}approve/", linkage_api.Approve.as_view(), name="api-request-approve"),
    path(f"{REQUEST}refuse/", linkage_api.Refuse.as_view(), name="api-request-refuse"),
    # Only paths ending in "/": without it CommonMiddleware first tries the path with a slash added.
    re_path(r"^.*/$", api_not_found),
]
