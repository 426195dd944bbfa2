"""/api/v1/ for control measures (issue 15 §4–§5, §11): a case's budget and measures, and the writes —
freeze, seize, detain a vehicle, deduct from a freeze, release. Another court's case or measure answers
the same 404 as a missing one; a unit's liaison or system sees no case, and no role but the case's
court's officers and team leaders may control property (Action.CONTROL_ASSETS)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from enforcelink.assets.control import actions, queries
from enforcelink.assets.control.models import ControlMeasure, MeasureKind, MeasureStatus
from enforcelink.cases.api import CASE_ID
from enforcelink.cases.models import Case
from enforcelink.core.api import ErrorListSerializer, ScopedAPIView
from enforcelink.core.errors import NotFound
from enforcelink.orgs.models import LinkageUnit
from enforcelink.orgs.permissions import signed_in

MEASURE_ID = OpenApiParameter(
    "measure_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The control measure's id."
)
MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True}


class BudgetSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="The day the figures are for (the court's day).")
    owed = serializers.DecimalField(help_text="Still owed but the costs, as the case-fund ledger's standing has it: principal, general interest and the doubled interest to that day (R-MONEY-02).", **MONEY)  # fmt: skip
    costs = serializers.DecimalField(
        help_text="Enforcement costs still unpaid: the court's application fee (申请执行费) and the costs the basis put on the debtor (the ledger's fee and costs buckets).",
        **MONEY,
    )
    fee = serializers.DecimalField(help_text="Of `costs`, the application fee still unpaid (the scale's, or as the court decided).", **MONEY)  # fmt: skip
    total = serializers.DecimalField(help_text="The budget: owed + costs, what the ledger says is still owed (R-ASSET-03); 0 once the obligation is met.", **MONEY)  # fmt: skip
    used = serializers.DecimalField(
        help_text="Value under control, net of releases already ordered.", **MONEY
    )
    left = serializers.DecimalField(help_text="What a freeze or seizure may still take.", **MONEY)
    pending = serializers.DecimalField(help_text="Freezes and seizures sent, not confirmed yet (not counted).", **MONEY)  # fmt: skip
    note = serializers.CharField(help_text="What the owed figure includes (R-MONEY-02).")


class MeasureSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=MeasureKind.choices)
    status = serializers.ChoiceField(choices=MeasureStatus.choices)
    record = serializers.IntegerField(source="record_id", allow_null=True)
    request = serializers.IntegerField(source="request_id")
    request_status = serializers.CharField(source="request.status")
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)  # type: ignore[assignment]
    requested_amount = serializers.DecimalField(allow_null=True, **MONEY)
    confirmed_amount = serializers.DecimalField(allow_null=True, **MONEY)
    held = serializers.DecimalField(help_text="What it holds now (R-ASSET-03).", allow_null=True, **MONEY)
    days_left = serializers.IntegerField(allow_null=True, help_text="Days to the term's end (R-ASSET-02).")
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)

    class Meta:
        model = ControlMeasure
        fields = ["id", "kind", "status", "record", "request", "request_status", "unit", "unit_name", "identifier",
                  "requested_amount", "confirmed_amount", "held", "term_start", "term_end", "days_left", "parent",
                  "indivisible", "indivisible_reason", "waiting_position", "reason", "note", "automatic",
                  "confirmed_at", "created_by", "created_at"]  # fmt: skip


class ControlsSerializer(serializers.Serializer):
    budget = BudgetSerializer()
    measures = MeasureSerializer(many=True)


class NewMeasureSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("freeze", "freeze"), ("seize", "seize"), ("detain_vehicle", "detain_vehicle")])  # fmt: skip
    record = serializers.IntegerField(
        required=False, allow_null=True, help_text="An asset record of the case."
    )
    unit = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="The bank of a freeze without a record, or the police unit that detains a vehicle.",
    )  # fmt: skip
    account = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    amount = serializers.CharField(
        max_length=40, help_text="Yuan, at most two decimals: a freeze's amount, a seized item's value."
    )
    indivisible_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=300, default="",
        help_text="An item beyond what the budget has left: why it is seized whole (查封规定 Art.19).",
    )  # fmt: skip


class DeductSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=40, help_text="Yuan, at most what the freeze holds.")


class ReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    amount = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="Part of a freeze; left out: all of it."
    )


def _unit(user: Any, pk: Any) -> LinkageUnit | None:
    if pk in (None, ""):
        return None
    from enforcelink.linkage import queries as linkage_queries

    found = linkage_queries.directory_units(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(field="unit")
    return found


def _answer(request: Request, case: Case, code: int = status.HTTP_200_OK) -> Response:
    data = queries.controls(request.user, case)
    return Response(ControlsSerializer(data).data, status=code)


@extend_schema(parameters=[CASE_ID])
class CaseControls(ScopedAPIView):
    scoped_model = Case
    serializer_class = ControlsSerializer
    pagination_class = None

    @extend_schema(summary="A case's budget (R-ASSET-03) and control measures, with terms (R-ASSET-02)")
    def get(self, request: Request, case_id: str) -> Response:
        return _answer(request, self.get_visible(Case, case_id))

    @extend_schema(
        summary="Freeze, seize or detain (one measure, one request to the holding unit)",
        description="A freeze takes a deposit record, or a bank (`unit`) and optionally an `account`; a seizure "
        "a real-estate, vehicle or ship record and its value; a detention a vehicle record and the police "
        "`unit`. At most what the budget has left (OVER_SEIZURE with the figures). For the case's court's "
        "officers and team leaders.",
        request=NewMeasureSerializer,
        responses={201: ControlsSerializer, 400: ErrorListSerializer, 404: ErrorListSerializer},
    )
    def post(self, request: Request, case_id: str) -> Response:
        case = self.get_visible(Case, case_id)
        body = NewMeasureSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = signed_in(request)
        unit = _unit(user, data.get("unit"))
        if data["kind"] == "freeze":
            actions.freeze(case, record=data.get("record"), unit=unit, account=data["account"],
                           amount=data["amount"], actor=user)  # fmt: skip
        elif data["kind"] == "seize":
            actions.seize(case, record=_required(data, "record"), value=data["amount"], actor=user,
                          indivisible_reason=data["indivisible_reason"])  # fmt: skip
        else:
            if unit is None:
                raise NotFound(field="unit")
            actions.detain_vehicle(case, record=_required(data, "record"), unit=unit, value=data["amount"],
                                   actor=user, indivisible_reason=data["indivisible_reason"])  # fmt: skip
        return _answer(request, case, status.HTTP_201_CREATED)


def _required(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if value is None:
        raise NotFound(field=name)
    return int(value)


class MeasureView(ScopedAPIView):
    scoped_model = ControlMeasure
    serializer_class = ControlsSerializer
    pagination_class = None

    def measure(self, measure_id: str) -> ControlMeasure:
        found: ControlMeasure = self.get_visible(ControlMeasure, measure_id)
        return found


class MeasureDeduct(MeasureView):
    @extend_schema(
        summary="Deduct from a freeze in effect (approved before it goes out; booked when the bank confirms)",
        parameters=[MEASURE_ID], request=DeductSerializer,
        responses={201: ControlsSerializer, 400: ErrorListSerializer, 404: ErrorListSerializer},
    )  # fmt: skip
    def post(self, request: Request, measure_id: str) -> Response:
        measure = self.measure(measure_id)
        body = DeductSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.deduct(measure, amount=body.validated_data["amount"], actor=signed_in(request))
        return _answer(request, measure.case, status.HTTP_201_CREATED)


class MeasureRelease(MeasureView):
    @extend_schema(
        summary="Release a measure (all of it, or part of a freeze); withdraw one not yet answered",
        parameters=[MEASURE_ID], request=ReleaseSerializer,
        responses={201: ControlsSerializer, 400: ErrorListSerializer, 404: ErrorListSerializer},
    )  # fmt: skip
    def post(self, request: Request, measure_id: str) -> Response:
        measure = self.measure(measure_id)
        body = ReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actions.release(
            measure, reason=data["reason"], amount=data.get("amount") or None, actor=signed_in(request)
        )
        return _answer(request, measure.case, status.HTTP_201_CREATED)
