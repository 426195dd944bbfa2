"""Migrations 0006–0008 (issue 13 §5): the single chain's events move into per-court chains,
renumbered and re-hashed from genesis, page by page; a trail altered before the upgrade stops it."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from enforcelink.core import audit
from enforcelink.core.models import CHAIN_STRIDE, AuditEvent, AuditHead

BEFORE = ("core", "0005_calendar_version_stamp")
data_migration = importlib.import_module("enforcelink.core.migrations.0007_audit_chains_data")
COURTS = [None, 3, 5, 3, None, 5, 3, 3]


def _old_single_chain(executor: MigrationExecutor) -> None:
    """Events as the single-chain release wrote them: one sequence and one hash chain for all."""
    apps = executor.loader.project_state(BEFORE).apps
    OldEvent, OldHead = apps.get_model("core", "AuditEvent"), apps.get_model("core", "AuditHead")
    prev, at = audit.GENESIS, dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    for seq, court in enumerate(COURTS, start=1):
        row = {"seq": seq, "created_at": at + dt.timedelta(seconds=seq), "actor_id": None, "actor_label": "system",
               "action": "test.event", "object_type": "test", "object_id": str(seq), "case_id": None,
               "court_id": court, "before": None, "after": {"n": seq}}  # fmt: skip
        digest = data_migration._hash(row, seq, prev)
        OldEvent.objects.create(**row, prev_hash=prev, hash=digest)
        prev = digest
    OldHead.objects.create(pk=1, last_seq=len(COURTS), last_hash=prev)


@pytest.fixture
def executor(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    executor.loader.build_graph()
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _forward(executor: MigrationExecutor) -> None:
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_events_move_into_their_chains_in_order(executor, monkeypatch):
    monkeypatch.setattr(data_migration, "PAGE", 3)  # several pages for eight events
    _old_single_chain(executor)
    _forward(executor)
    chains: dict[int, list[tuple[int, str]]] = {}
    for event in AuditEvent.objects.order_by("seq"):
        chains.setdefault(event.seq // CHAIN_STRIDE, []).append((event.seq % CHAIN_STRIDE, event.object_id))
    assert chains == {
        0: [(1, "1"), (2, "5")],
        3: [(1, "2"), (2, "4"), (3, "7"), (4, "8")],
        5: [(1, "3"), (2, "6")],
    }
    assert {(h.chain, h.last_seq) for h in AuditHead.objects.all()} == {(0, 2), (3, 4), (5, 2)}
    assert audit.verify() is None


def test_trail_altered_before_the_upgrade_stops_it(executor):
    _old_single_chain(executor)
    apps = executor.loader.project_state(BEFORE).apps
    apps.get_model("core", "AuditEvent").objects.filter(seq=4).update(actor_label="someone else")
    with pytest.raises(RuntimeError, match="audit event #4 does not verify"):
        _forward(executor)
    AuditEvent.objects.all().delete()  # let the fixture finish the upgrade on an empty trail
