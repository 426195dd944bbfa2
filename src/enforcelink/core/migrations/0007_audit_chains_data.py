"""Per-court audit chains (issue 13 §5), step 2 of 3: every existing event moves into its court's
chain (or the platform's, 0, when it has no court): its seq becomes chain × 10^10 + its place in the
chain, and it is re-hashed from the genesis hash, since its predecessor changes. One head row per
chain replaces the single head.

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


def split_into_chains(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditHead = apps.get_model("core", "AuditHead")
    db = schema_editor.connection.alias
    table = schema_editor.quote_name(AuditEvent._meta.db_table)
    heads: dict[int, tuple[int, str]] = {}
    old_prev = GENESIS
    fields = ["id", "seq", "created_at", "actor_id", "actor_label", "action", "object_type", "object_id",
              "case_id", "court_id", "before", "after", "prev_hash", "hash"]  # fmt: skip
    with schema_editor.connection.cursor() as cursor:
        # Old numbers go negative first: the new ones (all positive) never meet an old one in the
        # unique index, and each page is simply the next rows still negative.
        cursor.execute(f"UPDATE {table} SET seq = -seq")
    while True:
        page = AuditEvent.objects.using(db).filter(seq__lt=0).order_by("-seq")  # the old order: 1, 2, 3…
        rows = list(page.values(*fields)[:PAGE])
        updates = []
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
        if updates:
            with schema_editor.connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s", updates
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
