"""Migrations 0006–0008 (issue 13 §5): the single chain's events move into per-court chains,
renumbered and re-hashed from genesis, page by page; a trail altered before the upgrade stops it."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import re

import pytest
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from enforcelink.cases.models import ProcessNode
from enforcelink.core import audit, events, numbering
from enforcelink.core.models import CHAIN_STRIDE, AuditEvent, AuditHead
from tests.factories import CourtFactory, file_case, restore_default_node_rules

BEFORE = ("core", "0005_calendar_version_stamp")
data_migration = importlib.import_module("enforcelink.core.migrations.0007_audit_chains_data")
COURTS = [None, 3, 5, 3, None, 5, 3, 3]


def _old_single_chain(
    executor: MigrationExecutor, courts=COURTS, cases=None, head_seq: int | None = None
) -> None:
    """Events as the single-chain release wrote them: one sequence and one hash chain for all."""
    apps = executor.loader.project_state(BEFORE).apps
    OldEvent, OldHead = apps.get_model("core", "AuditEvent"), apps.get_model("core", "AuditHead")
    prev, at = audit.GENESIS, dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    cases = cases or [None] * len(courts)
    for seq, (court, case) in enumerate(zip(courts, cases, strict=True), start=1):
        row = {"seq": seq, "created_at": at + dt.timedelta(seconds=seq), "actor_id": None, "actor_label": "system",
               "action": "test.event", "object_type": "test", "object_id": str(seq), "case_id": case,
               "court_id": court, "before": None, "after": {"n": seq}}  # fmt: skip
        digest = data_migration._hash(row, seq, prev)
        OldEvent.objects.create(**row, prev_hash=prev, hash=digest)
        prev = digest
    OldHead.objects.create(pk=1, last_seq=len(courts) if head_seq is None else head_seq, last_hash=prev)


@pytest.fixture
def executor(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    executor.loader.build_graph()
    yield executor
    with connection.cursor() as cursor:  # finish the upgrade on an empty trail whatever a test left
        cursor.execute("DELETE FROM core_auditevent")
        cursor.execute("DELETE FROM core_audithead")
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


def test_pages_are_read_by_keyset_not_from_the_start(executor, monkeypatch):
    """Review of §5, finding 2: each page asked again for `seq < 0`, re-reading every moved row's dead
    index entry on PostgreSQL (quadratic); a page starts below the last one read."""
    monkeypatch.setattr(data_migration, "PAGE", 3)
    _old_single_chain(executor)
    with CaptureQueriesContext(connection) as queries:
        _forward(executor)
    bounds = [
        int(found[1])
        for q in queries
        if (found := re.search(r'FROM "core_auditevent" WHERE "core_auditevent"."seq" <\s+(-?\d+)', q["sql"]))
    ]
    assert bounds == [0, -3, -6]
    assert audit.verify() is None


def test_trail_with_its_last_events_deleted_stops_it(executor):
    """Review of §5, finding 3: the old head said 7 events, 5 remained (the last two deleted); the
    migration hid it by replacing the head with fresh ones."""
    _old_single_chain(executor, courts=COURTS[:5], head_seq=7)
    with pytest.raises(RuntimeError, match="holds 5 events but its head says 7 events"):
        _forward(executor)


def test_trail_without_its_head_stops_it(executor):
    """Review of §5, finding 3: events and no old head row (deleted) do not migrate either."""
    _old_single_chain(executor, courts=COURTS[:2])
    apps = executor.loader.project_state(BEFORE).apps
    apps.get_model("core", "AuditHead").objects.all().delete()
    with pytest.raises(RuntimeError, match="holds 2 events but no head row"):
        _forward(executor)


def test_completed_clocks_name_the_same_event_after_renumbering(executor, monkeypatch):
    """Review of §5, finding 4: `ProcessNode.completed_by` ("<step>#<seq>") kept the old seq, which
    after the upgrade names another event (or none)."""
    monkeypatch.setattr(data_migration, "PAGE", 2)  # the references span pages
    # The cases are filed on the old schema: no trail of their own, the old one is written below.
    monkeypatch.setattr(audit, "append_many", lambda entries: [AuditEvent(seq=0) for _ in entries])
    # Nor the counter table core 0009 creates: their 案号 come from a plain count.
    sequences = itertools.count(1)
    monkeypatch.setattr(numbering, "next_number", lambda **_scope: next(sequences))
    restore_default_node_rules()
    court = CourtFactory()
    # Nor Case.number_key (cases 0009, which needs core 0009) and Case.performance_due_on (cases 0012),
    # which today's model reads: stand-in columns while the cases are filed, gone again before the
    # upgrade adds the real ones. Nor the ledger's tables: funds 0003 opens these cases' accounts.
    monkeypatch.delitem(events._listeners["case.filed"], "funds.accounts")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cases_case ADD COLUMN number_key varchar(64) NULL")
        cursor.execute("ALTER TABLE cases_case ADD COLUMN performance_due_on date NULL")
    case, other = file_case(court), file_case(court)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cases_case DROP COLUMN number_key")
        cursor.execute("ALTER TABLE cases_case DROP COLUMN performance_due_on")
    c = court.pk
    # Another court's chain in between: c + 1, never c itself whatever id the test database gave c.
    _old_single_chain(executor, courts=[None, c, c + 1, c, c], cases=[None, case.pk, None, case.pk, other.pk])
    first, second = ProcessNode.objects.filter(case=case).order_by("pk")[:2]
    elsewhere = ProcessNode.objects.filter(case=other).order_by("pk").first()
    ProcessNode.objects.filter(pk=first.pk).update(completed_by="case.closed#2")
    ProcessNode.objects.filter(pk=second.pk).update(completed_by="report#4")
    ProcessNode.objects.filter(pk=elsewhere.pk).update(completed_by="report#4")  # not its case's event
    monkeypatch.undo()
    _forward(executor)
    refs = dict(ProcessNode.objects.exclude(completed_by="").values_list("pk", "completed_by"))
    assert refs == {
        first.pk: f"case.closed#{c * CHAIN_STRIDE + 1}",
        second.pk: f"report#{c * CHAIN_STRIDE + 2}",
        elsewhere.pk: "report#4",
    }
    named = AuditEvent.objects.filter(seq__in=[c * CHAIN_STRIDE + 1, c * CHAIN_STRIDE + 2])
    assert sorted(named.values_list("object_id", flat=True)) == ["2", "4"]


def test_going_back_with_events_is_refused(executor):
    """Review of §5, finding 7b: the reverse was a no-op, leaving renumbered chains under the old
    single head; with events it is refused."""
    _old_single_chain(executor, courts=COURTS[:2])
    _forward(executor)
    with pytest.raises(IrreversibleError, match="cannot go back"):
        executor.loader.build_graph()
        executor.migrate([BEFORE])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row and table locks: PostgreSQL")
def test_old_writers_are_locked_out_before_renumbering(executor):
    """Review of §5, finding 7a: an old worker still appending could slip an event in between the
    renumbering and the pages; the old head row and the table are locked first."""
    _old_single_chain(executor, courts=COURTS[:2])
    with CaptureQueriesContext(connection) as queries:
        _forward(executor)
    sqls = [q["sql"] for q in queries]
    negate = next(i for i, sql in enumerate(sqls) if "SET seq = -seq" in sql)
    head = next(i for i, sql in enumerate(sqls) if "core_audithead" in sql and "FOR UPDATE" in sql)
    table = next(i for i, sql in enumerate(sqls) if sql.startswith("LOCK TABLE"))
    assert head < negate and table < negate
