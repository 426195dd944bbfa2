"""/api/v1/ for asset inquiry (issue 15 §1–§2): start an inquiry on a case, a case's inquiries and
asset records, and the supervisors' samples with their verdicts (R-ASSET-01). Another court's case
answers the same 404 as a missing one; a unit's liaison or system sees no case, so no record."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from enforcelink.assets import actions, queries
from enforcelink.assets.models import (
    AssetKind,
    AssetRecord,
    Inquiry,
    InquiryRequest,
    InquirySample,
    InquirySampleItem,
    Outcome,
    Verdict,
)
from enforcelink.cases.api import CASE_ID, CaseChildList
from enforcelink.cases.models import Case
from enforcelink.core.api import ErrorListSerializer, ScopedAPIView, parse_pk
from enforcelink.core.fields import ApiTextField
from enforcelink.linkage.models import RequestStatus, RequestType
from enforcelink.orgs.permissions import signed_in

SAMPLE_ID = OpenApiParameter(
    "sample_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The sample's id."
)
ITEM_ID = OpenApiParameter(
    "item_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The sampled inquiry's id in the sample."
)


# R-ASSET-01's kinds, as the inquiry types that ask them (one enum in the schema for both uses).
INQUIRY_KINDS = [(kind, RequestType(kind).label) for kind in actions.normalise.INQUIRY_TYPES]


class RefusalSerializer(serializers.Serializer):
    unit = serializers.IntegerField(
        allow_null=True, help_text="The unit, or null when no unit handles the kind."
    )
    unit_name = serializers.CharField(allow_blank=True)
    request_type = serializers.CharField(allow_blank=True)
    code = serializers.CharField(
        help_text="Why not: PERSON_ONLY_REQUEST, NO_RECIPIENT, DUPLICATE_OPEN, NO_UNIT …"
    )
    message = serializers.CharField()
    existing_request = serializers.IntegerField(allow_null=True, required=False)


class SentSerializer(serializers.ModelSerializer):
    request = serializers.IntegerField(source="request_id")
    unit = serializers.IntegerField(source="request.unit_id")
    unit_name = serializers.CharField(source="request.unit.name")
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    status = serializers.ChoiceField(choices=RequestStatus.choices, source="request.status")
    due_on = serializers.DateField(source="request.due_on", allow_null=True)
    # "answer", not "outcome": a reply's own `outcome` (completed, rejected, returned) is another thing.
    answer = serializers.ChoiceField(
        choices=Outcome.choices, source="outcome", help_text="What the unit's answer said: found, nothing …"
    )

    class Meta:
        model = InquiryRequest
        fields = [
            "request",
            "unit",
            "unit_name",
            "request_type",
            "status",
            "due_on",
            "answer",
            "answered_at",
        ]


class InquirySerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    requested_by = serializers.CharField(source="requested_by.username", allow_null=True, default=None)
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=INQUIRY_KINDS))
    requests = SentSerializer(source="sent", many=True)
    refusals = RefusalSerializer(many=True)

    class Meta:
        model = Inquiry
        fields = ["id", "case", "kinds", "purpose", "legal_basis", "requested_by", "automatic", "created_at",
                  "requests", "refusals"]  # fmt: skip


class InquiryStartSerializer(serializers.Serializer):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=INQUIRY_KINDS),
        required=False, allow_empty=False, max_length=20,
        help_text="The R-ASSET-01 kinds to ask; all of them when left out.",
    )  # fmt: skip
    purpose = ApiTextField(max_length=300, default=actions.DEFAULT_PURPOSE)
    legal_basis = ApiTextField(max_length=200, default=actions.DEFAULT_BASIS)


class AssetRecordSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=AssetKind.choices)
    respondent = serializers.IntegerField(source="respondent_id", allow_null=True)
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    unit_name = serializers.CharField(source="unit.name", allow_null=True, default=None)
    identifier = serializers.SerializerMethodField(help_text="Masked where it is a person's document number.")
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, coerce_to_string=True)
    sources = serializers.SerializerMethodField(help_text="The requests whose answers named it.")

    class Meta:
        model = AssetRecord
        fields = ["id", "kind", "respondent", "unit", "unit_name", "institution", "identifier", "description",
                  "value", "value_on", "co_owners", "encumbrances", "other_measures", "details", "first_seen_at",
                  "last_seen_at", "sources"]  # fmt: skip

    def get_identifier(self, record: AssetRecord) -> str:
        return queries.shown_identifier(record)

    def get_sources(self, record: AssetRecord) -> list[int]:
        return [source.request_id for source in record.named_by.all()]


@extend_schema(parameters=[CASE_ID])
class CaseInquiries(CaseChildList):
    child_model = Inquiry
    serializer_class = InquirySerializer

    def children(self, case: Case) -> QuerySet[Inquiry]:
        return queries.case_inquiries(self.request.user, case)

    @extend_schema(summary="A case's property inquiries, newest first, with what went and what was refused")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="One-click property inquiry (R-ASSET-01)",
        description="Asks every R-ASSET-01 kind (or those named) of every unit of the court's directory whose "
        "responsibility list covers it; what could not go is in `refusals` with its reason. For the case's "
        "court's officers and team leaders.",
        request=InquiryStartSerializer,
        responses={201: InquirySerializer},
    )
    def post(self, request: Request, case_id: str) -> Response:
        case = self.case()
        body = InquiryStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        report = actions.inquiry_start(
            case, actor=signed_in(request), kinds=data.get("kinds"), purpose=data["purpose"],
            legal_basis=data["legal_basis"],
        )  # fmt: skip
        inquiry = queries.case_inquiries(request.user, case).get(pk=report.inquiry.pk)
        return Response(InquirySerializer(inquiry).data, status=status.HTTP_201_CREATED)


@extend_schema(summary="A case's asset records (one per real asset, with the requests that named it)",
               parameters=[CASE_ID])  # fmt: skip
class CaseAssets(CaseChildList):
    child_model = AssetRecord
    serializer_class = AssetRecordSerializer

    def children(self, case: Case) -> QuerySet[AssetRecord]:
        return queries.case_records(self.request.user, case).prefetch_related("named_by")


class SampleSerializer(serializers.ModelSerializer):
    body = serializers.IntegerField(source="body_id")
    drawn_by = serializers.CharField(source="drawn_by.username")

    class Meta:
        model = InquirySample
        fields = [
            "id",
            "body",
            "period_start",
            "period_end",
            "size",
            "seed",
            "population",
            "drawn_by",
            "drawn_at",
        ]


class SampleItemSerializer(serializers.ModelSerializer):
    inquiry = InquirySerializer()
    case_number = serializers.CharField(source="inquiry.case.number")
    court = serializers.CharField(source="inquiry.court.name")
    verdict = serializers.ChoiceField(choices=[("", ""), *list(Verdict.choices)])
    reviewed_by = serializers.CharField(source="reviewed_by.username", allow_null=True, default=None)

    class Meta:
        model = InquirySampleItem
        fields = [
            "id",
            "position",
            "case_number",
            "court",
            "inquiry",
            "verdict",
            "note",
            "reviewed_by",
            "reviewed_at",
        ]


class SampleDetailSerializer(SampleSerializer):
    items = serializers.SerializerMethodField()

    class Meta(SampleSerializer.Meta):
        fields = [*SampleSerializer.Meta.fields, "items"]

    @extend_schema_field(SampleItemSerializer(many=True))
    def get_items(self, sample: InquirySample) -> list[dict[str, Any]]:
        return SampleItemSerializer(queries.sample_items(sample), many=True).data  # type: ignore[return-value]


class DrawSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The period's first day.")
    end = serializers.DateField(help_text="The period's last day (over already).")
    size = serializers.IntegerField(min_value=1, max_value=actions.MAX_SAMPLE)
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**62,
                                    help_text="Give one to draw reproducibly; random when left out.")  # fmt: skip


class VerdictSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    note = ApiTextField(required=False, allow_blank=True, max_length=500, default="")


class SupervisorView(ScopedAPIView):
    """Supervisors write here though they write no court's records: the actions ask REVIEW_INQUIRIES."""

    permission_classes = [IsAuthenticated]
    scoped_model = InquirySample


class Samples(mixins.ListModelMixin, SupervisorView):
    serializer_class = SampleSerializer

    def get_queryset(self) -> QuerySet[InquirySample]:
        return self.visible(InquirySample).select_related("drawn_by").order_by("-period_start", "-pk")

    @extend_schema(summary="The body's samples of property inquiries (R-ASSET-01)")
    def get(self, request: Request) -> Response:
        return self.list(request)

    @extend_schema(
        summary="Draw a random sample of a period's property inquiries in the body's region",
        description="Once per body and period; the seed is recorded, so the same period and seed give the "
        "same sample. For supervisors.",
        request=DrawSerializer,
        # Someone who is no supervisor of a body is answered as for a record not theirs.
        responses={201: SampleDetailSerializer, 404: ErrorListSerializer},
    )
    def post(self, request: Request) -> Response:
        user = signed_in(request)
        body = DrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if user.body is None:
            raise NotFound()
        sample = actions.inquiry_sample(
            user.body,
            start=data["start"],
            end=data["end"],
            size=data["size"],
            actor=user,
            seed=data.get("seed"),
        )
        return Response(SampleDetailSerializer(sample).data, status=status.HTTP_201_CREATED)


class SampleDetail(SupervisorView):
    serializer_class = SampleDetailSerializer
    pagination_class = None

    @extend_schema(summary="One sample: each inquiry with its purpose, basis, case, units asked and verdict",
                   parameters=[SAMPLE_ID])  # fmt: skip
    def get(self, request: Request, sample_id: str) -> Response:
        return Response(SampleDetailSerializer(self.get_visible(InquirySample, sample_id)).data)


class SampleVerdict(SupervisorView):
    serializer_class = SampleItemSerializer
    pagination_class = None

    @extend_schema(
        summary="Record the verdict on a sampled inquiry (proper, or improper: no basis, beyond its purpose)",
        parameters=[SAMPLE_ID, ITEM_ID],
        request=VerdictSerializer,
        responses={200: SampleItemSerializer},
    )
    def post(self, request: Request, sample_id: str, item_id: str) -> Response:
        sample = self.get_visible(InquirySample, sample_id)
        item = (
            InquirySampleItem.objects.filter(sample=sample, pk=parse_pk(item_id))
            .select_related("inquiry")
            .first()
        )
        if item is None:
            raise NotFound()
        body = VerdictSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.inquiry_review(
            item.inquiry, verdict=body.validated_data["verdict"], note=body.validated_data["note"],
            actor=signed_in(request),
        )  # fmt: skip
        done = next(row for row in queries.sample_items(sample) if row.pk == item.pk)
        return Response(SampleItemSerializer(done).data)
