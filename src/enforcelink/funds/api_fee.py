"""/api/v1/ for the application fee on a case's ledger (funds/fees.py, R-FUND-03): the court's decision
(the officer or team leader) and the collection into the court's fee income (the fund clerk). The
fee's figures are read with the case's fund account (`GET cases/{case_id}/funds/`). Every write goes
through its action, which asks `can(...)`: another court's case answers the same 404 as a missing one."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from enforcelink.cases.api import CASE_ID
from enforcelink.cases.models import Case
from enforcelink.cases.serializers import AmountField
from enforcelink.core.api import ErrorListSerializer, ScopedAPIView
from enforcelink.core.fields import StrictCharField
from enforcelink.funds import fees
from enforcelink.funds.api_desk import JournalSerializer
from enforcelink.funds.models import FeeDecision
from enforcelink.orgs.permissions import signed_in

WRITE = {400: ErrorListSerializer, 404: ErrorListSerializer}


class FeeView(ScopedAPIView):
    """Writes are asked of the action (`can`): the officer decides, the fund clerk collects."""

    permission_classes = [IsAuthenticated]


class FeeDecideSerializer(serializers.Serializer):
    amount = AmountField(
        required=False, allow_null=True, default=None,
        help_text="The fee the court decided (0: waived, at most the scale); null or absent: back to the scale.",
    )  # fmt: skip
    reason = StrictCharField(max_length=500, allow_blank=True)


class FeeDecisionSerializer(serializers.ModelSerializer):
    amount = AmountField(allow_null=True)
    scale = AmountField()

    class Meta:
        model = FeeDecision
        fields = ["id", "case", "amount", "scale", "reason", "decided_label", "decided_at"]


class CaseFeeDecide(FeeView):
    scoped_model = Case
    serializer_class = FeeDecisionSerializer

    @extend_schema(
        summary="Record the court's decision on a case's application fee (waived, reduced, or the scale again)",
        parameters=[CASE_ID], request=FeeDecideSerializer, responses={201: FeeDecisionSerializer, **WRITE},
    )  # fmt: skip
    def post(self, request: Request, case_id: str) -> Response:
        case = self.get_visible(Case, case_id)
        body = FeeDecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        decision = fees.fee_decide(
            case, amount=data["amount"], reason=data["reason"], actor=signed_in(request)
        )
        return Response(FeeDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class CaseFeeCollect(FeeView):
    scoped_model = Case
    serializer_class = JournalSerializer

    @extend_schema(
        summary="Collect the application fee held in a case's account into the court's fee income",
        parameters=[CASE_ID], request=None, responses={201: JournalSerializer, **WRITE},
    )  # fmt: skip
    def post(self, request: Request, case_id: str) -> Response:
        case = self.get_visible(Case, case_id)
        journal = fees.fee_collect(case, actor=signed_in(request))
        return Response(JournalSerializer(journal).data, status=status.HTTP_201_CREATED)
