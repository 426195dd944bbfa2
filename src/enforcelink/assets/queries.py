"""Reads of asset inquiry, each from `visible_to(user)`: a case's property at a glance (what was asked,
what was found, what was asked and found nothing), its inquiries and records, and a supervisor's
samples. A unit's liaison sees none of it: the records are the court's, not the unit's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from enforcelink.assets import normalise
from enforcelink.assets.models import AssetRecord, Inquiry, InquiryRequest, InquirySample, InquirySampleItem
from enforcelink.cases.models import Case, Party, PartyRole
from enforcelink.core.identifiers import mask_id
from enforcelink.linkage.models import AssistanceRequest, RequestStatus, RequestType


def shown_identifier(record: AssetRecord) -> str:
    """R-ID-05: a person's document number (a passport) is masked like an ID number on every list:
    the middle hidden, the ends kept so the officer can tell documents apart."""
    text = record.identifier
    if not record.identifier_is_id or not text:
        return text
    masked = mask_id(text)
    if masked != text:
        return masked
    keep = max(2, len(text) // 4)
    return text[:keep] + "*" * max(len(text) - 2 * keep, 1) + text[-keep:]


def case_records(user: Any, case: Case) -> QuerySet[AssetRecord]:
    """The case's asset records the reader may see, by kind then first seen (one query)."""
    return (
        AssetRecord.objects.visible_to(user)
        .filter(case=case)
        .select_related("unit", "respondent")
        .annotate(source_count=Count("named_by"))
        .order_by("kind", "first_seen_at", "pk")
    )


def case_inquiries(user: Any, case: Case) -> QuerySet[Inquiry]:
    """The case's inquiries, newest first, with their requests (two queries)."""
    sent = Prefetch(
        "sent",
        queryset=InquiryRequest.objects.select_related("request__unit").order_by("request__unit__name", "pk"),
    )
    return (
        Inquiry.objects.visible_to(user)
        .filter(case=case)
        .select_related("requested_by")
        .prefetch_related(sent)
        .order_by("-created_at", "-pk")
    )


@dataclass
class KindRow:
    """One R-ASSET-01 kind on the case: the requests that asked it, and what came of them."""

    request_type: str
    label: str
    requests: list[AssistanceRequest] = field(default_factory=list)
    found: int = 0

    @property
    def answered(self) -> list[AssistanceRequest]:
        return [r for r in self.requests if r.status in (RequestStatus.COMPLETED, RequestStatus.REJECTED)]

    @property
    def waiting(self) -> bool:
        return any(not r.is_final for r in self.requests)

    @property
    def nothing_found(self) -> bool:
        """Asked, and every unit that answered looked and found nothing (and none still owes one)."""
        completed = [r for r in self.requests if r.status == RequestStatus.COMPLETED]
        return (
            bool(completed)
            and not self.waiting
            and self.found == 0
            and all(normalise.answered_nothing(self.request_type, r.result) for r in completed)
        )


# Which record kinds each inquiry type yields (how many were found of a kind asked).
YIELDS = {
    "inquire_deposits": ("deposit",),
    "inquire_online_funds": ("online_funds",),
    "inquire_housing_fund": ("housing_fund",),
    "inquire_real_estate": ("real_estate",),
    "inquire_ships": ("ship",),
    "inquire_vehicles": ("vehicle",),
    "inquire_securities": ("securities",),
    "inquire_equity": ("equity",),
    "inquire_tax": ("tax_refund", "tax_record"),
    "inquire_social_insurance": ("social_insurance",),
    "inquire_exit_entry": ("exit_entry",),
}


def asked_by_kind(user: Any, case: Case, records: list[AssetRecord]) -> list[KindRow]:
    """Every R-ASSET-01 kind asked on the case (by an inquiry or by hand), its requests by unit with
    status and due date, and how many records it found (one query)."""
    requests = list(
        AssistanceRequest.objects.visible_to(user)
        .filter(case=case, request_type__in=normalise.INQUIRY_TYPES)
        .exclude(status__in=(RequestStatus.DRAFT, RequestStatus.CANCELLED))
        .select_related("unit")
        .order_by("unit__name", "-pk")
    )
    counts: dict[str, int] = {}
    for record in records:
        counts[record.kind] = counts.get(record.kind, 0) + 1
    labels = dict(RequestType.choices)
    rows = []
    for kind in normalise.INQUIRY_TYPES:
        of_kind = [r for r in requests if r.request_type == kind]
        if of_kind:
            found = sum(counts.get(k, 0) for k in YIELDS[kind])
            rows.append(KindRow(kind, str(labels.get(kind, kind)), of_kind, found))
    return rows


def refusals_shown(inquiry: Inquiry | None) -> list[dict[str, Any]]:
    """The latest inquiry's refusals with the kind's label (no query)."""
    if inquiry is None:
        return []
    labels = dict(RequestType.choices)
    return [
        {**row, "request_label": str(labels.get(row.get("request_type", ""), "")) or "—",
         "unit_name": row.get("unit_name") or _("No unit")}
        for row in inquiry.refusals
    ]  # fmt: skip


def samples_of(user: Any) -> QuerySet[InquirySample]:
    return (
        InquirySample.objects.visible_to(user)
        .annotate(reviewed=Count("items", filter=~Q(items__verdict="")), drawn=Count("items"))
        .order_by("-period_start", "-pk")
    )


def sample_items(sample: InquirySample) -> list[InquirySampleItem]:
    """A sample's inquiries with their case (its respondents and amount), court, units asked and
    verdict (four queries)."""
    sent = Prefetch(
        "inquiry__sent", queryset=InquiryRequest.objects.select_related("request__unit").order_by("pk")
    )
    respondents = Prefetch(
        "inquiry__case__parties",
        queryset=Party.objects.filter(role=PartyRole.RESPONDENT).order_by("position", "pk"),
        to_attr="respondents",
    )
    items = list(
        sample.items.select_related("inquiry__case", "inquiry__court", "inquiry__requested_by", "reviewed_by")
        .prefetch_related(sent, respondents)
        .order_by("position")
    )
    labels = dict(RequestType.choices)
    for item in items:
        rows = list(item.inquiry.sent.all())
        item.units = sorted({row.request.unit.name for row in rows})  # type: ignore[attr-defined]
        item.kinds = [str(labels.get(k, k)) for k in item.inquiry.kinds]  # type: ignore[attr-defined]
    return items
