"""/api/v1/ for the fund desk (issue 15 §11): the 不明款 queue and its assignment or return, the
statement import, voluntary receipts, payouts from proposal to payment, the court's ledger and a case's
ledger with its running balance. Reads follow `visible_to`; every write goes through its action, which
asks `can(...)`: another court's case, payout or receipt answers the same 404 as a missing one, and a
unit's liaison, a supervisor or an officer who may not book gets that 404 too."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, parsers, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from enforcelink.cases.api import CASE_ID, CaseChildList
from enforcelink.cases.models import Case
from enforcelink.cases.serializers import AmountField
from enforcelink.core.api import ErrorListSerializer, ScopedAPIView, parse_pk
from enforcelink.core.errors import InvalidInput, NotFound
from enforcelink.core.fields import StrictCharField
from enforcelink.core.tabular import SheetLimits
from enforcelink.funds import actions, correcting, desk, paying, receiving
from enforcelink.funds.models import Journal, JournalKind
from enforcelink.funds.payouts import Payout, PayoutStatus
from enforcelink.funds.statements import UnidentifiedReceipt
from enforcelink.orgs.permissions import Action, can, signed_in

PAYOUT_ID = OpenApiParameter(
    "payout_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The payout's id."
)
ITEM_ID = OpenApiParameter(
    "item_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The unidentified receipt's id."
)
WRITE = {200: ErrorListSerializer, 400: ErrorListSerializer, 404: ErrorListSerializer}


def _pk(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise NotFound() from None


class DeskView(ScopedAPIView):
    """Writes are asked of the action (`can`), not of the default "court staff write" rule: the fund
    clerk is court staff who books money and writes nothing else."""

    permission_classes = [IsAuthenticated]


# --- 不明款 ----------------------------------------------------------------------------------------


class UnidentifiedSerializer(serializers.ModelSerializer):
    amount = AmountField()
    overdue = serializers.SerializerMethodField(help_text="Past its R-FUND-01 identification date.")

    class Meta:
        model = UnidentifiedReceipt
        fields = ["id", "arrived_on", "identify_by", "overdue", "amount", "payer_name", "payer_account", "remark",
                  "bank_reference", "status", "case", "note"]  # fmt: skip

    def get_overdue(self, item: UnidentifiedReceipt) -> bool:
        return item.identify_by < timezone.localdate()


@extend_schema(summary="不明款 waiting to be identified, the oldest first (R-FUND-01; the fund clerk's)")
class UnidentifiedList(mixins.ListModelMixin, DeskView):
    scoped_model = UnidentifiedReceipt
    serializer_class = UnidentifiedSerializer

    def get_queryset(self) -> Any:
        return desk.unidentified_waiting(self.request.user)

    def get(self, request: Request) -> Response:
        return self.list(request)


class AssignSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text="The case's id.")
    note = StrictCharField(required=False, allow_blank=True, max_length=500, default="")


class ReasonSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=500, allow_blank=True)


class JournalSerializer(serializers.ModelSerializer):
    amount = AmountField()

    class Meta:
        model = Journal
        fields = ["id", "kind", "case", "value_on", "amount", "reference", "memo", "reverses", "created_by",
                  "created_at"]  # fmt: skip


class UnidentifiedAssign(DeskView):
    scoped_model = UnidentifiedReceipt
    serializer_class = JournalSerializer

    @extend_schema(summary="Assign unidentified money to its case (an identify journal, R-FUND-01)",
                   parameters=[ITEM_ID], request=AssignSerializer, responses={201: JournalSerializer, **WRITE})  # fmt: skip
    def post(self, request: Request, item_id: str) -> Response:
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = signed_in(request)
        case = Case.objects.visible_to(user).filter(pk=body.validated_data["case"]).first()
        if case is None:
            raise NotFound(field="case")
        journal = receiving.unidentified_assign(
            _pk(item_id), case, actor=user, note=body.validated_data["note"]
        )
        return Response(JournalSerializer(journal).data, status=status.HTTP_201_CREATED)


class UnidentifiedReturn(DeskView):
    scoped_model = UnidentifiedReceipt
    serializer_class = JournalSerializer

    @extend_schema(summary="Return unidentified money to the payer, with the reason (R-FUND-01)",
                   parameters=[ITEM_ID], request=ReasonSerializer, responses={201: JournalSerializer, **WRITE})  # fmt: skip
    def post(self, request: Request, item_id: str) -> Response:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        journal = receiving.unidentified_return(_pk(item_id), reason=body.validated_data["reason"],
                                                actor=signed_in(request))  # fmt: skip
        return Response(JournalSerializer(journal).data, status=status.HTTP_201_CREATED)


# --- statements ------------------------------------------------------------------------------------


class StatementUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or XLSX: 交易日期, 金额, 付款人, 付款账号, 附言, 银行流水号.")


class LineErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)


class StatementOutcomeSerializer(serializers.Serializer):
    applied = serializers.BooleanField()
    statement = serializers.IntegerField(allow_null=True)
    booked = serializers.ListField(child=serializers.DictField(), help_text="row, case number, journal")
    unidentified = serializers.ListField(child=serializers.DictField(), help_text="row, unidentified receipt")
    repeated = serializers.ListField(
        child=serializers.DictField(), help_text="row, the journal booked before"
    )
    errors = LineErrorSerializer(many=True)  # type: ignore[assignment]


class StatementImportView(DeskView):
    scoped_model = UnidentifiedReceipt
    serializer_class = StatementOutcomeSerializer
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(
        summary="Import a custody account statement (all lines or none; errors by row and column)",
        description="Lines are matched to this court's cases by the 一案一账号 in the remark; unmatched money "
        "goes to the 不明款 queue; a bank reference booked before books once. A file with any error is "
        "applied not at all and answers 400 with every error.",
        request={"multipart/form-data": StatementUploadSerializer},
        responses={
            201: StatementOutcomeSerializer,
            400: StatementOutcomeSerializer,
            404: ErrorListSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        user = signed_in(request)
        if user.court is None or not can(user, Action.BOOK_FUNDS, user.court):
            raise NotFound()
        body = StatementUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            outcome = receiving.statement_import(handle.name, court=user.court, actor=user, filename=upload.name,
                                                 limits=SheetLimits.for_uploads())  # fmt: skip
        data = {
            "applied": outcome.applied,
            "statement": outcome.statement.pk if outcome.statement else None,
            "booked": [{"row": r, "case": n, "journal": j} for r, n, j in outcome.booked],
            "unidentified": [{"row": r, "unidentified": pk} for r, pk in outcome.unidentified],
            "repeated": [{"row": r, "journal": j or None} for r, j in outcome.repeated],
            "errors": [
                {"code": e.code, "message": str(e.message), "row": e.row, "column": e.column}
                for e in outcome.errors
            ],
        }
        code = status.HTTP_201_CREATED if outcome.applied else status.HTTP_400_BAD_REQUEST
        return Response(StatementOutcomeSerializer(data).data, status=code)


# --- receipts and the ledgers ----------------------------------------------------------------------


class ReceiptSerializer(serializers.Serializer):
    amount = AmountField()
    value_on = serializers.DateField()
    reference = StrictCharField(required=False, allow_blank=True, max_length=100, default="")


class CaseReceipt(DeskView):
    scoped_model = Case
    serializer_class = JournalSerializer

    @extend_schema(summary="Book a voluntary payment to a case (the fund clerk's; R-FUND-03)", parameters=[CASE_ID],
                   request=ReceiptSerializer, responses={201: JournalSerializer, **WRITE})  # fmt: skip
    def post(self, request: Request, case_id: str) -> Response:
        case = self.get_visible(Case, case_id)
        body = ReceiptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        booked = actions.receipt_record(case, data["amount"], source="voluntary", value_on=data["value_on"],
                                        reference=data["reference"], actor=signed_in(request))  # fmt: skip
        code = status.HTTP_200_OK if booked.duplicate else status.HTTP_201_CREATED
        return Response(JournalSerializer(booked.journal).data, status=code)


class LedgerLineSerializer(serializers.Serializer):
    journal = serializers.IntegerField(source="entry.journal_id")
    kind = serializers.ChoiceField(choices=JournalKind.choices, source="entry.journal.kind")
    value_on = serializers.DateField(source="entry.journal.value_on")
    booked_at = serializers.DateTimeField(source="entry.journal.created_at")
    received = AmountField(allow_null=True)
    paid = AmountField(allow_null=True)
    balance = AmountField(help_text="Yuan held for the case after this movement.")
    reference = serializers.CharField(source="entry.journal.reference")
    memo = serializers.CharField(source="entry.journal.shown_memo")
    reversed = serializers.BooleanField()


@extend_schema(summary="A case's ledger (台账): every movement, oldest first, with the running balance",
               parameters=[CASE_ID])  # fmt: skip
class CaseLedger(CaseChildList):
    child_model = Journal
    serializer_class = LedgerLineSerializer
    pagination_class = None

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        lines = desk.case_ledger(request.user, self.case())
        return Response(LedgerLineSerializer(lines, many=True).data)


class CourtJournalSerializer(JournalSerializer):
    direction = serializers.SerializerMethodField(
        help_text="As the court's custody account (执行款专户) sees it: `in` money received (收), `out` money "
        "paid out or sent back (支), `within` moved between the court's own accounts (unidentified money "
        "assigned to its case, imported history)."
    )

    class Meta(JournalSerializer.Meta):
        fields = [*JournalSerializer.Meta.fields, "direction"]

    @extend_schema_field(serializers.ChoiceField(choices=[desk.IN, desk.OUT, desk.WITHIN]))
    def get_direction(self, journal: Journal) -> str:
        return desk.direction(journal)


@extend_schema(
    summary="The court's journals, newest first, each money in, money out or within the court (the fund clerk's)",
    parameters=[
        OpenApiParameter("kind", OpenApiTypes.STR, enum=JournalKind.values),
        OpenApiParameter("since", OpenApiTypes.DATE),
        OpenApiParameter("until", OpenApiTypes.DATE),
    ],
)
class CourtLedger(mixins.ListModelMixin, DeskView):
    scoped_model = Journal
    serializer_class = CourtJournalSerializer

    def get_queryset(self) -> Any:
        query = self.request.query_params
        kind = query.get("kind", "")
        filters = desk.LedgerFilters(
            kind=kind if kind in JournalKind.values else "",
            since=_date(query.get("since"), "since"),
            until=_date(query.get("until"), "until"),
        )
        return desk.court_ledger(self.request.user, filters)

    def get(self, request: Request) -> Response:
        if not can(request.user, Action.BOOK_FUNDS):  # the fund clerk's list: anyone else is refused
            raise PermissionDenied()
        return self.list(request)


def _date(value: str | None, name: str) -> Any:
    import datetime as dt

    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("DATE_INVALID", "YYYY-MM-DD", field=name) from None


JOURNAL_ID = OpenApiParameter(
    "journal_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The journal's id."
)


class JournalReversal(DeskView):
    scoped_model = Journal
    serializer_class = JournalSerializer

    @extend_schema(
        summary="Correct a booked movement by a reversing journal, with the reason (R-FUND-03; the fund clerk's)",
        description="A receipt (deduction, voluntary payment, statement line, auction proceeds) is reversed "
        "as it stands; a payout or a surplus return recorded as paid is recorded as returned (its journal "
        "reversed, the money the case's again). Refused: `REASON_REQUIRED`, `ALREADY_REVERSED`, "
        "`REVERSAL_OF_REVERSAL`, `JOURNAL_NOT_REVERSIBLE` (unidentified money, lodged money, fees, imported "
        "history), `BALANCE_NEGATIVE` (the money has already gone out). "
        "Another court's journal, or a caller who may not book, is the same 404 as a missing one.",
        parameters=[JOURNAL_ID],
        request=ReasonSerializer,
        responses={201: JournalSerializer, **WRITE},
    )
    def post(self, request: Request, journal_id: str) -> Response:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reversal = correcting.journal_correct(
            parse_pk(journal_id), reason=body.validated_data["reason"], actor=signed_in(request)
        )
        return Response(JournalSerializer(reversal).data, status=status.HTTP_201_CREATED)


# --- payouts ---------------------------------------------------------------------------------------


class PayoutSerializer(serializers.ModelSerializer):
    amount = AmountField()

    class Meta:
        model = Payout
        fields = ["id", "case", "kind", "party", "payee_name", "payee_account", "payee_bank", "amount", "reference",
                  "status", "note", "proposed_label", "proposed_at", "decided_at", "decision_note", "paid_on",
                  "return_reason", "lodged_with", "lodge_reason"]  # fmt: skip


@extend_schema(summary="The court's payouts (R-FUND-02), oldest first; `?status=` filters",
               parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=PayoutStatus.values)])  # fmt: skip
class PayoutList(mixins.ListModelMixin, DeskView):
    scoped_model = Payout
    serializer_class = PayoutSerializer

    def get_queryset(self) -> QuerySet[Payout]:
        wanted = self.request.query_params.get("status", "")
        return desk.payouts(self.request.user, status=wanted if wanted in PayoutStatus.values else "")

    def get(self, request: Request) -> Response:
        return self.list(request)


class ProposeSerializer(serializers.Serializer):
    party = serializers.IntegerField(help_text="An applicant of the case (the party's id).")
    amount = AmountField()
    account = StrictCharField(max_length=64, allow_blank=True)
    bank = StrictCharField(required=False, allow_blank=True, max_length=200, default="")
    note = StrictCharField(required=False, allow_blank=True, max_length=500, default="")


class CasePayouts(DeskView):
    scoped_model = Case
    serializer_class = PayoutSerializer
    pagination_class = None  # a case's payouts are few: the whole list, as the schema says

    @extend_schema(
        summary="A case's payouts", parameters=[CASE_ID], responses={200: PayoutSerializer(many=True)}
    )
    def get(self, request: Request, case_id: str) -> Response:
        case = self.get_visible(Case, case_id)
        rows = Payout.objects.visible_to(request.user).filter(case=case).order_by("proposed_at", "pk")
        return Response(PayoutSerializer(rows, many=True).data)

    @extend_schema(summary="Propose a payout to an applicant, at most what the case holds (R-FUND-02)",
                   parameters=[CASE_ID], request=ProposeSerializer, responses={201: PayoutSerializer, **WRITE})  # fmt: skip
    def post(self, request: Request, case_id: str) -> Response:
        case = self.get_visible(Case, case_id)
        body = ProposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        payout = paying.payout_propose(case, party=data["party"], amount=data["amount"], account=data["account"],
                                       bank=data["bank"], note=data["note"], actor=signed_in(request))  # fmt: skip
        return Response(PayoutSerializer(payout).data, status=status.HTTP_201_CREATED)


class PayoutStepSerializer(serializers.Serializer):
    note = StrictCharField(required=False, allow_blank=True, max_length=500, default="")
    reason = StrictCharField(required=False, allow_blank=True, max_length=500, default="")
    account = StrictCharField(required=False, allow_blank=True, max_length=64, default="")
    bank = StrictCharField(required=False, allow_blank=True, max_length=200, default="")
    paid_on = serializers.DateField(required=False)
    lodged_with = StrictCharField(required=False, allow_blank=True, max_length=200, default="")
    lodged_on = serializers.DateField(required=False)


STEPS = {
    "approve": lambda p, d, u: paying.payout_approve(p, actor=u, note=d["note"], account=d["account"], bank=d["bank"]),
    "refuse": lambda p, d, u: paying.payout_refuse(p, reason=d["reason"], actor=u),
    "cancel": lambda p, d, u: paying.payout_cancel(p, reason=d["reason"], actor=u),
    "paid": lambda p, d, u: paying.payout_paid(p, paid_on=d.get("paid_on", timezone.localdate()), actor=u),
    "returned": lambda p, d, u: paying.payout_returned(p, reason=d["reason"], actor=u),
    "lodge": lambda p, d, u: paying.payout_lodge(p, lodged_with=d["lodged_with"], reason=d["reason"],
                                                 lodged_on=d.get("lodged_on", timezone.localdate()), actor=u),
}  # fmt: skip


class PayoutStep(DeskView):
    scoped_model = Payout
    serializer_class = PayoutSerializer

    @extend_schema(
        summary="A payout's next step: approve | refuse | cancel | paid | returned | lodge",
        description="approve/refuse: a team leader or the president who did not propose it (four eyes); "
        "a payout above the court's `payout_president_above` is approved by the president alone "
        "(`PAYOUT_NEEDS_PRESIDENT`); cancel: the proposer's side; paid/returned/lodge: the fund clerk (R-FUND-02).",
        parameters=[
            PAYOUT_ID,
            OpenApiParameter("step", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(STEPS)),
        ],
        request=PayoutStepSerializer,
        responses={200: PayoutSerializer, 400: ErrorListSerializer, 404: ErrorListSerializer},
    )
    def post(self, request: Request, payout_id: str, step: str) -> Response:
        if step not in STEPS:
            raise NotFound()
        payout = self.get_visible(Payout, payout_id)
        body = PayoutStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        STEPS[step](payout, body.validated_data, signed_in(request))
        payout.refresh_from_db()
        return Response(PayoutSerializer(payout).data)
