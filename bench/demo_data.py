"""Benchmark `enforcelink demo-data` (issue 2 §9: 1,000,000 cases in <= 5 minutes on SQLite and PostgreSQL).

Each database gets a throwaway copy (a temporary SQLite file; PostgreSQL databases el_bench_<pid>_*
on 127.0.0.1:5432, dropped afterwards), is migrated, and the generator runs in a fresh process that
reports its wall time, CPU time and peak memory. The issue names no peer to compare with, so the
reference is the naive path — `case_file` per case, the real filing action — on a small sample in
the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from enforcelink.demo import benchkit

TARGET_SECONDS = 300
TARGET_CASES = 1_000_000


@contextmanager
def sqlite_databases(workdir: Path, env: dict[str, str]) -> Iterator[tuple[str, str, Callable[[], str]]]:
    """Migrate one file, copy it for the naive run: (bulk url, naive url, size reporter)."""
    bulk, naive = workdir / "bulk.sqlite3", workdir / "naive.sqlite3"
    benchkit.enforcelink(["migrate", "-v", "0"], {**env, "DATABASE_URL": f"sqlite:///{bulk}"})
    shutil.copyfile(bulk, naive)
    yield f"sqlite:///{bulk}", f"sqlite:///{naive}", lambda: f"{bulk.stat().st_size / 2**30:.2f} GiB"


@contextmanager
def postgres_databases(admin_url: str, env: dict[str, str]) -> Iterator[tuple[str, str, Callable[[], str]]]:
    """Throwaway databases on the server: migrate one, clone it as a template for the naive run."""
    import psycopg

    base = admin_url.rsplit("/", 1)[0]
    names = (f"el_bench_{os.getpid()}_bulk", f"el_bench_{os.getpid()}_naive")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{names[0]}"')
        try:
            benchkit.enforcelink(["migrate", "-v", "0"], {**env, "DATABASE_URL": f"{base}/{names[0]}"})
            admin.execute(f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"')

            def size() -> str:
                row = admin.execute("SELECT pg_database_size(%s)", (names[0],)).fetchone()
                return f"{(row[0] if row else 0) / 2**30:.2f} GiB"

            yield f"{base}/{names[0]}", f"{base}/{names[1]}", size
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _generate(url: str, env: dict[str, str], args: list[str], stats: Path, progress: bool) -> dict[str, Any]:
    benchkit.enforcelink(
        ["demo-data", *args, "--stats", str(stats)], {**env, "DATABASE_URL": url}, capture=not progress
    )
    result: dict[str, Any] = json.loads(stats.read_text())
    return result


def _row(db: str, bulk: dict[str, Any], naive: dict[str, Any], size: str) -> str:
    rate = bulk["cases"] / bulk["seconds"]
    naive_rate = naive["cases"] / naive["seconds"]
    projected = TARGET_CASES / rate
    verdict = "met" if projected <= TARGET_SECONDS else "MISSED"
    if bulk["cases"] < TARGET_CASES:
        verdict += " (projected)"
    rss = max(bulk["peak_rss_mib"], bulk.get("generator_peak_rss_mib", 0))
    return (
        f"| {db} | {bulk['cases']:,} | {bulk['seconds']:.1f} | {bulk.get('cpu_seconds', 0):.0f} | {rate:,.0f} "
        f"| {rss:,.0f} | {size} | {naive['cases']:,} | {naive_rate:,.1f} | {rate / naive_rate:,.0f}× "
        f"| {projected:,.0f} s: {verdict} |"
    )


@benchkit.register(
    "demo-data", "enforcelink demo-data: cases/s, wall time, peak RSS, against case_file per case"
)
class DemoData:
    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--cases", type=int, default=TARGET_CASES)
        parser.add_argument("--naive-cases", type=int, default=1000, help="sample for the case_file path")
        parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
        parser.add_argument("--progress", action="store_true", help="show the generator's progress bar")

    def run(self, options: argparse.Namespace, log: Callable[[str], None]) -> str:
        env = {**os.environ, "ENFORCELINK_HTTPS": "0", "ENFORCELINK_DEBUG": "0"}
        env.setdefault("ENFORCELINK_SECRET_KEY", "bench-only-secret")
        pg = options.postgres_url if options.db in ("postgres", "both") else None
        info = benchkit.machine(pg)
        rows = []
        with tempfile.TemporaryDirectory(prefix="el-bench-") as tmp:
            workdir = Path(tmp)
            env["ENFORCELINK_VAR_DIR"] = str(workdir / "var")
            for db in ("sqlite", "postgres"):
                if options.db not in (db, "both"):
                    continue
                log(f"{db}: {options.cases:,} cases, and {options.naive_cases:,} through case_file")
                opened = (
                    sqlite_databases(workdir, env) if db == "sqlite" else postgres_databases(pg or "", env)
                )
                with opened as (bulk_url, naive_url, size):
                    common = ["--seed", str(options.seed)]
                    bulk = _generate(bulk_url, env, ["--cases", str(options.cases), *common], workdir / f"{db}.json", options.progress)  # fmt: skip
                    naive = _generate(naive_url, env, ["--cases", str(options.naive_cases), "--method", "naive", *common], workdir / f"{db}-naive.json", False)  # fmt: skip
                    rows.append(_row(db, bulk, naive, size()))
                    log(rows[-1])
        return _markdown(options, info, rows)


def _markdown(options: argparse.Namespace, info: dict[str, str], rows: list[str]) -> str:
    header = (
        "| Database | Cases | Wall s | CPU s | Cases/s | Peak RSS MiB | DB size | Naive sample "
        "| Naive cases/s | Speed-up | 1M target (≤ 300 s) |\n|---|---|---|---|---|---|---|---|---|---|---|"
    )
    return "\n\n".join(
        [
            "## demo-data",
            f"`enforcelink bench demo-data --cases {options.cases} --db {options.db} "
            f"--naive-cases {options.naive_cases} --seed {options.seed}`",
            benchkit.machine_table(info),
            header + "\n" + "\n".join(rows),
            "Wall s is the time `demo-data` measures for itself (organisations, users, cases, counters, "
            "index rebuilds and statistics; not process start or migrations). CPU s is the client side: "
            "the command plus its forked generator, not the PostgreSQL server. Peak RSS is the larger of "
            "the two processes; on SQLite it includes the 500 MB page cache the load asks for. Naive = "
            "`case_file` per case (validation, numbering, duplicate check, clocks, assignment, two audit "
            "events), the path a clerk's filing takes, timed from the first filing.",
        ]
    )
