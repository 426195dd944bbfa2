"""Pushing requests to units' systems (issue 4 §7, §8): webhooks that lose nothing and duplicate
nothing.

- A `Delivery` row is written in the same transaction that sends the request (or changes it in a way
  the unit must hear about), so a sent request is never left undelivered, and a rolled-back send is
  never delivered.
- Workers claim up to `BATCH` due deliveries of one endpoint with a lease (a conditional UPDATE that
  stamps the worker's token; on PostgreSQL the candidates are picked with SKIP LOCKED), post them
  **outside** any transaction in one signed body, and record the outcome for the rows that still
  carry their token. A worker killed mid-post (kill -9) leaves the lease to expire, and another
  worker posts again: delivery is at least once. Every delivery in the body carries its id, so the
  unit's system drops a repeat; our side of the effect — the request's state — only changes through
  the unit's idempotent replies.
- 2xx: delivered. Timeout, connection error or any other status: retried with exponential backoff;
  after the endpoint's `max_attempts` the delivery is dead-lettered, and operators see it in the admin
  (where they can retry it).
- The body is signed: `X-EnforceLink-Signature: sha256=<hex HMAC of "<timestamp>.<body>">` with the
  endpoint's secret, and `X-EnforceLink-Timestamp` (Unix seconds, stamped at each post), so a unit
  can refuse forgeries and, with `verify_signature`'s tolerance (300 s either way), replays.

The body: `{"deliveries": [{"id": 17, "event": "request.sent", "request": {...}}, ...]}`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django_tasks import task

from enforcelink.core import rows
from enforcelink.core.actors import AuditActor
from enforcelink.core.rows import insert_rows
from enforcelink.linkage.models import AssistanceRequest, Delivery, DeliveryStatus, UnitEndpoint

# Operators may shorten these (settings.WEBHOOK_*; a benchmark on loopback does).
TIMEOUT_SECONDS: float = settings.WEBHOOK_TIMEOUT_SECONDS
LEASE = dt.timedelta(seconds=TIMEOUT_SECONDS * 3 + 5)  # longer than any post may take: no overlap
BATCH = 200  # deliveries per post: a bank's system takes a page of requests at once
BACKOFF_BASE_SECONDS: float = settings.WEBHOOK_BACKOFF_SECONDS
BACKOFF_MAX_SECONDS = 6 * 3600


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


SIGNATURE_TOLERANCE_SECONDS = 300


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    tolerance: float = SIGNATURE_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """What a unit's receiver does (the simulators use it): the timestamp is whole Unix seconds at
    most `tolerance` seconds from `now` (the receiver's clock) either way — a captured push replayed
    later, or one stamped in the future, is refused — and the signature is the HMAC of
    "<timestamp>.<body>", compared in constant time. A refused push is retried like any other
    failure, stamped and signed afresh."""
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        return False
    # As bytes: compare_digest refuses str with non-ASCII characters (a garbled header) by raising.
    return hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.encode("utf-8", "replace"))


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
            "ruling_number": request.ruling.number if request.ruling is not None else None,
        },
    }


def enqueue_deliveries(requests: list[AssistanceRequest], event: str) -> list[Delivery]:
    """Inside the caller's transaction: a delivery for each request whose unit has an active
    endpoint, and one worker task per endpoint after commit (the `deliver` loop picks them up as
    well, should a task be lost). Units without an endpoint poll the API instead."""
    if not requests:
        return []
    endpoints = {
        endpoint.unit_id: endpoint
        for endpoint in UnitEndpoint.objects.filter(unit_id__in={r.unit_id for r in requests}, active=True)
    }
    now = timezone.now()
    made = insert_rows([
        rows.new(Delivery, endpoint_id=endpoints[r.unit_id].pk, request_id=r.pk, event=event, payload=payload(r, event),
                 next_attempt_at=now)
        for r in requests
        if r.unit_id in endpoints
    ])  # fmt: skip
    if made:
        ids = sorted({endpoint.pk for endpoint in endpoints.values()})
        transaction.on_commit(lambda: [deliver_task.enqueue(pk) for pk in ids])
    return made


def _due(now: dt.datetime) -> Q:
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) & (
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )


@dataclass
class Claim:
    token: uuid.UUID
    endpoint: UnitEndpoint
    deliveries: list[Delivery]


def claim(endpoint_id: int, now: dt.datetime, limit: int = BATCH) -> Claim | None:
    """Take the lease on up to `limit` due deliveries of one endpoint; None when none is due (or all
    are held by other workers). Only rows that were still due when the UPDATE ran carry our token."""
    token = uuid.uuid4()
    with transaction.atomic():
        candidates = Delivery.objects.filter(_due(now), endpoint_id=endpoint_id).order_by(
            "next_attempt_at", "pk"
        )
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        picked = list(candidates.values_list("pk", flat=True)[:limit])
        if not picked:
            return None
        Delivery.objects.filter(_due(now), pk__in=picked).update(
            lease_until=now + LEASE, lease_token=token, attempts=F("attempts") + 1
        )
    held = list(
        Delivery.objects.filter(pk__in=picked, lease_token=token).select_related("endpoint").order_by("pk")
    )
    if not held:
        return None
    return Claim(token, held[0].endpoint, held)


@dataclass
class Outcome:
    ok: bool
    status: int | None = None
    error: str = ""


def body(deliveries: list[Delivery]) -> bytes:
    items = [{"id": d.pk, **d.payload, "event": d.event} for d in deliveries]
    return json.dumps({"deliveries": items}, ensure_ascii=False, sort_keys=True).encode()


def post(endpoint: UnitEndpoint, deliveries: list[Delivery]) -> Outcome:
    """One HTTP POST, outside any transaction (STYLE.md: calls to outside systems after commit)."""
    data = body(deliveries)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-EnforceLink-Timestamp": timestamp,
        "X-EnforceLink-Signature": sign(endpoint.secret, timestamp, data),
    }
    request = urllib.request.Request(endpoint.url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return Outcome(200 <= response.status < 300, response.status)
    except urllib.error.HTTPError as error:
        return Outcome(False, error.code, f"HTTP {error.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return Outcome(False, None, str(getattr(error, "reason", error))[:300])


def record(held: Claim, outcome: Outcome, now: dt.datetime) -> dict[str, int]:
    """Write the outcome for the rows this worker still holds (its token): delivered, retried later
    (backoff by each row's attempts), or dead-lettered after the endpoint's `max_attempts`."""
    groups: dict[tuple[str, dt.datetime | None], list[int]] = {}
    key: tuple[str, dt.datetime | None]
    for delivery in held.deliveries:
        if outcome.ok:
            key = (DeliveryStatus.DELIVERED.value, None)
        elif delivery.attempts >= held.endpoint.max_attempts:
            key = (DeliveryStatus.DEAD.value, None)
        else:
            key = (DeliveryStatus.PENDING.value, now + backoff(delivery.attempts))
        groups.setdefault(key, []).append(delivery.pk)
    counts: dict[str, int] = {}
    for (status, next_at), ids in groups.items():
        changes: dict[str, Any] = {"status": status, "lease_until": None, "lease_token": None,
                                   "last_status": outcome.status, "last_error": outcome.error,
                                   "delivered_at": now if outcome.ok else None}  # fmt: skip
        if next_at is not None:
            changes["next_attempt_at"] = next_at
        written = Delivery.objects.filter(pk__in=ids, lease_token=held.token).update(**changes)
        counts[status] = counts.get(status, 0) + written
    return counts


def deliver_endpoint(endpoint_id: int, *, limit: int = BATCH, rounds: int | None = None) -> dict[str, int]:
    """Claim, post, record, until nothing of this endpoint is due (or `rounds` posts were made).
    Returns how many deliveries ended delivered, pending (to retry) or dead."""
    counts: dict[str, int] = {}
    done = 0
    while rounds is None or done < rounds:
        held = claim(endpoint_id, timezone.now(), limit)
        if held is None:
            break
        outcome = post(held.endpoint, held.deliveries)
        for status, count in record(held, outcome, timezone.now()).items():
            counts[status] = counts.get(status, 0) + count
        done += 1
        if not outcome.ok:
            break  # the endpoint is failing: the rest waits for its own backoff or the next pass
    return counts


def deliver_due(
    now: dt.datetime | None = None, limit: int = 500, threads: int = 1, pool: ThreadPoolExecutor | None = None
) -> dict[str, int]:
    """One pass over every endpoint with something due (a new send, a retry whose time has come, an
    expired lease): at most `limit` deliveries per endpoint, endpoints side by side on `threads`
    threads (one slow or timing-out unit does not hold up the others).

    A long-running caller (`deliver --loop`) passes its own `pool`: its threads keep their database
    connections from pass to pass (a new PostgreSQL connection is a process fork and costs more
    than a page of deliveries), and drop one only when it broke or grew old."""
    now = now or timezone.now()
    # One index probe per endpoint (there are few) rather than a DISTINCT over the whole backlog.
    endpoints = list(
        UnitEndpoint.objects.filter(Exists(Delivery.objects.filter(_due(now), endpoint=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rounds = max(1, -(-limit // BATCH))

    def one(endpoint_id: int) -> dict[str, int]:
        return deliver_endpoint(endpoint_id, limit=min(limit, BATCH), rounds=rounds)

    def kept(endpoint_id: int) -> dict[str, int]:
        close_old_connections()
        return one(endpoint_id)

    def passing(endpoint_id: int) -> dict[str, int]:
        try:
            return one(endpoint_id)
        finally:
            connections.close_all()  # the pool thread's own connection, never the caller's

    if pool is not None and len(endpoints) > 1:
        results = list(pool.map(kept, endpoints))
    elif threads > 1 and len(endpoints) > 1:
        with ThreadPoolExecutor(max_workers=threads) as passing_pool:
            results = list(passing_pool.map(passing, endpoints))
    else:
        results = [one(pk) for pk in endpoints]
    counts: dict[str, int] = {}
    for result in results:
        for status, count in result.items():
            counts[status] = counts.get(status, 0) + count
    return counts


def retry_dead(delivery: Delivery, *, actor: AuditActor) -> None:
    """An operator sends a dead-lettered delivery again (after the unit fixed its endpoint)."""
    from enforcelink.core import audit

    with transaction.atomic():
        if Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.DEAD).update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            lease_until=None,
            lease_token=None,
        ):
            audit.record(
                "delivery.retried",
                delivery,
                actor=actor,
                before={"status": "dead"},
                after={"status": "pending"},
            )


@task()
def deliver_task(endpoint_id: int) -> dict[str, int]:
    """Push what is due for one unit's endpoint (enqueued after the commit that created it)."""
    return deliver_endpoint(endpoint_id)
