"""The tamper-evident trail: every write appends one hash-chained event (issue 2 §7)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from enforcelink.core import rows
from enforcelink.core.models import AuditEvent, AuditHead
from enforcelink.core.rows import insert_rows

GENESIS = "0" * 64


_PLAIN = (str, int, bool, float, type(None))


class _NotPlain(Exception):
    pass


def _copy(value: Any) -> Any:
    """A copy of JSON made of dicts with str keys, lists, strings, numbers, booleans and None —
    what the column gives back for it; anything else raises _NotPlain."""
    kind = type(value)
    if kind in _PLAIN:
        if kind is float and value != value:  # NaN: JSON has none
            raise _NotPlain
        return value
    if kind is dict:
        copied = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            copied[key] = _copy(item)
        return copied
    if kind is list:
        return [_copy(item) for item in value]
    raise _NotPlain


def jsonable(value: Any) -> Any:
    """Normalise Decimals, dates and the like the way the JSON column will give them back. Plain JSON
    (most of the trail: statuses, names, numbers) is copied as it is, without the round trip
    through text (an event's data, before and after: three round trips per request written)."""
    try:
        return _copy(value)
    except (_NotPlain, RecursionError):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def event_hash(fields: dict[str, Any], prev_hash: str) -> str:
    payload = json.dumps(
        {**fields, "prev_hash": prev_hash}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": event.case_id,
        "court_id": event.court_id,
        "before": event.before,
        "after": event.after,
    }


@dataclass
class Entry:
    action: str
    obj: models.Model | None = None
    actor: Any = None
    before: Any = None
    after: Any = None
    case_id: int | None = None
    court_id: int | None = None
    object_type: str = ""
    object_id: str = ""


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.bulk_create([AuditHead(pk=1)], ignore_conflicts=True)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def _build(entry: Entry, seq: int, prev_hash: str, now: Any) -> AuditEvent:
    obj = entry.obj
    actor = entry.actor if getattr(entry.actor, "pk", None) else None
    if actor is not None and not isinstance(actor, AuditEvent.actor.field.related_model):
        raise TypeError(f"an audit actor is a user or a label, not {type(actor).__name__}")
    event = rows.new(
        AuditEvent,
        seq=seq,
        created_at=now,
        actor_id=actor.pk if actor is not None else None,
        actor_label=getattr(actor, "username", "") or (str(entry.actor) if entry.actor else "system"),
        action=entry.action,
        object_type=entry.object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=entry.object_id or (str(obj.pk) if obj is not None else ""),
        case_id=entry.case_id,
        court_id=entry.court_id,
        before=jsonable(entry.before),
        after=jsonable(entry.after),
        prev_hash=prev_hash,
    )
    event.hash = event_hash(_hashed_fields(event), prev_hash)
    return event


def append_many(entries: Iterable[Entry]) -> list[AuditEvent]:
    """Append events in order under the chain-head lock; must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are appended inside the transaction of the change they record")
    head = _lock_head()
    now = timezone.now()
    events: list[AuditEvent] = []
    seq, prev = head.last_seq, head.last_hash
    for entry in entries:
        seq += 1
        event = _build(entry, seq, prev, now)
        prev = event.hash
        events.append(event)
    if events:
        insert_rows(events)
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    return events


def record(action: str, obj: models.Model | None = None, *, actor: Any, **fields: Any) -> AuditEvent:
    """Append one event: `record("case.filed", case, actor=user, after={...}, case_id=case.pk)`."""
    return append_many([Entry(action, obj, actor, **fields)])[0]


@dataclass
class Problem:
    seq: int
    kind: str  # edited | deleted | reordered | truncated
    detail: str

    def __str__(self) -> str:
        return f"event #{self.seq}: {self.kind} ({self.detail})"


def iter_events(chunk_size: int = 5000) -> Iterator[AuditEvent]:
    """The whole chain in order, a page at a time by keyset (seq > last).

    Not `.iterator()`: on PostgreSQL that holds a server-side cursor, and a walk that stops at the
    first broken event would leave it to be closed later, inside whatever transaction runs then.
    """
    last: int | None = None
    while True:
        page = AuditEvent.objects.order_by("seq")
        if last is not None:
            page = page.filter(seq__gt=last)
        rows = list(page[:chunk_size])
        yield from rows
        if len(rows) < chunk_size:
            return
        last = rows[-1].seq


def verify(events: Iterable[AuditEvent] | None = None) -> Problem | None:
    """Walk the chain; return the first edited, deleted or reordered event, or None when intact."""
    expected_seq, expected_prev = 1, GENESIS
    for event in events if events is not None else iter_events():
        if event_hash(_hashed_fields(event), event.prev_hash) != event.hash:
            return Problem(event.seq, "edited", "its content no longer matches its hash")
        if event.prev_hash != expected_prev:
            moved = AuditEvent.objects.filter(hash=event.prev_hash).values_list("seq", flat=True).first()
            if moved is not None:
                return Problem(event.seq, "reordered", f"it was chained after event #{moved}")
            return Problem(expected_seq, "deleted", "the event before this point is missing")
        if event.seq != expected_seq:
            return Problem(
                event.seq, "reordered", f"sequence number {event.seq} where {expected_seq} belongs"
            )
        expected_seq, expected_prev = expected_seq + 1, event.hash
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != expected_seq - 1:
        return Problem(
            expected_seq, "deleted", f"the chain head says {head.last_seq} events, found {expected_seq - 1}"
        )
    if head is not None and head.last_hash != expected_prev and head.last_seq:
        return Problem(expected_seq - 1, "edited", "the last event does not match the chain head")
    return None
