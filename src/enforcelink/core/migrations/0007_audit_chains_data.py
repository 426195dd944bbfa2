"""Per-court audit chains (issue 13 §5), step 2 of 3: every existing event moves into its court's
chain (or the platform's, 0, when it has no court): its seq becomes chain × 10^10 + its place in the
chain, and it is re-hashed from the genesis hash, since its predecessor changes. One head row per
chain replaces the single head.

The old single chain is checked as it is read: an edited, deleted or reordered event stops the
migration instead of being laundered into freshly hashed chains (run `enforcelink audit verify` on
the previous release to see it), and so does a trail that ends before its old head (its last events
deleted) or has no head. Events are read and written a page at a time, so a large trail needs no more
memory than one page. The clocks' `completed_by` ("<step>#<seq>") names the event that completed
them by seq: each is renumbered with its event, page by page.

No way back: the merged order of the old single chain is not kept (reversing is refused once any
event exists).
"""

import datetime as dt
import hashlib
import json

from django.db import migrations
from django.db.migrations.exceptions import IrreversibleError

GENESIS = "0" * 64
PAGE = 2000
STRIDE = 10**10  # core.models.CHAIN_STRIDE when this migration was written


def _hash(row, seq, prev_hash):
    # Frozen copy of core.audit.event_hash over the fields it hashed when this migration was written.
    fields = {
        "seq": seq,
        "created_at": row["created_at"].astimezone(dt.UTC).isoformat(),
        "actor_id": row["actor_id"],
        "actor_label": row["actor_label"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "case_id": row["case_id"],
        "court_id": row["court_id"],
        "before": row["before"],
        "after": row["after"],
        "prev_hash": prev_hash,
    }
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _check_old(row, expected_prev):
    if _hash(row, row["seq"], row["prev_hash"]) != row["hash"] or row["prev_hash"] != expected_prev:
        raise RuntimeError(
            f"audit event #{row['seq']} does not verify: the trail was altered before this upgrade; "
            "run `enforcelink audit verify` on the previous release and resolve it first"
        )


def _check_old_head(head, read, last_hash):
    """The old single head against what was read: events deleted at the end of the old chain leave a
    shorter chain that verifies link by link; only the head shows it."""
    says = (0, GENESIS) if head is None else (head.last_seq, head.last_hash)
    if read == 0 and says[0] == 0:
        return
    if head is None or says != (read, last_hash):
        found = "no head row" if head is None else f"its head says {head.last_seq} events"
        raise RuntimeError(
            f"the audit trail holds {read} events but {found}: events were deleted before this upgrade; "
            "run `enforcelink audit verify` on the previous release and resolve it first"
        )


def _renumber_node_refs(ProcessNode, db, moved):
    """`completed_by` of the clocks completed by this page's events ("<step>#<old seq>") gets the new seq.
    A clock names an event of its own case. Pages come in old order and a new seq is never below its old
    one outside the platform chain (nor, inside it, above any later page's), so no reference is moved twice."""
    case_ids = {case_id for _new, case_id in moved.values() if case_id is not None}
    if not case_ids:
        return
    nodes = ProcessNode.objects.using(db).filter(case_id__in=case_ids).exclude(completed_by="")
    changed = []
    for pk, case_id, ref in nodes.values_list("pk", "case_id", "completed_by"):
        step, sep, number = ref.rpartition("#")
        target = moved.get(int(number)) if sep and number.isdigit() else None
        if target is not None and target[1] == case_id:
            changed.append(ProcessNode(pk=pk, completed_by=f"{step}#{target[0]}"))
    ProcessNode.objects.using(db).bulk_update(changed, ["completed_by"])


def split_into_chains(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditHead = apps.get_model("core", "AuditHead")
    ProcessNode = apps.get_model("cases", "ProcessNode")
    db = schema_editor.connection.alias
    table = schema_editor.quote_name(AuditEvent._meta.db_table)
    heads: dict[int, tuple[int, str]] = {}
    old_prev, read = GENESIS, 0
    fields = ["id", "seq", "created_at", "actor_id", "actor_label", "action", "object_type", "object_id",
              "case_id", "court_id", "before", "after", "prev_hash", "hash"]  # fmt: skip
    # A worker of the previous release still appending would slip an event in under the renumbering:
    # it waits on the old head row (and, on PostgreSQL, on the table for a first event) until commit.
    old_head = AuditHead.objects.using(db).select_for_update().filter(pk=1).first()
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        # Old numbers go negative first: the new ones (all positive) never meet an old one in the
        # unique index.
        cursor.execute(f"UPDATE {table} SET seq = -seq")
    last = 0
    while True:
        # The old order (1, 2, 3…) by keyset on the negated number: no page re-reads the index entries
        # of rows already moved, which stay in the index until the transaction ends.
        page = AuditEvent.objects.using(db).filter(seq__lt=last).order_by("-seq")
        rows = list(page.values(*fields)[:PAGE])
        if rows:
            last = rows[-1]["seq"]
        updates, moved = [], {}
        for row in rows:
            row["seq"] = -row["seq"]
            _check_old(row, old_prev)
            old_prev = row["hash"]
            chain = row["court_id"] or 0
            place, prev = heads.get(chain, (0, GENESIS))
            seq = chain * STRIDE + place + 1
            digest = _hash(row, seq, prev)
            heads[chain] = (place + 1, digest)
            updates.append((seq, prev, digest, row["id"]))
            moved[row["seq"]] = (seq, row["case_id"])
        read += len(rows)
        if updates:
            with schema_editor.connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s", updates
                )
            _renumber_node_refs(ProcessNode, db, moved)
        if len(rows) < PAGE:
            break
    _check_old_head(old_head, read, old_prev)
    AuditHead.objects.using(db).all().delete()
    AuditHead.objects.using(db).bulk_create(
        [
            AuditHead(chain=chain, last_seq=seq, last_hash=digest)
            for chain, (seq, digest) in sorted(heads.items())
        ]
    )


def refuse_with_events(apps, schema_editor):
    """Back to the single chain only while the trail is empty (a fresh database, the tests)."""
    db = schema_editor.connection.alias
    if apps.get_model("core", "AuditEvent").objects.using(db).exists():
        raise IrreversibleError(
            "audit events cannot go back into the single chain: their merged order was not kept"
        )
    apps.get_model("core", "AuditHead").objects.using(db).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_audit_chains_schema"),
        ("cases", "0006_duplicate_lookup_index"),  # ProcessNode.completed_by names events by seq
    ]

    operations = [
        migrations.RunPython(split_into_chains, refuse_with_events, elidable=False),
    ]
