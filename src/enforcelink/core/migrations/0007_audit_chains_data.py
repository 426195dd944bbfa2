"""Per-court audit chains (issue 13 §5), step 2 of 3: every existing event moves into its court's
chain (or the platform's, 0, when it has no court), renumbered from 1 and re-hashed from the genesis
hash, since each event's predecessor changes. One head row per chain replaces the single head.

The old single chain is checked as it is read: an edited, deleted or reordered event stops the
migration instead of being laundered into freshly hashed chains (run `enforcelink audit verify` on
the previous release to see it). Events are read and written a page at a time, so a large trail
needs no more memory than one page.
"""

import datetime as dt
import hashlib
import json

from django.db import migrations

GENESIS = "0" * 64
PAGE = 2000


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


def split_into_chains(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditHead = apps.get_model("core", "AuditHead")
    db = schema_editor.connection.alias
    table = schema_editor.quote_name(AuditEvent._meta.db_table)
    heads: dict[int, tuple[int, str]] = {}
    old_prev, last = GENESIS, None
    fields = ["id", "seq", "created_at", "actor_id", "actor_label", "action", "object_type", "object_id",
              "case_id", "court_id", "before", "after", "prev_hash", "hash"]  # fmt: skip
    while True:
        # Keyset on the old seq. A renumbered row's new seq (its place in its chain) is never above
        # its old one (its place in the single chain), so no page reads a row already moved.
        page = AuditEvent.objects.using(db).order_by("seq")
        if last is not None:
            page = page.filter(seq__gt=last)
        rows = list(page.values(*fields)[:PAGE])
        updates = []
        for row in rows:
            _check_old(row, old_prev)
            old_prev = row["hash"]
            chain = row["court_id"] or 0
            seq, prev = heads.get(chain, (0, GENESIS))
            digest = _hash(row, seq + 1, prev)
            heads[chain] = (seq + 1, digest)
            updates.append((chain, seq + 1, prev, digest, row["id"]))
        if updates:
            last = rows[-1]["seq"]
            with schema_editor.connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET chain = %s, seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                    updates,
                )
        if len(rows) < PAGE:
            break
    AuditHead.objects.using(db).all().delete()
    AuditHead.objects.using(db).bulk_create(
        [
            AuditHead(chain=chain, last_seq=seq, last_hash=digest)
            for chain, (seq, digest) in sorted(heads.items())
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_audit_chains_schema"),
    ]

    operations = [
        migrations.RunPython(split_into_chains, migrations.RunPython.noop, elidable=False),
    ]
