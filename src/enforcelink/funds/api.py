"""/api/v1/ for the case-fund ledger (issue 15 §11), read-only: a case's 一案一账号 with its balance,
执行到位金额 and what is owed today (R-FUND-01, R-FUND-03, R-MONEY-02), and the movements of its
account. Another court's case answers the same 404 as a missing one; a unit's liaison or system sees
no case, so no ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from enforcelink.cases.api import CASE_ID, CaseChildList
from enforcelink.cases.models import Case
from enforcelink.cases.serializers import AmountField
from enforcelink.core.api import ScopedAPIView
from enforcelink.funds import queries, references
from enforcelink.funds.models import Entry, JournalKind


class BucketSerializer(serializers.Serializer):
    owed = AmountField()
    paid = AmountField()
    outstanding = AmountField()


class StandingSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="The day the standing is computed for (today in the court's zone).")
    fee = BucketSerializer(
        help_text="The application fee for enforcement (申请执行费), owed first (R-FUND-03)."
    )
    costs = BucketSerializer()
    interest = BucketSerializer()
    principal = BucketSerializer()
    doubled_interest = BucketSerializer(
        help_text="R-MONEY-02, to `on`; all 0.00 when `doubled_interest_computed` is false."
    )
    doubled_interest_computed = serializers.BooleanField(
        help_text="False when the case has no performance_due_on (履行期限届满日)."
    )
    outstanding = AmountField(
        help_text="Still owed on `on`, the application fee and doubled interest included (R-MONEY-02)."
    )
    surplus = AmountField(
        help_text="Received beyond everything owed, the application fee included: back to the debtor (R-FUND-04)."
    )
    met = serializers.BooleanField()
    trace = serializers.ListField(child=serializers.CharField(), help_text="How it was applied, in words.")


class FeeSerializer(serializers.Serializer):
    owed = AmountField(help_text="The fee owed: the scale's, or as the court decided.")
    scale = AmountField(
        help_text="What the scale gives on the amount the basis fixed (诉讼费用交纳办法 Art.14)."
    )
    decided = AmountField(
        allow_null=True, help_text="The court's decision in force (0: waived); null: the scale."
    )
    reason = serializers.CharField(
        help_text="The reason of the court's latest decision on the fee, or empty."
    )
    paid = AmountField(help_text="Paid into the fee out of what was received (first, R-FUND-03).")
    collected = AmountField(
        help_text="Moved to the court's fee income (fee_collected journals, net of reversals)."
    )
    held = AmountField(
        help_text="Paid into the case's account and not collected: the court's, no payout takes it."
    )


class CaseFundsSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    reference = serializers.CharField(
        help_text="一案一账号: digits with an ISO 7064 MOD 97-10 check (R-FUND-01)."
    )
    reference_grouped = serializers.CharField(help_text="The same in groups of four, as printed.")
    balance = AmountField(help_text="Yuan held for the case now.")
    recovered = AmountField(
        help_text="执行到位金额: receipts and imported history net of reversals (R-FUND-03)."
    )
    standing = StandingSerializer(allow_null=True, help_text="Null for a case without a money obligation.")
    fee = FeeSerializer(
        allow_null=True, help_text="Null for a case without a money obligation (no fee booked)."
    )


class EntrySerializer(serializers.ModelSerializer):
    journal = serializers.IntegerField(source="journal_id")
    kind = serializers.ChoiceField(choices=JournalKind.choices, source="journal.kind")
    value_on = serializers.DateField(source="journal.value_on")
    booked_at = serializers.DateTimeField(source="journal.created_at")
    booked_by = serializers.CharField(source="journal.created_by")
    reference = serializers.CharField(source="journal.reference")
    memo = serializers.CharField(source="journal.shown_memo")
    reverses = serializers.IntegerField(source="journal.reverses_id", allow_null=True)
    reversed = serializers.BooleanField(source="undone", help_text="A later journal reversed this one.")
    amount = AmountField(help_text="Signed, on the case's account: − money in for the case, + money out.")

    class Meta:
        model = Entry
        fields = [
            "id",
            "journal",
            "kind",
            "value_on",
            "booked_at",
            "booked_by",
            "amount",
            "reference",
            "memo",
            "reverses",
            "reversed",
        ]


def _fee(case: Case, standing: Any) -> dict[str, Any] | None:
    found = queries.fee_of(case, standing)
    if found is None:
        return None
    decision = found.decision
    return {
        "owed": found.owed, "scale": found.scale, "decided": decision.amount if decision else None,
        "reason": decision.reason if decision else "", "paid": found.paid,
        "collected": found.collected, "held": found.held,
    }  # fmt: skip


def _standing(found: Any) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "on": found.on,
        **{
            name: found.buckets[name]
            for name in ("fee", "costs", "interest", "principal", "doubled_interest")
        },
        "doubled_interest_computed": found.doubled_interest_computed,
        "outstanding": found.outstanding,
        "surplus": found.surplus,
        "met": found.met,
        "trace": list(found.trace),
    }


@extend_schema(
    summary="A case's fund account: reference, balance, amount recovered, what is owed today",
    parameters=[CASE_ID],
    responses={200: CaseFundsSerializer},
)
class CaseFunds(ScopedAPIView):
    scoped_model = Case
    serializer_class = CaseFundsSerializer
    pagination_class = None

    def get(self, request: Request, case_id: str) -> Response:
        case = self.get_visible(Case, case_id)
        account = queries.account_of(request.user, case)
        if account is None:  # a case bulk-loaded after the ledger's migration, not opened yet
            raise NotFound()
        standing = queries.standing(case, timezone.localdate())
        body = {
            "case": case.pk,
            "reference": account.reference,
            "reference_grouped": references.grouped(account.reference),
            "balance": account.held or Decimal("0.00"),  # type: ignore[attr-defined]
            "recovered": queries.recovered(case),
            "standing": _standing(standing),
            "fee": _fee(case, standing),
        }
        return Response(CaseFundsSerializer(body).data)


@extend_schema(summary="The movements of a case's fund account, newest first", parameters=[CASE_ID])
class CaseEntries(CaseChildList):
    child_model = Entry
    serializer_class = EntrySerializer

    def children(self, case: Case) -> QuerySet[Entry]:
        return queries.visible_entries(self.request.user, case)
