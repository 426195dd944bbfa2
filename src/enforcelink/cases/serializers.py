"""Shapes of cases, parties, nodes and events on /api/v1/.

Serializers only check the *form* of a request (types, lengths, choices); every legal rule
(ID check characters, amounts, dates, duplicates) stays in `cases.actions` / `cases.policy`.
ID numbers leave the API masked (R-ID-05); the full number needs the logged reveal action.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enforcelink.cases import money
from enforcelink.cases.actions import CaseFiling, PartyInput
from enforcelink.cases.models import (
    BasisType,
    Case,
    CaseType,
    ClosureMode,
    IdType,
    Party,
    PartyKind,
    PartyRole,
    ProcessNode,
)
from enforcelink.core.fields import ApiTextField
from enforcelink.core.identifiers import looks_like_resident_id, mask_id
from enforcelink.core.models import AuditEvent
from enforcelink.orgs.models import Court

MAX_PARTIES = 50


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^[0-9]{1,14}(\.[0-9]{1,2})?$",
        "maxLength": 17,
        "example": "120000.00",
        "description": "Yuan with at most two decimals, as a string (JSON numbers are accepted too).",
    }
)
class AmountField(serializers.Field):
    """R-MONEY-01: passed on as text so the action's Decimal parser sees exactly what was sent."""

    default_error_messages = {"invalid": _("Enter an amount in yuan, e.g. 12345.67.")}

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, bool) or not isinstance(data, str | int | Decimal):
            self.fail("invalid")
        text = str(data)
        if len(text) > 40:
            self.fail("invalid")
        return text

    def to_representation(self, value: Any) -> str:
        return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def _text(max_length: int, **kwargs: Any) -> ApiTextField:
    return ApiTextField(max_length=max_length, required=False, allow_blank=True, default="", **kwargs)


class PartyInputSerializer(serializers.Serializer):
    """One applicant or respondent; its role comes from the array it is in."""

    kind = serializers.ChoiceField(choices=PartyKind.choices, default=PartyKind.PERSON)
    name = ApiTextField(max_length=150)
    id_type = serializers.ChoiceField(
        choices=IdType.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Defaults to resident_id for persons and uscc for organisations.",
    )
    id_number = ApiTextField(max_length=40, help_text="Resident ID (R-ID-01) or USCC (R-ID-02).")
    legal_representative = _text(50)
    actual_controller = _text(50)
    address = _text(200)
    phone = _text(30)


def _parties(**kwargs: Any) -> serializers.ListSerializer:
    return serializers.ListSerializer(
        child=PartyInputSerializer(), required=False, default=list, max_length=MAX_PARTIES, **kwargs
    )


class CaseFilingSerializer(serializers.Serializer):
    """The body of POST /cases/: mirrors `cases.actions.CaseFiling`; the court is the caller's."""

    filed_on = serializers.DateField(required=False, help_text="Defaults to today.")
    type_code = serializers.ChoiceField(choices=CaseType.choices, default=CaseType.FIRST)
    basis_type = serializers.ChoiceField(choices=BasisType.choices)
    basis_body = ApiTextField(max_length=150)
    basis_number = ApiTextField(max_length=100)
    basis_effective_on = serializers.DateField(required=False, allow_null=True, default=None)
    performance_due_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="履行期限届满日: the last day the basis gave the debtor; R-MONEY-02's doubled interest runs from the next day. Without it no doubled interest is computed.",
    )
    principal = AmountField(required=False, default="0")
    interest = AmountField(required=False, default="0")
    costs = AmountField(required=False, default="0")
    is_money_case = serializers.BooleanField(required=False, default=True)
    is_non_litigation = serializers.BooleanField(required=False, default=False)
    is_livelihood = serializers.BooleanField(required=False, default=False)
    is_labour_pay = serializers.BooleanField(required=False, default=False)
    is_financial = serializers.BooleanField(required=False, default=False)
    is_enterprise = serializers.BooleanField(required=False, default=False)
    urgent = serializers.BooleanField(required=False, default=False)
    applicants = _parties(help_text="申请执行人; at least one.")
    respondents = _parties(help_text="被执行人; at least one.")

    def filing(self, court: Court) -> CaseFiling:
        """The validated body as the action's input; legal checks happen in `case_file`."""
        data = dict(self.validated_data)
        parties = [
            PartyInput(role=role, **party)
            for role, key in ((PartyRole.APPLICANT, "applicants"), (PartyRole.RESPONDENT, "respondents"))
            for party in data.pop(key)
        ]
        data.setdefault("filed_on", timezone.localdate())
        return CaseFiling(court=court, parties=parties, **data)


class PartySerializer(serializers.ModelSerializer):
    """A party with its ID number masked (R-ID-05); birth date is left out since it is the masked part."""

    id_number = serializers.SerializerMethodField(help_text="Masked per R-ID-05 for resident IDs.")
    id_number_masked = serializers.SerializerMethodField()
    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Checks to make, never refusals (R-ID-01): a region code not in the division-code "
        "table, a 15-digit number converted.",
    )

    class Meta:
        model = Party
        fields = [
            "id",
            "role",
            "kind",
            "name",
            "id_type",
            "id_number",
            "id_number_masked",
            "sex",
            "legal_representative",
            "actual_controller",
            "address",
            "phone",
            "position",
            "warnings",
        ]

    def get_id_number(self, party: Party) -> str:
        return party.masked_id

    def get_id_number_masked(self, party: Party) -> bool:
        return party.masked_id != party.id_number


class RevealRequestSerializer(serializers.Serializer):
    purpose = ApiTextField(max_length=200, help_text="Why the full number is needed; it is logged.")


class RevealedIdSerializer(serializers.Serializer):
    party = serializers.IntegerField()
    id_type = serializers.CharField()
    id_number = serializers.CharField(help_text="The full number; this display is on the audit trail.")


class CaseSerializer(serializers.ModelSerializer):
    """A case in lists: what a clerk scans."""

    court = serializers.CharField(source="court.code", read_only=True)
    officer = serializers.IntegerField(source="officer_id", read_only=True, allow_null=True)
    officer_name = serializers.SerializerMethodField()
    principal = AmountField(read_only=True)
    interest = AmountField(read_only=True)
    costs = AmountField(read_only=True)
    amount_total = AmountField(read_only=True)
    # Blank while open: declared so the schema allows "" besides the modes (R-CASE-05).
    closure_mode = serializers.ChoiceField(choices=ClosureMode.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "court",
            "type_code",
            "status",
            "filed_on",
            "basis_type",
            "basis_number",
            "principal",
            "interest",
            "costs",
            "amount_total",
            "officer",
            "officer_name",
            "closed_on",
            "closure_mode",
        ]
        read_only_fields = fields

    def get_officer_name(self, case: Case) -> str | None:
        return str(case.officer) if case.officer_id else None


class CaseDetailSerializer(CaseSerializer):
    """One case with its tags and parties (masked)."""

    court_name = serializers.CharField(source="court.name", read_only=True)
    team = serializers.CharField(source="team.name", read_only=True, allow_null=True, default=None)
    recovered_amount = serializers.SerializerMethodField(
        help_text="执行到位金额 in yuan, read from the case-fund ledger (R-FUND-03): receipts net of reversals."
    )
    small_claim_threshold = AmountField(read_only=True, allow_null=True)
    parties = PartySerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "court_name",
            "year",
            "sequence",
            "basis_body",
            "basis_effective_on",
            "performance_due_on",
            "is_money_case",
            "is_non_litigation",
            "is_livelihood",
            "is_small_claim",
            "small_claim_threshold",
            "is_labour_pay",
            "is_financial",
            "is_enterprise",
            "team",
            "recovered_amount",
            "resumed_from",
            "imported",
            "created_at",
            "parties",
        ]
        read_only_fields = fields

    def get_recovered_amount(self, case: Case) -> str:
        return f"{money.recovered(case):.2f}"


class NodeSerializer(serializers.ModelSerializer):
    """A statutory clock with the rule values in force and its deadline trace (R-TIME-02)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    rule_values = serializers.JSONField(read_only=True)
    trace = serializers.JSONField(read_only=True, help_text="Why the due date is what it is (R-TIME-02).")

    class Meta:
        model = ProcessNode
        fields = [
            "id",
            "kind",
            "kind_label",
            "rule_id",
            "rule_values",
            "start_event",
            "start_date",
            "due_on",
            "status",
            "completed_at",
            "completed_by",
            "overdue_at",
            "excluded_days",
            "extensions_months",
            "trace",
        ]
        read_only_fields = fields


def mask_ids_in(value: Any) -> Any:
    """R-ID-05 for the trail's before/after: any resident ID number inside is shown masked."""
    if isinstance(value, str):
        return mask_id(value) if looks_like_resident_id(value) else value
    if isinstance(value, list):
        return [mask_ids_in(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_ids_in(item) for key, item in value.items()}
    return value


@extend_schema_field(OpenApiTypes.ANY)
class MaskedJSONField(serializers.JSONField):
    def to_representation(self, value: Any) -> Any:
        return mask_ids_in(value)


class EventSerializer(serializers.ModelSerializer):
    """One audit event of the case (read-only; the chain itself is checked by `audit verify`)."""

    before = MaskedJSONField(read_only=True, allow_null=True)
    after = MaskedJSONField(read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "created_at",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields
