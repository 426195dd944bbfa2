"""The daily backstop of the network-inquiry clock (R-CASE-02), registered in assets/tasks.py.

The clock completes from the first inquiry's answers: each answer enqueues `network_inquiry_task`
after its commit (`actions.records_from_reply`, `actions.outcome_on_rejection`). When that task is
lost (no worker up, a crash between the commit and the enqueue) or the answers came through a path
that announced nothing, nothing would complete the clock and it would run overdue although every
unit has answered. `sweep_network_inquiries` finds those cases in one query — an open network-inquiry
node of an open case whose first inquiry that sent requests has every request final and at least
one answered — and completes each through `actions.network_inquiry_complete`, the event's own path
(the day of the last answer, the same trail entry). That function locks the case before it reads
the node, so the sweep and a late task never complete one clock twice.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from enforcelink.assets.actions import network_inquiry_complete
from enforcelink.assets.models import Inquiry, InquiryRequest
from enforcelink.cases.actions import PENDING_NODE_STATUSES
from enforcelink.cases.models import CaseStatus, NodeKind, ProcessNode
from enforcelink.linkage.models import FINAL, AssistanceRequest, RequestStatus

ANSWERED = (RequestStatus.COMPLETED, RequestStatus.REJECTED)


def answered_clocks() -> QuerySet[ProcessNode, int]:
    """The ids of the cases whose network-inquiry clock the answers would complete (see the module)."""
    first = (
        Inquiry.objects.filter(Exists(InquiryRequest.objects.filter(inquiry=OuterRef("pk"))), case_id=OuterRef("case_id"))
        .order_by("created_at", "pk")
        .values("pk")[:1]
    )  # fmt: skip
    sent = AssistanceRequest.objects.filter(inquiry_link__inquiry=OuterRef("first_inquiry"))
    return (
        ProcessNode.objects.filter(
            kind=NodeKind.NETWORK_INQUIRY, status__in=PENDING_NODE_STATUSES, case__status=CaseStatus.OPEN
        )
        .annotate(first_inquiry=Subquery(first))
        .filter(Exists(sent.filter(status__in=ANSWERED)))
        .exclude(Exists(sent.exclude(status__in=FINAL)))
        .order_by("case_id")
        .values_list("case_id", flat=True)
        .distinct()
    )


def sweep_network_inquiries(day: dt.date) -> int:
    """Complete the network-inquiry clocks whose answers are all in; returns how many it completed.
    `day` is the sweep's period only: each clock completes on the day of its last answer."""
    return sum(1 for case_id in list(answered_clocks()) if network_inquiry_complete(case_id))
