"""The documents a request goes out with: its 协助执行通知书 and, when the unit's list requires it,
the case's 执行裁定书 for the measure, issued when the request is sent (`dispatch`).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.models.fields.json import KT
from django.utils import translation

from enforcelink.documents.actions import Reservation, documents_reserve, issued_fields
from enforcelink.documents.models import Document, DocumentKind
from enforcelink.linkage import policy, queries
from enforcelink.linkage.actions.deadlines import schedule
from enforcelink.linkage.delivery import enqueue_deliveries
from enforcelink.linkage.models import AssistanceRequest, RequestType
from enforcelink.orgs.models import User


def dispatch(request: AssistanceRequest, *, actor: User) -> dict[str, Any]:
    """Sent: the SLA clock starts and the notice is issued (numbered now, rendered on first download),
    with the case's ruling when the unit's list requires one. Returns what the step's trail entry
    says of the deadline, the notice and the ruling. A re-sent request keeps both."""
    schedule(request)
    issued = request.notice_id is None
    ruling_issued = False
    if issued:  # the notice prints the case as it is now: `court_request` locked it and read it since
        if policy.RULING in _attachments_now(request):
            [ruling_issued] = attach_rulings([request], actor=actor)
        [request.notice] = documents_reserve(
            [notice_for(request)], kind="assistance_notice", actor=actor, own_entries=False
        )
    request.save()
    enqueue_deliveries([request], "request.sent")
    return sent_data(request, issued=issued, ruling_issued=ruling_issued)


def _attachments_now(request: AssistanceRequest) -> tuple[str, ...]:
    """What the unit's list requires with the request as it goes out (the list may have changed since
    the draft; a type it no longer lists keeps its type's shipped line)."""
    entry = queries.responsibility_for(request.unit, request.request_type)
    if entry is None:
        entry = policy.DEFAULT_LISTS.get(request.unit.unit_type, {}).get(request.request_type)
    return policy.check_attachments(
        entry.attachments if entry else (), unit=request.unit.name, field="request_type"
    )


def sent_data(request: AssistanceRequest, *, issued: bool, ruling_issued: bool = False) -> dict[str, Any]:
    """The deadline, the notice and the ruling: a document issued with this step is recorded in the
    step's own entry (one entry for the one action), with the template it was filled from; a ruling
    already issued for the case is named by its number."""
    assert request.notice is not None
    data: dict[str, Any] = {"due_on": request.due_on, "notice": request.notice.number}
    if issued:
        data["notice_template"] = issued_fields(request.notice)["template"]
    if request.ruling is not None:
        data["ruling"] = request.ruling.number
        if ruling_issued:
            data["ruling_template"] = issued_fields(request.ruling)["template"]
    return data


RulingKey = tuple[int, str, str]


def _ruling_key(request: AssistanceRequest) -> RulingKey:
    """One ruling per case and measure: the shipped variant, or for the general text the measure's
    printed name (a general ruling decides one named measure)."""
    variant = policy.ruling_variant(request.request_type)
    return (request.case_id, variant, "" if variant else _printed_type(request.request_type))


def _ruling(request: AssistanceRequest) -> Reservation:
    """The case's 执行裁定书 for the request's measure (CPL Art.253/255; the periods of R-ASSET-02 are
    in the shipped texts, the limit is what the case still owes, R-ASSET-03)."""
    variant, measure = _ruling_key(request)[1:]
    extra = {"measure": measure, "legal_basis": request.legal_basis} if not variant else {}
    return Reservation(request.case, variant, extra)


def attach_rulings(requests: list[AssistanceRequest], *, actor: User) -> list[bool]:
    """Give each request (its case locked by the caller) the case's ruling for its measure: the newest
    already issued for the case and measure, else one reserved now and shared by the requests of the
    same case and measure. One query for the existing rulings, one reservation for the new ones.
    Returns, per request, whether its ruling was issued now."""
    keys = [_ruling_key(request) for request in requests]
    found: dict[RulingKey, Document] = {}
    rulings = (
        Document.objects.filter(
            kind=DocumentKind.ENFORCEMENT_RULING, case_id__in={key[0] for key in keys},
            variant__in={key[1] for key in keys},
        )
        .annotate(measure=KT("values__measure"))
        .only("pk", "case_id", "variant", "number")
        .order_by("pk")
    )  # fmt: skip
    for ruling in rulings:  # the newest wins
        measure = "" if ruling.variant else str(getattr(ruling, "measure", None) or "")
        found[(ruling.case_id or 0, ruling.variant, measure)] = ruling
    wanted = {key: request for key, request in zip(keys, requests, strict=True) if key not in found}
    made = documents_reserve(
        [_ruling(request) for request in wanted.values()], kind=DocumentKind.ENFORCEMENT_RULING, actor=actor,
        own_entries=False,
    ) if wanted else []  # fmt: skip
    issued = dict(zip(wanted, made, strict=True))
    for key, request in zip(keys, requests, strict=True):
        request.ruling = issued.get(key) or found[key]
    return [key in issued for key in keys]


@functools.cache
def _printed_type(request_type: str) -> str:
    """The request type as the notice prints it: in Chinese, whatever the officer's UI language."""
    with translation.override("zh-hans"):
        return str(RequestType(request_type).label)


def notice_for(request: AssistanceRequest) -> Reservation:
    """The request's 协助执行通知书: addressed to the unit, with the measure, its basis and amount."""
    details = request.details
    measure = details.get("measure") or f"{_printed_type(request.request_type)}：{request.purpose}"
    extra = {"addressee": request.unit.name, "measure": measure, "legal_basis": request.legal_basis}
    if details.get("amount"):
        extra["measure_amount"] = details["amount"]
    if request.ruling is not None:
        extra["ruling_number"] = request.ruling.number  # the ruling the notice executes (DOMAIN.md §11)
    return Reservation(request.case, policy.NOTICE_VARIANTS.get(request.request_type, ""), extra)
