"""Benchmark the audit trail's head locks (issue 13 §5): writers of 1, 4 and 16 courts appending at
once on PostgreSQL, with one global head (the design before per-court chains) and with a head per
court, in the same run and database.

Each writer is its own process with its own connection (as the server's workers are), and appends
`--appends` events, one short transaction each (`transaction.atomic()` around `audit.record`, as an
action's write and its event). Writer i belongs to court i mod C. "One global head" runs the same
code with every event mapped to the platform chain (`audit.one_global_chain()`, kept for this
benchmark only), so the only difference between the two columns is which head row a writer locks.
Throughput = events / (last writer's end − first writer's start); latency is per transaction.

Runs in a throwaway database el_bench_<pid>_audit on the server given (dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from enforcelink.demo import benchkit

COURTS = (1, 4, 16)
TARGET_RATIO = 3.0
FIRST_COURT = 1000  # plain ids: the trail's court ids are not foreign keys


# --- inside the benchmark database (python bench/audit.py drive …) --------------------------------


def _writer(mode: str, court: int, appends: int, hold: float, start: Any, results: Any) -> None:
    from django.db import connection, connections, transaction

    from enforcelink.core import audit

    latencies = []
    try:
        with audit.one_global_chain() if mode == "global" else nullcontext():
            start.wait()
            began = time.time()
            for n in range(appends):
                t0 = time.perf_counter()
                with transaction.atomic():
                    audit.record("bench.append", None, actor="bench", object_type="bench", object_id=str(n),
                                 court_id=court, after={"n": n, "court": court})  # fmt: skip
                    if hold:  # the rest of the action, its head still locked until the commit
                        with connection.cursor() as cursor:
                            cursor.execute("SELECT pg_sleep(%s)", [hold])
                latencies.append(time.perf_counter() - t0)
            results.put({"began": began, "ended": time.time(), "latencies": latencies})
    except BaseException as exc:  # reported to the parent instead of leaving it waiting
        results.put({"error": repr(exc)})
    finally:
        connections.close_all()


def drive(mode: str, courts: int, writers: int, appends: int, hold_ms: float) -> dict[str, Any]:
    from django.db import connections, transaction

    from enforcelink.core import audit

    ids = [FIRST_COURT + c for c in range(courts)]
    with transaction.atomic():  # every head exists before the clock starts
        audit.append_many([audit.Entry("bench.warmup", object_type="bench", court_id=court) for court in ids])
    connections.close_all()  # forked writers must not share this connection
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(writers), context.Queue()
    processes = [
        context.Process(target=_writer, args=(mode, ids[i % courts], appends, hold_ms / 1000, start, results))
        for i in range(writers)
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    errors = [r["error"] for r in reports if "error" in r]
    if errors:
        raise RuntimeError(errors[0])
    latencies = sorted(x for r in reports for x in r["latencies"])
    seconds = max(r["ended"] for r in reports) - min(r["began"] for r in reports)
    return {
        "events": len(latencies),
        "seconds": seconds,
        "rate": len(latencies) / seconds,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
    }


def _inside(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcelink.config.settings")
    import django

    django.setup()
    mode, courts, writers, appends, hold_ms = (
        argv[1],
        int(argv[2]),
        int(argv[3]),
        int(argv[4]),
        float(argv[5]),
    )
    print(json.dumps(drive(mode, courts, writers, appends, hold_ms)))


# --- the orchestrator (enforcelink bench audit) ---------------------------------------------------


def _run_inside(env: dict[str, str], args: list[str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench/audit.py {' '.join(args)} failed:\n{result.stderr}{result.stdout}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


@benchkit.register(
    "audit", "audit appends/s by 16 writers in 1, 4, 16 courts: one global head vs per-court heads"
)
class Audit:
    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--writers", type=int, default=16, help="writer processes, each its own connection"
        )
        parser.add_argument("--appends", type=int, default=100, help="events each writer appends")
        parser.add_argument(
            "--hold-ms", type=float, default=5,
            help="the rest of each action after its append (server-side wait, its head still locked)",
        )  # fmt: skip
        parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")

    def run(self, options: argparse.Namespace, log: Callable[[str], None]) -> str:
        import psycopg

        info = benchkit.machine(options.postgres_url)
        name = f"el_bench_{os.getpid()}_audit"
        url = f"{options.postgres_url.rsplit('/', 1)[0]}/{name}"
        with (
            tempfile.TemporaryDirectory(prefix="el-bench-audit-") as tmp,
            psycopg.connect(options.postgres_url, autocommit=True) as admin,
        ):
            env = {**os.environ, "DATABASE_URL": url, "ENFORCELINK_HTTPS": "0", "ENFORCELINK_DEBUG": "0",
                   "ENFORCELINK_VAR_DIR": str(Path(tmp) / "var"), "ENFORCELINK_SECRET_KEY": "bench-" + "k4Wz9" * 12,
                   "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}  # fmt: skip
            admin.execute(f'CREATE DATABASE "{name}"')
            try:
                benchkit.enforcelink(["migrate", "-v", "0"], env)
                rows = []
                # The hold-time runs, then 16 courts with nothing after the append: the CPU-bound case.
                for courts, hold in [*((c, options.hold_ms) for c in COURTS), (COURTS[-1], 0.0)]:
                    figures = {}
                    for mode in ("global", "per-court"):
                        args = [
                            "drive",
                            mode,
                            str(courts),
                            str(options.writers),
                            str(options.appends),
                            str(hold),
                        ]
                        figures[mode] = _run_inside(env, args)
                        log(
                            f"{courts} courts, hold {hold} ms, {mode} head(s): {figures[mode]['rate']:,.0f} events/s"
                        )
                    rows.append((courts, hold, figures))
                started = time.perf_counter()
                verdict = benchkit.enforcelink(["audit", "verify"], env).strip().splitlines()[-1]
                audit_line = f"{verdict} ({time.perf_counter() - started:.1f} s)"
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return _markdown(options, info, rows, audit_line)


def _markdown(options: argparse.Namespace, info: dict[str, str], rows: list[tuple[int, float, dict[str, Any]]],
              audit_line: str) -> str:  # fmt: skip
    lines = []
    for courts, hold, f in rows:
        one, per = f["global"], f["per-court"]
        ratio = per["rate"] / one["rate"]
        aimed = courts == COURTS[-1] and hold == options.hold_ms
        verdict = (
            f" (aim ≥ {TARGET_RATIO:.0f}×: {'met' if ratio >= TARGET_RATIO else 'MISSED'})" if aimed else ""
        )
        lines.append(
            f"| {courts} | {hold:g} | {one['rate']:,.0f} | {one['p50_ms']:.1f} / {one['p99_ms']:.1f} | {per['rate']:,.0f} "
            f"| {per['p50_ms']:.1f} / {per['p99_ms']:.1f} | **{ratio:.1f}×**{verdict} |"
        )  # fmt: skip
    return "\n\n".join([
        "## audit",
        f"`enforcelink bench audit --writers {options.writers} --appends {options.appends} --hold-ms {options.hold_ms:g}` "
        "(PostgreSQL)",
        benchkit.machine_table(info),
        "| Courts | Hold ms | One global head: events/s | p50 / p99 ms | Per-court heads: events/s | p50 / p99 ms "
        "| Ratio |\n|---|---|---|---|---|---|---|\n" + "\n".join(lines),
        f"{options.writers} writer processes, each with its own connection, append {options.appends} events each, "
        "one transaction per event (`transaction.atomic()` around `audit.record`, then `SELECT pg_sleep(hold)`: "
        "the rest of an action after its append — its other statements, the round trips to them — during which "
        "its head stays locked until the commit; a server-side wait, so it costs the 2 cores no CPU, which real "
        "work would). Writer i belongs to court "
        "i mod C. The global-head column runs the same code with every court mapped to one chain "
        "(`audit.one_global_chain()`, the design before per-court chains). With one court both columns lock "
        "one head: the control. The last row, nothing after the append, is bound by CPU "
        f"({options.writers} Python processes and PostgreSQL on the same cores), not by the lock: the gain "
        "there is what the cores leave. PostgreSQL at its defaults (`synchronous_commit = on`), sharing the "
        f"machine's cores with the writers. Trail afterwards: {audit_line}.",
    ])  # fmt: skip


if __name__ == "__main__":
    _inside(sys.argv[1:])
