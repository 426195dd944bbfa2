"""Pushing requests to units' systems (issue 4 §7, §8): webhooks that lose nothing and duplicate
nothing.

- A `Delivery` row is written in the same transaction that sends the request (or changes it in a way
  the unit must hear about), so a sent request is never left undelivered, and a rolled-back send is
  never delivered.
- Workers claim a due delivery with a lease (a conditional UPDATE), post it **outside** any
  transaction, and record the outcome. A worker killed mid-post (kill -9) leaves the lease to expire,
  and another worker posts again: delivery is at least once. Every post carries the delivery's id
  (`X-EnforceLink-Delivery`), so the unit's system drops a repeat; our side of the effect — the
  request's state — only changes through the unit's idempotent replies.
- 2xx: delivered. Timeout, connection error or any other status: retried with exponential backoff;
  after the endpoint's `max_attempts` the delivery is dead-lettered, and operators see it in the admin
  (where they can retry it).
- The body is signed: `X-EnforceLink-Signature: sha256=<hex HMAC of "<timestamp>.<body>">` with the
  endpoint's secret, and `X-EnforceLink-Timestamp`, so a unit can refuse forgeries and replays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from enforcelink.linkage.models import AssistanceRequest, Delivery, DeliveryStatus, UnitEndpoint

LEASE = dt.timedelta(seconds=60)  # longer than any post may take (timeout below), so leases never overlap
TIMEOUT_SECONDS = 10
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a unit's receiver does (the simulators use it): constant-time comparison."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, 4 min … at most 6 h between tries."""
    return dt.timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def payload(request: AssistanceRequest, event: str) -> dict[str, Any]:
    """What the unit's system receives; it fetches anything else through the API."""
    return {
        "event": event,
        "request": {
            "id": request.pk,
            "case_number": request.case.number,
            "court": request.case.court.name,
            "request_type": request.request_type,
            "purpose": request.purpose,
            "legal_basis": request.legal_basis,
            "details": request.details,
            "status": request.status,
            "due_on": request.due_on.isoformat() if request.due_on else None,
            "notice_number": request.notice.number if request.notice is not None else None,
        },
    }


def enqueue_delivery(request: AssistanceRequest, event: str) -> Delivery | None:
    """Inside the caller's transaction: a delivery for the unit's endpoint, if it has an active one,
    and a worker task after commit (the sweep picks it up as well, should the task be lost)."""
    endpoint = UnitEndpoint.objects.filter(unit_id=request.unit_id, active=True).first()
    if endpoint is None:
        return None  # the unit polls the API instead
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        request=request,
        event=event,
        payload=payload(request, event),
        next_attempt_at=timezone.now(),
    )
    from enforcelink.linkage.tasks import deliver_task

    delivery_id = delivery.pk
    transaction.on_commit(lambda: deliver_task.enqueue(delivery_id))
    return delivery


def claim(delivery_id: int, now: dt.datetime) -> Delivery | None:
    """Take the lease on one due delivery; None when it is not due or another worker holds it."""
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) & (
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    claimed = Delivery.objects.filter(due, pk=delivery_id).update(
        lease_until=now + LEASE, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return Delivery.objects.select_related("endpoint").get(pk=delivery_id)


@dataclass
class Outcome:
    ok: bool
    status: int | None = None
    error: str = ""


def post(delivery: Delivery) -> Outcome:
    """One HTTP POST, outside any transaction (STYLE.md: calls to outside systems after commit)."""
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-EnforceLink-Delivery": str(delivery.pk),
        "X-EnforceLink-Event": delivery.event,
        "X-EnforceLink-Timestamp": timestamp,
        "X-EnforceLink-Signature": sign(delivery.endpoint.secret, timestamp, body),
    }
    request = urllib.request.Request(delivery.endpoint.url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return Outcome(200 <= response.status < 300, response.status)
    except urllib.error.HTTPError as error:
        return Outcome(False, error.code, f"HTTP {error.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return Outcome(False, None, str(getattr(error, "reason", error))[:300])


def record(delivery: Delivery, outcome: Outcome, now: dt.datetime) -> DeliveryStatus:
    """Write the outcome of the attempt this worker holds the lease for."""
    if outcome.ok:
        status, next_at = DeliveryStatus.DELIVERED, delivery.next_attempt_at
    elif delivery.attempts >= delivery.endpoint.max_attempts:
        status, next_at = DeliveryStatus.DEAD, delivery.next_attempt_at
    else:
        status, next_at = DeliveryStatus.PENDING, now + backoff(delivery.attempts)
    Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
        status=status,
        next_attempt_at=next_at,
        lease_until=None,
        last_status=outcome.status,
        last_error=outcome.error,
        delivered_at=now if outcome.ok else None,
    )
    return status


def deliver(delivery_id: int) -> str:
    """Claim, post, record: what a worker does with one delivery. Returns the resulting status, or
    "skipped" when the delivery was not due or is held by another worker."""
    delivery = claim(delivery_id, timezone.now())
    if delivery is None:
        return "skipped"
    outcome = post(delivery)
    return record(delivery, outcome, timezone.now())


def deliver_due(now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """The safety net: every due delivery (a lost task, a retry whose time has come, an expired lease)."""
    now = now or timezone.now()
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    counts: dict[str, int] = {}
    for pk in due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]:
        result = deliver(pk)
        counts[result] = counts.get(result, 0) + 1
    return counts


def retry_dead(delivery: Delivery, *, actor: Any) -> None:
    """An operator sends a dead-lettered delivery again (after the unit fixed its endpoint)."""
    from enforcelink.core import audit

    with transaction.atomic():
        if Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.DEAD).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), lease_until=None
        ):
            audit.record(
                "delivery.retried",
                delivery,
                actor=actor,
                before={"status": "dead"},
                after={"status": "pending"},
            )
