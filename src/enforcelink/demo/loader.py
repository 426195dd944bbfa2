"""Load demo data fast: generated rows go to SQLite through executemany and to PostgreSQL through COPY,
one transaction per chunk, with the audit chain extended under its head lock in the same transaction.

`case_file` per case is the real filing path and stays the reference (see `load_naive`); this bulk path
writes the same rows it would, a million cases in minutes instead of hours.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import pickle
import random
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from multiprocessing.connection import Connection
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from enforcelink.cases.actions import CaseFiling, PartyInput, case_file, counter_kind
from enforcelink.cases.clocks import rules_for
from enforcelink.cases.models import Assignment, Case, Party, ProcessNode
from enforcelink.core import numbering
from enforcelink.core.audit import chain_of, event_hash, lock_heads
from enforcelink.core.calendar import HolidayTable, holiday_table, is_working_day, use_table
from enforcelink.core.models import CHAIN_STRIDE, AuditEvent, AuditHead
from enforcelink.demo.generator import COLUMNS, CaseGenerator, Chunk, CourtGen, Dialect, node_specs
from enforcelink.demo.identities import IdentityFactory
from enforcelink.demo.world import World, build_world
from enforcelink.funds import bulk as funds_bulk

MODELS: dict[str, type[models.Model]] = {
    "case": Case,
    "party": Party,
    "node": ProcessNode,
    "assignment": Assignment,
    "event": AuditEvent,
}
EVENT_COLUMNS = (
    "seq", "created_at", "actor_id", "actor_label", "action", "object_type", "object_id", "case_id",
    "court_id", "before", "after", "prev_hash", "hash",
)  # fmt: skip


@dataclass
class LoadResult:
    cases: int
    seconds: float
    skipped: bool = False
    stats: dict[str, Any] = field(default_factory=dict)


class Table:
    """An INSERT/COPY target: the generator's columns plus every other column at its default."""

    def __init__(self, model: type[models.Model], attnames: Sequence[str], dialect: Dialect) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.name = model._meta.db_table
        self.columns = [fields[name].column for name in attnames]
        tail_columns, tail = [], []
        for attname, model_field in fields.items():
            if attname in attnames or model_field.primary_key or model_field.generated:
                continue  # a generated column (Case.number_key) is the database's to fill
            tail_columns.append(model_field.column)
            tail.append(_default_text(model_field, dialect))
        self.columns += tail_columns
        self.tail = tuple(tail)

    def rows(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]] | Iterator[tuple[Any, ...]]:
        tail = self.tail
        return rows if not tail else (row + tail for row in rows)


def _default_text(model_field: models.Field[Any, Any], dialect: Dialect) -> str | None:
    """A column the generator does not fill gets the model default, written as text (new fields)."""
    if model_field.has_default():
        value = model_field.get_default()
    elif model_field.null:
        value = None
    elif isinstance(model_field, models.DateTimeField) and (model_field.auto_now or model_field.auto_now_add):
        value = timezone.now().astimezone(dt.UTC).replace(tzinfo=None)
    else:
        raise RuntimeError(f"{model_field} needs a value: teach the demo generator about it")
    if value is None:
        return dialect.null
    if isinstance(model_field, models.JSONField):
        return json.dumps(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}{dialect.ts_suffix}"
    return str(value)


class Sink:
    """Writes rows with the fastest path the database offers."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.dialect = (
            Dialect(null="\\N", ts_suffix="+00") if self.vendor == "postgresql" else Dialect(None, "")
        )
        attnames = {**COLUMNS, "event": EVENT_COLUMNS}
        self.tables = {key: Table(MODELS[key], attnames[key], self.dialect) for key in MODELS}

    def write(self, key: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        table = self.tables[key]
        columns = ", ".join(f'"{column}"' for column in table.columns)
        if self.vendor == "postgresql":
            text = "".join("\t".join(row) + "\n" for row in table.rows(rows))
            with (
                connection.cursor() as cursor,
                cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy,
            ):
                copy.write(text.encode())
            return
        marks = ", ".join("?" * len(table.columns))
        raw = connection.connection
        raw.executemany(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', table.rows(rows))


@contextmanager
def bulk_session() -> Iterator[None]:
    """Settings for a bulk load: no fsync per chunk (SQLite), no commit wait (PostgreSQL), and no
    cyclic garbage collection, whose full passes over millions of live row tuples cost more than the
    load itself (the rows are acyclic and freed by reference counting)."""
    connection.ensure_connection()
    gc.disable()
    # Inside the caller's transaction (tests) SQLite refuses to change these: then load as is.
    tune = not connection.in_atomic_block
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite" and tune:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-500000")  # 500 MB of page cache for the indexes
            cursor.execute("PRAGMA temp_store=MEMORY")
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        gc.enable()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite" and tune:
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA optimize")
            elif connection.vendor == "postgresql":
                cursor.execute("SET synchronous_commit TO DEFAULT")


@contextmanager
def deferred_indexes(enabled: bool) -> Iterator[None]:
    """PostgreSQL: the loaded tables' plain secondary indexes are dropped for a big load and built
    again afterwards, one sort each instead of millions of B-tree insertions by the single backend
    that does the COPY. Indexes that back a constraint (primary keys, unique) stay."""
    if not enabled or connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    tables = [model._meta.db_table for model in MODELS.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema()"
            " AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
            " WHERE c.conname = i.indexname AND c.connamespace = to_regnamespace(i.schemaname))",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem TO '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)


def chain(events: list[tuple[Any, ...]], tips: dict[int, tuple[int, str]], null: str | None) -> list[tuple[Any, ...]]:  # fmt: skip
    """Number and hash-chain the chunk's events exactly as `core.audit` does (issue 2 §7), each onto
    its court's chain; `tips` (chain → events in it and the last hash) is advanced in place.

    `before`/`after` arrive as compact, key-sorted JSON, so the hash input is assembled as text
    instead of re-serialising every event; the first event of each chunk is checked against
    `audit.event_hash` so a change in the audit module cannot go unnoticed.
    """
    rows: list[tuple[Any, ...]] = []
    for created_at, created_iso, actor_id, label, action, case_id, court_id, before, after in events:
        chain_key = chain_of(court_id)
        place, prev = tips[chain_key]
        seq = chain_key * CHAIN_STRIDE + place + 1
        payload = (
            f'{{"action":"{action}","actor_id":{actor_id},"actor_label":{json.dumps(label)},"after":{after},'
            f'"before":{before or "null"},"case_id":{case_id},"court_id":{court_id},"created_at":"{created_iso}",'
            f'"object_id":"{case_id}","object_type":"cases.case","prev_hash":"{prev}","seq":{seq}}}'
        )
        digest = hashlib.sha256(payload.encode()).hexdigest()
        if not rows:
            _check_hash(digest, events[0], seq, prev)
        escaped = after.replace("\\", "\\\\") if null is not None else after  # COPY text: double backslashes
        rows.append((str(seq), created_at, str(actor_id), label, action, "cases.case", str(case_id), str(case_id), str(court_id), before or null, escaped, prev, digest))  # fmt: skip
        tips[chain_key] = (place + 1, digest)
    return rows


def _check_hash(digest: str, event: tuple[Any, ...], seq: int, prev: str) -> None:
    _at, created_iso, actor_id, label, action, case_id, court_id, before, after = event
    fields = {
        "seq": seq,
        "created_at": created_iso,
        "actor_id": actor_id,
        "actor_label": label,
        "action": action,
        "object_type": "cases.case",
        "object_id": str(case_id),
        "case_id": case_id,
        "court_id": court_id,
        "before": json.loads(before) if before else None,
        "after": json.loads(after),
    }
    if event_hash(fields, prev) != digest:
        raise RuntimeError(
            "demo events would not verify: the audit hash input changed, update demo.loader.chain"
        )


def write_chunk(sink: Sink, chunk: Chunk) -> None:
    with transaction.atomic():
        heads = lock_heads(sorted({chain_of(event[6]) for event in chunk.events}))
        tips = {key: (head.last_seq, head.last_hash) for key, head in heads.items()}
        events = chain(chunk.events, tips, sink.dialect.null)
        for key in ("case", "party", "node", "assignment"):
            sink.write(key, chunk.rows[key])
        sink.write("event", events)
        for chain_key, (seq, prev) in sorted(tips.items()):
            AuditHead.objects.filter(chain=chain_key).update(last_seq=seq, last_hash=prev)


def _produce(generator: CaseGenerator, pipe: Connection, table: HolidayTable) -> None:
    """The forked generator: chunks go to the parent pickled; then the final counters and figures."""
    gc.disable()
    # Working days come from the parent's holiday table, held: left to itself the child would check
    # the stored version every 30 s through the connection it inherited, whose socket the parent is
    # using for COPY at that moment (a 1,000,000-case load died of it, or hung).
    use_table(table, hold=True)
    try:
        for chunk in generator.chunks():
            pipe.send_bytes(pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL))
        pipe.send_bytes(pickle.dumps(("done", generator.counters, generator.stats)))
    except BaseException:  # report everything: the parent must not wait for chunks that never come
        pipe.send_bytes(pickle.dumps(("error", traceback.format_exc(), None)))
    finally:
        pipe.close()


def forked_chunks(generator: CaseGenerator) -> Iterator[Chunk]:
    """Generate in a child process (it never touches the database) while the caller writes: the two
    halves of the work then use both cores. The pipe holds back the child when the writer is behind,
    so at most a chunk or two is in memory."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_produce, args=(generator, sender, holiday_table()), daemon=True)
    child.start()
    sender.close()
    try:
        while True:
            item = pickle.loads(receiver.recv_bytes())
            if isinstance(item, Chunk):
                yield item
                continue
            kind, payload, stats = item
            if kind == "error":
                raise RuntimeError(f"demo case generator failed:\n{payload}")
            generator.counters, generator.stats = payload, stats
            return
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _court_generators(world: World) -> tuple[list[CourtGen], list[float]]:
    courts, weights = [], []
    for staff in world.courts:
        if not staff.officers or staff.clerk is None:
            continue
        threshold = int(Decimal(staff.court.small_claim_threshold) * 100)
        specs = node_specs(rules_for(staff.court.pk))
        courts.append(CourtGen(staff.court, staff.clerk, staff.officers, specs, threshold))
        weights.append(staff.weight)
    return courts, weights


def _save_counters(counters: dict[tuple[int, str, int], int]) -> None:
    """R-ID-03: the counters continue after the highest generated sequence."""
    with transaction.atomic():
        numbering.raise_all(
            {
                (court_id, counter_kind(type_code), year): last
                for (court_id, type_code, year), last in counters.items()
            }
        )


def _finish() -> None:
    """Identity sequences move past the explicit case ids; fresh statistics for the planner."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Case]):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            for model in MODELS.values():
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def load(
    *,
    cases: int,
    seed: int,
    as_of: dt.date | None = None,
    if_empty: bool = False,
    chunk_size: int = 10_000,
    progress: Callable[[int], object] | None = None,
    parallel: bool | None = None,
    all_nodes: bool = False,
) -> LoadResult:
    """Create the demo region and `cases` cases; deterministic for the same seed and `as_of`.

    `parallel` (default: from 20,000 cases) generates in a forked process while this one writes.
    """
    started = time.perf_counter()
    if if_empty and Case.objects.exists():
        return LoadResult(0, 0.0, skipped=True)
    with transaction.atomic():
        world = build_world(seed)
    courts, weights = _court_generators(world)
    sink = Sink()
    counters = {
        (court_id, kind.removeprefix("case:"), year): last
        for (court_id, kind, year), last in numbering.last_numbers("case:").items()
    }
    first_id = (Case.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    generator = CaseGenerator(
        courts, weights, cases=cases, seed=seed, as_of=as_of or timezone.localdate(),
        first_id=first_id, counters=counters, dialect=sink.dialect, chunk_size=chunk_size, all_nodes=all_nodes,
    )  # fmt: skip
    big = parallel if parallel is not None else cases >= 20_000
    with bulk_session(), deferred_indexes(big):
        chunks = forked_chunks(generator) if big else generator.chunks()
        for chunk in chunks:
            write_chunk(sink, chunk)
            if progress is not None:
                progress(chunk.cases)
    _save_counters(generator.counters)
    # The bulk load announces no `case.filed`: the ledger opens the cases' accounts (一案一账号) and
    # books their recovered amounts as opening journals, so 执行到位金额 reads from it (R-FUND-03).
    funds_bulk.open_missing()
    _finish()
    return LoadResult(cases, time.perf_counter() - started, stats={"users_and_orgs_events": world.created, **generator.stats})  # fmt: skip


def load_naive(*, cases: int, seed: int, as_of: dt.date | None = None, progress: Callable[[int], object] | None = None) -> LoadResult:  # fmt: skip
    """The reference path: `case_file` per case (validation, numbering, nodes, assignment, trail).
    Timed from the first filing: the organisations are not what is compared."""
    with transaction.atomic():
        world = build_world(seed)
    started = time.perf_counter()
    courts, weights = _court_generators(world)
    today = as_of or timezone.localdate()
    rng = random.Random(seed)
    people = IdentityFactory(rng, seed, today)
    days = [d for d in (today - dt.timedelta(days=n) for n in range(3 * 365)) if is_working_day(d)]
    for index in range(cases):
        court = rng.choices(courts, weights)[0]
        applicant, debtor = people.person(), people.company()
        filing = CaseFiling(
            court=court.court,
            filed_on=rng.choice(days),
            basis_type="judgment",
            basis_body=court.court.name,
            basis_number=f"（2023）{court.court.code}民初{seed}{index:07d}号",
            parties=[
                PartyInput(
                    role="applicant", kind="person", name=applicant.name, id_number=applicant.id_number
                ),
                PartyInput(role="respondent", kind="organisation", name=debtor.name, id_number=debtor.uscc),
            ],
            principal=f"{rng.randint(1000, 500000)}.00",
        )
        case_file(filing, actor=court.clerk)
        if progress is not None:
            progress(1)
    return LoadResult(cases, time.perf_counter() - started)
