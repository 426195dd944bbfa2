"""The tamper-evident trail: every write appends one hash-chained event (issue 2 §7)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from enforcelink.core import rows
from enforcelink.core.actors import AuditActor
from enforcelink.core.models import CHAIN_STRIDE, PLATFORM_CHAIN, AuditEvent, AuditHead
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
    actor: AuditActor | str | None = None
    before: Any = None
    after: Any = None
    case_id: int | None = None
    court_id: int | None = None
    object_type: str = ""
    object_id: str = ""


# The bench's baseline only (`bench audit` measures the single global head of before against
# per-court heads in the same run): every event goes to the platform chain.
_ONE_CHAIN = False


@contextmanager
def one_global_chain() -> Iterator[None]:
    """Append every event to the platform chain, as before per-court chains (benchmarks only)."""
    global _ONE_CHAIN
    previous, _ONE_CHAIN = _ONE_CHAIN, True
    try:
        yield
    finally:
        _ONE_CHAIN = previous


def chain_of(court_id: int | None) -> int:
    """The chain an event joins: its court's, or the platform's for events that belong to no court."""
    if court_id is None or _ONE_CHAIN:
        return PLATFORM_CHAIN
    if not 0 < court_id < _MAX_CHAIN:
        raise ValueError(f"court id {court_id} cannot key an audit chain")
    return court_id


# seq = chain × CHAIN_STRIDE + place: one number names an event across the whole trail (the API and
# node traces use it), the platform chain's events keep 1, 2, 3…, and a chain's events are one
# contiguous, ordered range of the unique index, which every walk below reads by.
_MAX_CHAIN = (2**63 - 1) // CHAIN_STRIDE


def chain_of_seq(seq: int) -> int:
    return seq // CHAIN_STRIDE


def chain_name(chain: int) -> str:
    return "platform" if chain == PLATFORM_CHAIN else f"court-{chain}"


def lock_heads(chains: list[int]) -> dict[int, AuditHead]:
    """Lock the heads of these chains one by one in ascending order, creating a missing one in its turn.

    One fixed order for every writer, so two transactions that each append to several chains (a
    batch across courts) cannot each hold a head the other waits for. Each head is locked (or
    inserted, which locks it too) only after every lower one: locking the existing heads first and
    inserting the missing ones after broke that order whenever a missing head was lower, or appeared
    between the two steps (a deadlock the PostgreSQL concurrency test caught). An append to one chain,
    nearly all of them, still costs one query. (A transaction that calls this twice, court B then
    court A, escapes the order: append a change's events of several courts in one `append_many`.)
    """
    heads: dict[int, AuditHead] = {}
    for chain in sorted(set(chains)):
        head = AuditHead.objects.select_for_update().filter(chain=chain).first()
        if head is None:
            # A racing first writer of the same chain makes this wait on the unique key, then do nothing.
            AuditHead.objects.bulk_create([AuditHead(chain=chain)], ignore_conflicts=True)
            head = AuditHead.objects.select_for_update().get(chain=chain)
        heads[chain] = head
    return heads


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


# The entries of a `collecting()` block, with the events handed back for them (filled in at the end).
_COLLECTED: ContextVar[list[tuple[Entry, AuditEvent]] | None] = ContextVar("audit_collected", default=None)


@contextmanager
def collecting() -> Iterator[None]:
    """Append the events of `append_many`/`record` calls inside the block in ONE `append_many` at its
    end, in call order: the heads of every chain they touch are locked once, in ascending order, after
    the rows the block locked (a calendar change whose listeners each append for their own courts).

    The events handed back inside the block get their seq and hash only at its end: nothing inside may
    use them. A block inside another joins it; an exception discards the entries (the transaction
    they belong to is rolled back)."""
    if _COLLECTED.get() is not None:
        yield
        return
    token = _COLLECTED.set([])
    try:
        yield
        collected = _COLLECTED.get() or []
    finally:
        _COLLECTED.reset(token)
    written = append_many([entry for entry, _pending in collected])
    for (_entry, pending), event in zip(collected, written, strict=True):
        pending.__dict__.update(event.__dict__)


def append_many(entries: Iterable[Entry]) -> list[AuditEvent]:
    """Append events in order, each to its court's chain, under those chains' head locks; must run
    inside the caller's transaction (inside `collecting()`, at the end of its block)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are appended inside the transaction of the change they record")
    entries = list(entries)
    collected = _COLLECTED.get()
    if collected is not None:
        pending = [AuditEvent() for _entry in entries]
        collected.extend(zip(entries, pending, strict=True))
        return pending
    if not entries:
        return []
    chains = [chain_of(entry.court_id) for entry in entries]
    heads = lock_heads(sorted(set(chains)))
    now = timezone.now()
    tips = {chain: (head.last_seq, head.last_hash) for chain, head in heads.items()}
    events: list[AuditEvent] = []
    for entry, chain in zip(entries, chains, strict=True):
        place, prev = tips[chain]
        event = _build(entry, chain * CHAIN_STRIDE + place + 1, prev, now)
        tips[chain] = (place + 1, event.hash)
        events.append(event)
    insert_rows(events)
    for chain, (place, prev) in sorted(tips.items()):
        AuditHead.objects.filter(chain=chain).update(last_seq=place, last_hash=prev)
    return events


def record(
    action: str, obj: models.Model | None = None, *, actor: AuditActor | None, **fields: Any
) -> AuditEvent:
    """Append one event: `record("case.filed", case, actor=user, after={...}, case_id=case.pk)`."""
    return append_many([Entry(action, obj, actor, **fields)])[0]


@dataclass
class Problem:
    seq: int
    kind: str  # edited | deleted | reordered | truncated | rewritten
    detail: str
    chain: int = PLATFORM_CHAIN

    def __str__(self) -> str:
        return f"{chain_name(self.chain)} chain, event #{self.seq}: {self.kind} ({self.detail})"


def _next_chain(after: int | None) -> int | None:
    """The next chain holding events: one seek in the seq index, not a scan for DISTINCT."""
    events = AuditEvent.objects.order_by("seq")
    if after is not None:
        events = events.filter(seq__gte=(after + 1) * CHAIN_STRIDE)
    first = events.values_list("seq", flat=True).first()
    return None if first is None else chain_of_seq(first)


def head_snapshot() -> dict[int, AuditHead]:
    """Every chain's head, read in one statement: each head is written in the transaction of the
    events it points to, so it names events all committed."""
    return {head.chain: head for head in AuditHead.objects.all()}


def iter_events(chunk_size: int = 5000, heads: dict[int, AuditHead] | None = None) -> Iterator[AuditEvent]:
    """Every chain of the head snapshot in turn, each in order up to its head then, a page at a time by
    keyset (seq > last). Events appended after the snapshot are not walked: a court writing during the
    walk is not taken for a tampered trail. A chain with no head is not walked (`verify` names it).

    Not `.iterator()`: on PostgreSQL that holds a server-side cursor, and a walk that stops at the
    first broken event would leave it to be closed later, inside whatever transaction runs then.
    """
    heads = head_snapshot() if heads is None else heads
    for chain, head in sorted(heads.items()):
        last, end = chain * CHAIN_STRIDE, chain * CHAIN_STRIDE + head.last_seq
        while last < end:
            rows = list(AuditEvent.objects.filter(seq__gt=last, seq__lte=end).order_by("seq")[:chunk_size])
            yield from rows
            if len(rows) < chunk_size:
                break
            last = rows[-1].seq


def verify(
    events: Iterable[AuditEvent] | None = None, heads: dict[int, AuditHead] | None = None
) -> Problem | None:
    """Walk every chain up to its head in a snapshot of the heads (`heads`, read now if not given);
    return the first edited, deleted or reordered event, or None when intact.

    `events` come in seq order, so chain by chain (as `iter_events` gives them for the same heads).
    Then events no head covers: a chain whose head row is gone, or events past their head, re-read
    after the walk (heads that moved meanwhile cover what their writers appended)."""
    heads = head_snapshot() if heads is None else heads
    unwalked = dict(heads)
    chain: int | None = None
    place, expected_prev = 0, GENESIS
    for event in events if events is not None else iter_events(heads=heads):
        if chain_of_seq(event.seq) != chain:
            if chain is not None and (problem := _check_head(chain, place, expected_prev, unwalked)):
                return problem
            chain, place, expected_prev = chain_of_seq(event.seq), 0, GENESIS
        problem = _check_link(event, chain, chain * CHAIN_STRIDE + place + 1, expected_prev)
        if problem is not None:
            return problem
        place, expected_prev = place + 1, event.hash
    if chain is not None and (problem := _check_head(chain, place, expected_prev, unwalked)):
        return problem
    for head in sorted(unwalked.values(), key=lambda head: head.chain):  # chains with no event left
        if head.last_seq:
            first = head.chain * CHAIN_STRIDE + 1
            return Problem(
                first, "deleted", f"the chain head says {head.last_seq} events, found 0", head.chain
            )
    return _check_uncovered()


def _check_uncovered() -> Problem | None:
    """Events that no head covers. Each chain's last event is read before the heads: a writer's head
    moves in the transaction of its events, so any event committed by then is under its head."""
    tops: dict[int, int] = {}
    chain = _next_chain(None)
    while chain is not None:
        in_chain = AuditEvent.objects.filter(seq__gt=chain * CHAIN_STRIDE, seq__lt=(chain + 1) * CHAIN_STRIDE)
        top = in_chain.order_by("-seq").values_list("seq", flat=True).first()
        if top is not None:
            tops[chain] = top
        chain = _next_chain(chain)
    heads = head_snapshot()
    for chain, top in sorted(tops.items()):
        head = heads.get(chain)
        if head is None:
            return Problem(top, "deleted", "the chain's head row is missing", chain)
        if top > chain * CHAIN_STRIDE + head.last_seq:
            detail = f"events past the chain head: it says {head.last_seq} events, the chain holds #{top}"
            return Problem(chain * CHAIN_STRIDE + head.last_seq + 1, "edited", detail, chain)
    return None


def _check_link(event: AuditEvent, chain: int, expected_seq: int, expected_prev: str) -> Problem | None:
    if event_hash(_hashed_fields(event), event.prev_hash) != event.hash:
        return Problem(event.seq, "edited", "its content no longer matches its hash", chain)
    if event.prev_hash != expected_prev:
        moved = AuditEvent.objects.filter(hash=event.prev_hash).values_list("seq", flat=True).first()
        if moved is not None:
            return Problem(event.seq, "reordered", f"it was chained after event #{moved}", chain)
        return Problem(expected_seq, "deleted", "the event before this point is missing", chain)
    if event.seq != expected_seq:
        return Problem(
            event.seq, "reordered", f"sequence number {event.seq} where {expected_seq} belongs", chain
        )
    return None


def _check_head(chain: int, found: int, last_hash: str, heads: dict[int, AuditHead]) -> Problem | None:
    """The end of a chain's walk (`found` events, the last hashed `last_hash`) against its head row,
    which catches deletions at the end."""
    head = heads.pop(chain, None)
    last = chain * CHAIN_STRIDE + found
    if head is None:
        return Problem(last, "deleted", "the chain's head row is missing", chain)
    if head.last_seq != found:
        return Problem(
            last + 1, "deleted", f"the chain head says {head.last_seq} events, found {found}", chain
        )
    if head.last_hash != last_hash and head.last_seq:
        return Problem(last, "edited", "the last event does not match the chain head", chain)
    return None


# Anchors: each chain's head, signed, kept by an operator outside the database. A chain rewritten from
# its genesis with every hash recomputed verifies on its own; it no longer extends its anchored head.
ANCHOR_FORMAT = "enforcelink-audit-anchor/1"
# Without ENFORCELINK_AUDIT_ANCHOR_KEY the key is SHA-256(ANCHOR_KEY_SALT + SECRET_KEY) (docs/operations.md).
ANCHOR_KEY_SALT = "enforcelink.core.audit.anchor"


class AnchorError(ValueError):
    """The anchor file is unreadable, or its signature does not match (forged, or another key)."""


def anchor_key() -> bytes:
    key = getattr(settings, "AUDIT_ANCHOR_KEY", "")
    if key:
        return str(key).encode()
    return hashlib.sha256((ANCHOR_KEY_SALT + settings.SECRET_KEY).encode()).digest()


def _signature(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(anchor_key(), canonical.encode(), hashlib.sha256).hexdigest()


def anchor() -> dict[str, Any]:
    """Every chain's head (chain, sequence number, hash), signed with HMAC-SHA256.

    The heads are read in one statement: a consistent snapshot, each head written in the same
    transaction as the events it points to."""
    heads = AuditHead.objects.order_by("chain")
    body: dict[str, Any] = {
        "format": ANCHOR_FORMAT,
        "created_at": timezone.now().astimezone(dt.UTC).isoformat(),
        "chains": [
            {
                "chain": head.chain,
                "name": chain_name(head.chain),
                "seq": head.chain * CHAIN_STRIDE + head.last_seq if head.last_seq else 0,
                "hash": head.last_hash,
            }
            for head in heads
        ],
    }
    return {**body, "signature": _signature(body)}


def read_anchor(text: str) -> list[tuple[int, int, str]]:
    """The anchored heads `(chain, seq, hash)` of a signed anchor document; AnchorError otherwise."""
    try:
        document = json.loads(text)
        body = {key: value for key, value in document.items() if key != "signature"}
        signature = document["signature"]
        heads = [(int(item["chain"]), int(item["seq"]), str(item["hash"])) for item in body["chains"]]
        if any(seq and chain_of_seq(seq) != chain for chain, seq, _hash in heads):
            raise ValueError("a head's seq outside its chain")
        known = document["format"] == ANCHOR_FORMAT
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise AnchorError(f"not an audit anchor ({error})") from None
    if not known:
        raise AnchorError(f"unknown format {document['format']!r}")
    # Bytes: compare_digest refuses a str with non-ASCII characters (TypeError) instead of saying no.
    expected = _signature(body).encode()
    if not isinstance(signature, str) or not hmac.compare_digest(signature.encode(), expected):
        raise AnchorError(
            "the signature does not match: the file was altered, forged, or signed with another key"
        )
    return heads


def check_anchor(heads: list[tuple[int, int, str]]) -> Problem | None:
    """The first chain that no longer holds its anchored head event: truncated below it, or rewritten
    or replaced (another event at that place). With an intact walk (`verify`), a chain that holds it
    extends it: every later event is chained onto it."""
    for chain, seq, digest in sorted(heads):
        if seq == 0:
            continue
        event = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
        if event is None:
            in_chain = AuditEvent.objects.filter(
                seq__gt=chain * CHAIN_STRIDE, seq__lt=(chain + 1) * CHAIN_STRIDE
            )
            now = in_chain.order_by("-seq").values_list("seq", flat=True).first()
            detail = f"anchored at #{seq}, the chain now ends at " + (f"#{now}" if now else "no event")
            return Problem(seq, "truncated", detail, chain)
        if event != digest:
            detail = (
                "the event at the anchored head has another hash: the chain was rewritten or replaced since"
            )
            return Problem(seq, "rewritten", detail, chain)
    return None
