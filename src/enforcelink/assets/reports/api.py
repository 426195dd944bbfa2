"""/api/v1/ for the property report (R-LIST-01 (4)), the applicant's leads (R-CASE-04) and re-inquiry
after 终本 (R-ASSET-05): a case's reports with their items, comparison and findings; entering a report,
making the debtor's one-time link, deciding a finding; leads with their clocks and checks, asking the
unit, linking records, recording the outcome; the re-inquiry rounds and the one-click resumption.
Another court's case answers the same 404 as a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from enforcelink.assets import normalise
from enforcelink.assets.reports import actions, leads, queries, reinquiry
from enforcelink.assets.reports.models import (
    FindingKind,
    FindingStatus,
    LeadOutcome,
    PropertyReport,
    Reinquiry,
    ReinquiryStatus,
    ReportChannel,
    ReportedItem,
    ReportedKind,
    ReportFinding,
    ReportStatus,
)
from enforcelink.assets.reports.panel import link_url
from enforcelink.cases.api import CASE_ID, CaseChildList
from enforcelink.cases.models import AssetLead, Case
from enforcelink.core.api import parse_pk
from enforcelink.core.fields import ApiTextField
from enforcelink.orgs.permissions import signed_in


def _id(name: str, what: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH, description=f"The {what}'s id.")


REPORT_ID, FINDING_ID, LEAD_ID, ROUND_ID = (
    _id("report_id", "property report"), _id("finding_id", "finding"), _id("lead_id", "lead"),
    _id("round_id", "re-inquiry round"),
)  # fmt: skip


class ItemSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ReportedKind.choices)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, coerce_to_string=True)
    record = serializers.IntegerField(source="record_id", allow_null=True,
                                      help_text="The asset record it matches, or null: no inquiry found it.")  # fmt: skip

    class Meta:
        model = ReportedItem
        fields = ["id", "kind", "institution", "identifier", "description", "value", "record"]


class FindingSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=FindingKind.choices, help_text="R-LIST-01 (4): late, false or none."
    )
    status = serializers.ChoiceField(choices=FindingStatus.choices)
    records = serializers.SerializerMethodField(help_text="For `false`: the asset records left out.")
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)

    class Meta:
        model = ReportFinding
        fields = ["id", "report", "kind", "detail", "records", "status", "reason", "decided_by", "decided_at",
                  "created_at"]  # fmt: skip

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_records(self, finding: ReportFinding) -> list[int]:
        return [record.pk for record in finding.records.all()]


class ReportSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.number", help_text="The 报告财产令's number.")
    status = serializers.ChoiceField(
        choices=ReportStatus.choices, help_text="`superseded`: a newer order replaced it (`superseded_by`)."
    )
    channel = serializers.ChoiceField(choices=[("", ""), *ReportChannel.choices])
    superseded_by = serializers.IntegerField(
        source="superseded_by_id",
        allow_null=True,
        help_text="The report of the newer order that replaced this one.",
    )
    closed_reason = serializers.CharField(help_text="Why a superseded report was closed.")
    items = ItemSerializer(many=True)
    findings = FindingSerializer(many=True)

    class Meta:
        model = PropertyReport
        fields = ["id", "order", "ordered_on", "due_on", "trace", "status", "reported_on", "channel",
                  "declares_nothing", "statement", "items", "findings", "compared_at", "superseded_by",
                  "closed_reason"]  # fmt: skip


class ItemInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportedKind.choices)
    institution = ApiTextField(required=False, allow_blank=True, max_length=200, default="")
    identifier = ApiTextField(required=False, allow_blank=True, max_length=200, default="")
    description = ApiTextField(required=False, allow_blank=True, max_length=500, default="")
    value = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None,
                                  help_text="Yuan with at most two decimals, as a string.")  # fmt: skip


class ReportInSerializer(serializers.Serializer):
    items = ItemInSerializer(many=True, required=False, default=list)  # at most MAX_ITEMS: the action says so
    declares_nothing = serializers.BooleanField(required=False, default=False)
    statement = ApiTextField(required=False, allow_blank=True, multiline=True, max_length=5000, default="")
    on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Received on (today)."
    )


class LinkSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The one-time link for the respondent; shown only in this answer.")
    expires_at = serializers.DateTimeField()


class FindingDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[FindingStatus.CONFIRMED, FindingStatus.DISMISSED])
    reason = ApiTextField(max_length=500, multiline=True)


def _reports(request: Request, case: Case) -> QuerySet[PropertyReport]:
    return queries.case_reports(request.user, case)


class CaseReports(CaseChildList):
    child_model = PropertyReport
    serializer_class = ReportSerializer
    pagination_class = None

    def children(self, case: Case) -> QuerySet[PropertyReport]:
        return _reports(self.request, case)

    @extend_schema(summary="A case's property reports (报告财产令), their items, comparison and findings",
                   parameters=[CASE_ID])  # fmt: skip
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class _CaseWrite(CaseChildList):
    """A write on one row of a case: POST only (the list view's GET would list nothing here)."""

    pagination_class = None
    http_method_names = ["post", "options"]

    def report(self) -> PropertyReport:
        found = PropertyReport.objects.filter(case=self.case(), pk=parse_pk(self.kwargs["report_id"])).first()
        if found is None:
            raise NotFound()
        return found

    def lead(self) -> AssetLead:
        found = AssetLead.objects.filter(case=self.case(), pk=parse_pk(self.kwargs["lead_id"])).first()
        if found is None:
            raise NotFound()
        return found


class ReportEnter(_CaseWrite):
    child_model = PropertyReport
    serializer_class = ReportSerializer

    @extend_schema(summary="Enter the respondent's property report; it is compared with what was found",
                   parameters=[CASE_ID, REPORT_ID], request=ReportInSerializer, responses={200: ReportSerializer})  # fmt: skip
    def post(self, request: Request, case_id: str, report_id: str) -> Response:
        report = self.report()  # a case not the caller's is a 404 before the body is judged
        body = ReportInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actions.report_enter(
            report, items=[dict(item) for item in data["items"]], declares_nothing=data["declares_nothing"],
            statement=data["statement"], on=data["on"], actor=signed_in(request),
        )  # fmt: skip
        return Response(ReportSerializer(_reports(request, self.case()).get(pk=report.pk)).data)


class ReportLinkCreate(_CaseWrite):
    child_model = PropertyReport
    serializer_class = LinkSerializer

    @extend_schema(summary="A one-time link for the respondent to fill in the report (replaces earlier ones)",
                   parameters=[CASE_ID, REPORT_ID], request=None, responses={201: LinkSerializer})  # fmt: skip
    def post(self, request: Request, case_id: str, report_id: str) -> Response:
        link, token = actions.link_create(self.report(), actor=signed_in(request))
        url = link_url(token)  # the public address the debtor opens, as the case page shows it
        return Response({"url": url, "expires_at": link.expires_at}, status=status.HTTP_201_CREATED)


class FindingDecide(_CaseWrite):
    child_model = ReportFinding
    serializer_class = FindingSerializer

    @extend_schema(summary="Confirm or dismiss a ground for sanctions (R-LIST-01 (4)), with a reason",
                   parameters=[CASE_ID, FINDING_ID], request=FindingDecisionSerializer, responses={200: FindingSerializer})  # fmt: skip
    def post(self, request: Request, case_id: str, finding_id: str) -> Response:
        finding = ReportFinding.objects.filter(case=self.case(), pk=parse_pk(finding_id)).first()
        if finding is None:
            raise NotFound()
        body = FindingDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = actions.finding_decide(finding, actor=signed_in(request), **body.validated_data)
        return Response(FindingSerializer(done).data)


# --- leads (R-CASE-04) ---------------------------------------------------------------------------


class LeadSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="lead.pk")
    description = serializers.CharField(source="lead.description")
    urgent = serializers.BooleanField(source="lead.urgent")
    submitted_on = serializers.DateField(source="lead.submitted_on")
    verify_by = serializers.DateField(source="due_on", allow_null=True, default=None,
                                      help_text="R-CASE-04: 7 days, 3 if urgent.")  # fmt: skip
    overdue = serializers.BooleanField(source="late")
    outcome = serializers.SerializerMethodField()
    note = serializers.CharField(source="check.note", allow_null=True, default=None)
    records = serializers.SerializerMethodField(help_text="The asset records the lead produced.")
    inquiries = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=LeadOutcome.choices))
    def get_outcome(self, row: queries.LeadRow) -> str:
        return row.check.outcome if row.check else LeadOutcome.PENDING

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_records(self, row: queries.LeadRow) -> list[int]:
        return [record.pk for record in row.records]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_inquiries(self, row: queries.LeadRow) -> list[int]:
        return [inquiry.pk for inquiry in row.check.inquiries.all()] if row.check else []


class LeadInSerializer(serializers.Serializer):
    description = ApiTextField(max_length=1000)
    urgent = serializers.BooleanField(required=False, default=False)


class LeadAskSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(normalise.INQUIRY_TYPES))


class LeadLinkSerializer(serializers.Serializer):
    records = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=200
    )


class LeadOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[LeadOutcome.CONFIRMED, LeadOutcome.NOT_CONFIRMED])
    note = ApiTextField(required=False, allow_blank=True, multiline=True, max_length=500, default="")


def _lead_row(request: Request, case: Case, pk: int) -> dict[str, Any]:
    row = next(
        row for row in queries.case_leads(request.user, case, timezone.localdate()) if row.lead.pk == pk
    )
    return LeadSerializer(row).data


class CaseLeads(_CaseWrite):
    http_method_names = ["get", "post", "options"]  # the case's leads, and a new one
    child_model = AssetLead
    serializer_class = LeadSerializer

    @extend_schema(summary="A case's asset leads from the applicant with their verification clock (R-CASE-04)",
                   parameters=[CASE_ID], responses={200: LeadSerializer(many=True)})  # fmt: skip
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = queries.case_leads(request.user, self.case(), timezone.localdate())
        return Response(LeadSerializer(rows, many=True).data)

    @extend_schema(summary="Record an asset lead from the applicant (opens its 7-day clock, 3 if urgent)",
                   parameters=[CASE_ID], request=LeadInSerializer, responses={201: LeadSerializer})  # fmt: skip
    def post(self, request: Request, case_id: str) -> Response:
        self.case()  # a case not the caller's is a 404 before the body is judged
        body = LeadInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lead = leads.lead_add(self.case(), actor=signed_in(request), **body.validated_data)
        return Response(_lead_row(request, self.case(), lead.pk), status=status.HTTP_201_CREATED)


class LeadAsk(_CaseWrite):
    child_model = AssetLead
    serializer_class = LeadSerializer

    @extend_schema(summary="Ask the unit that can check the lead (an inquiry of its kind)",
                   parameters=[CASE_ID, LEAD_ID], request=LeadAskSerializer, responses={200: LeadSerializer})  # fmt: skip
    def post(self, request: Request, case_id: str, lead_id: str) -> Response:
        lead = self.lead()
        body = LeadAskSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        leads.lead_inquire(lead, kind=body.validated_data["kind"], actor=signed_in(request))
        return Response(_lead_row(request, self.case(), lead.pk))


class LeadLink(_CaseWrite):
    child_model = AssetLead
    serializer_class = LeadSerializer

    @extend_schema(summary="Link asset records of the case to the lead that produced them",
                   parameters=[CASE_ID, LEAD_ID], request=LeadLinkSerializer, responses={200: LeadSerializer})  # fmt: skip
    def post(self, request: Request, case_id: str, lead_id: str) -> Response:
        lead = self.lead()
        body = LeadLinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        leads.lead_link(lead, records=body.validated_data["records"], actor=signed_in(request))
        return Response(_lead_row(request, self.case(), lead.pk))


class LeadVerify(_CaseWrite):
    child_model = AssetLead
    serializer_class = LeadSerializer

    @extend_schema(summary="Record the lead's verification (completes its R-CASE-04 clock)",
                   parameters=[CASE_ID, LEAD_ID], request=LeadOutcomeSerializer, responses={200: LeadSerializer})  # fmt: skip
    def post(self, request: Request, case_id: str, lead_id: str) -> Response:
        lead = self.lead()
        body = LeadOutcomeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        leads.lead_conclude(lead, actor=signed_in(request), **body.validated_data)
        return Response(_lead_row(request, self.case(), lead.pk))


# --- re-inquiry after 终本 (R-ASSET-05) --------------------------------------------------------------


class RoundSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=ReinquiryStatus.choices)
    inquiry = serializers.IntegerField(source="inquiry_id", allow_null=True)
    notice = serializers.CharField(source="notice.number", allow_null=True, default=None)
    new_records = serializers.SerializerMethodField(help_text="Asset records first seen by this round.")

    class Meta:
        model = Reinquiry
        fields = ["id", "round", "due_on", "status", "inquiry", "ran_at", "concluded_at", "new_records", "notice",
                  "note"]  # fmt: skip

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_new_records(self, row: Reinquiry) -> list[int]:
        return [record.pk for record in row.new_records.all()]


class CaseReinquiries(CaseChildList):
    child_model = Reinquiry
    serializer_class = RoundSerializer
    pagination_class = None

    def children(self, case: Case) -> QuerySet[Reinquiry]:
        return queries.case_reinquiries(self.request.user, case).prefetch_related("new_records")

    @extend_schema(summary="The re-inquiry rounds of a 终本 case (every 6 months for 5 years, R-ASSET-05)",
                   parameters=[CASE_ID])  # fmt: skip
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ResumedSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text="The new 执恢 case.")
    number = serializers.CharField()


class ReinquiryResume(_CaseWrite):
    child_model = Reinquiry
    serializer_class = ResumedSerializer

    @extend_schema(summary="Resume enforcement (a linked 执恢 case) because a round found new property",
                   parameters=[CASE_ID, ROUND_ID], request=None, responses={201: ResumedSerializer})  # fmt: skip
    def post(self, request: Request, case_id: str, round_id: str) -> Response:
        row = Reinquiry.objects.filter(case=self.case(), pk=parse_pk(round_id)).select_related("case").first()
        if row is None:
            raise NotFound()
        new = reinquiry.resume_from_reinquiry(row, actor=signed_in(request))
        return Response({"case": new.pk, "number": new.number}, status=status.HTTP_201_CREATED)
