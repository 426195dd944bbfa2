"""/api/v1/ for expiring control measures and renewals (issue 15 §6, §11; R-ASSET-02, R-ASSET-04):

- `GET controls/expiring/?days=30` — the caller's own measures ending within `days` days (as the
  officer's page lists them); `scope=court` with `officer`, `team`, `kind` — the court's, for the
  command centre and the court's leaders (MONITOR_COURT / OVERSEE_COURT; anyone else: 403).
- `POST controls/renewals/` `{"measures": [ids], "months": null}` — one renewal request per measure
  (R-ASSET-02: at most the same maximum; a lapsed measure MEASURE_LAPSED), each refused one listed with
  its code. A measure of another court, or none, is the same 404 as a missing one, and nothing is sent.
- `POST asset-records/<id>/earlier-freed/` — another court's earlier seizure of this property was
  released or lapsed: the first of the court's waiting seizures takes effect (R-ASSET-04).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from enforcelink.assets.control.models import HOLDING, ControlMeasure
from enforcelink.assets.expiry import queries, renewals, waiting
from enforcelink.assets.models import AssetRecord
from enforcelink.core.api import MAX_PK, ErrorListSerializer, ScopedAPIView
from enforcelink.orgs.models import Team
from enforcelink.orgs.permissions import signed_in

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True}
DAYS = OpenApiParameter(
    "days", OpenApiTypes.INT, description="Ending within this many days (0–366, default 30)."
)
SCOPE = OpenApiParameter(
    "scope", OpenApiTypes.STR, enum=["mine", "court"], description="`mine` (default) or `court`."
)
OFFICER = OpenApiParameter("officer", OpenApiTypes.INT, description="scope=court: one officer's cases.")
TEAM = OpenApiParameter("team", OpenApiTypes.INT, description="scope=court: one team's cases.")
KIND = OpenApiParameter("kind", OpenApiTypes.STR, enum=sorted(HOLDING), description="scope=court: one kind.")
RECORD_ID = OpenApiParameter(
    "record_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The asset record's id."
)


class ExpiringSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    officer = serializers.CharField(source="case.officer.username", allow_null=True, default=None)
    record = serializers.IntegerField(source="record_id", allow_null=True)
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    confirmed_amount = serializers.DecimalField(allow_null=True, **MONEY)
    held = serializers.DecimalField(
        read_only=True,
        help_text="What the measure still holds (yuan): what its unit confirmed, less the unfreezes and "
        "releases ordered from it and the deductions confirmed from it (R-ASSET-03), as the pages' "
        "“still held” column shows it.",
        **MONEY,
    )
    days_left = serializers.IntegerField(help_text="Days to the term's last day (0: it ends today).")

    class Meta:
        model = ControlMeasure
        fields = ["id", "case", "case_number", "officer", "kind", "status", "record", "unit", "unit_name",
                  "identifier", "confirmed_amount", "held", "term_start", "term_end", "days_left"]  # fmt: skip


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    value = request.query_params.get(name)
    if value in (None, ""):
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 19 or not low <= int(value) <= high:
        raise exceptions.ValidationError(
            {
                name: [
                    exceptions.ErrorDetail(
                        _("A whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
                        code="invalid",
                    )
                ]
            }
        )
    return int(value)


class ExpiringList(ScopedAPIView):
    scoped_model = ControlMeasure
    serializer_class = ExpiringSerializer

    @extend_schema(
        summary="Control measures ending soon (R-ASSET-02): mine, or the court's",
        parameters=[DAYS, SCOPE, OFFICER, TEAM, KIND],
        responses={200: ExpiringSerializer(many=True), 400: ErrorListSerializer, 403: ErrorListSerializer},
    )
    def get(self, request: Request) -> Response:
        from django.utils import timezone

        user = signed_in(request)
        today = timezone.localdate()
        days = _int(request, "days", queries.DEFAULT_DAYS, 0, queries.MAX_DAYS)
        if request.query_params.get("scope", "mine") == "court":
            if not queries.may_watch_court(user):
                raise exceptions.PermissionDenied()
            officer_id = _int(request, "officer", 0, 0, 2**62)
            team_id = _int(request, "team", 0, 0, 2**62)
            kind = request.query_params.get("kind", "")
            if kind and kind not in HOLDING:
                raise exceptions.ValidationError(
                    {"kind": [exceptions.ErrorDetail(_("Unknown kind of measure."), code="invalid_choice")]}
                )
            team = Team.objects.visible_to(user).filter(pk=team_id).first() if team_id else None
            rows = queries.court(user, today, days, team=team, kind=kind)
            if officer_id:
                rows = rows.filter(case__officer_id=officer_id)
            if team_id and team is None:
                rows = rows.none()
        else:
            rows = queries.mine(user, today, days)
        page = self.paginate_queryset(rows)
        shown = queries.with_days_left(page if page is not None else rows, today)
        data = ExpiringSerializer(shown, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class RenewSerializer(serializers.Serializer):
    measures = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_PK), min_length=1, max_length=renewals.MAX_BATCH,
        help_text="The freezes and seizures to renew.",
    )  # fmt: skip
    months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1,
        help_text="A shorter renewal; left out: the legal maximum (deposits 12, movables 24, real estate 36).",
    )  # fmt: skip


class RenewalRefusedSerializer(serializers.Serializer):
    measure = serializers.IntegerField(source="measure_id")
    case_number = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class RenewalSerializer(serializers.ModelSerializer):
    renews = serializers.IntegerField(source="parent_id")
    request = serializers.IntegerField(source="request_id")
    until = serializers.CharField(source="request.details.until")

    class Meta:
        model = ControlMeasure
        fields = ["id", "renews", "request", "status", "until"]


class RenewReportSerializer(serializers.Serializer):
    made = RenewalSerializer(many=True)
    refused = RenewalRefusedSerializer(many=True)


class Renewals(ScopedAPIView):
    scoped_model = ControlMeasure
    serializer_class = RenewReportSerializer
    pagination_class = None

    @extend_schema(
        summary="Renew many freezes and seizures at once (续行, R-ASSET-02)",
        description="One `renew_freeze` / `renew_seizure` request per measure, until its current end + at most the "
        "same maximum; the new end takes effect when the unit confirms. A measure that cannot be renewed is "
        "listed in `refused` with its code (MEASURE_LAPSED, MEASURE_WAITING, RENEWAL_OPEN, MEASURE_STATE …). "
        "Any measure of another court, or none, answers 404 and nothing is sent.",
        request=RenewSerializer,
        responses={201: RenewReportSerializer, 400: ErrorListSerializer, 404: ErrorListSerializer},
    )
    def post(self, request: Request) -> Response:
        body = RenewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = renewals.renew_each(
            body.validated_data["measures"],
            actor=signed_in(request),
            months=body.validated_data.get("months"),
        )
        return Response(RenewReportSerializer(report).data, status=status.HTTP_201_CREATED)


class EarlierFreedSerializer(serializers.Serializer):
    how = serializers.ChoiceField(choices=[("released", "released"), ("lapsed", "lapsed")])
    on = serializers.DateField(help_text="The release day, or the lapsed seizure's last day.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class PromotedSerializer(serializers.Serializer):
    promoted = serializers.IntegerField(allow_null=True, help_text="The seizure that took effect.")
    term_start = serializers.DateField(allow_null=True)
    term_end = serializers.DateField(allow_null=True)


class EarlierFreed(ScopedAPIView):
    scoped_model = AssetRecord
    serializer_class = PromotedSerializer
    pagination_class = None

    @extend_schema(
        summary="Another court's earlier seizure was freed: promote the first waiting seizure (R-ASSET-04)",
        parameters=[RECORD_ID], request=EarlierFreedSerializer,
        responses={200: PromotedSerializer, 400: ErrorListSerializer, 404: ErrorListSerializer},
    )  # fmt: skip
    def post(self, request: Request, record_id: str) -> Response:
        record = self.get_visible(AssetRecord, record_id)
        body = EarlierFreedSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        promoted = waiting.earlier_freed(
            record, how=data["how"], on=data["on"], note=data["note"], actor=signed_in(request)
        )
        return Response(
            PromotedSerializer({
                "promoted": promoted.pk if promoted else None,
                "term_start": promoted.term_start if promoted else None,
                "term_end": promoted.term_end if promoted else None,
            }).data
        )  # fmt: skip
