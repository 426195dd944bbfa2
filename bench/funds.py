"""`enforcelink bench funds`: the case-fund ledger at a court's real size (issue 15 §12) — 1,000,000
ledger entries over 100,000 cases on PostgreSQL: the posting rate, the balance read time whatever the
history, the statement import of 100,000 lines; and in the same run the same postings and balance
reads with django-hordak, installed only in the benchmark's own virtualenv (never a dependency of the
product), and a plain `SUM` over the entries on our own tables.

What runs, in a database of its own (`--database`, dropped and made again each run):
1. `enforcelink demo-data --cases 100000` (the region's courts; cases bulk-loaded), then
   `funds.bulk.open_missing` (their 一案一账号 and ledger accounts).
2. Single postings: `--single` receipts through `funds.actions.receipt_record`, each its own
   transaction (lock, journal, legs, balance trigger, trail entry, `payment.received` and its
   listeners, the R-FUND-04 check), on distinct cases.
3. Statement imports (`funds.receiving.statement_import`, the CSV read and checked, matched by the
   reference in the remark, posted in bulk, trailed and announced line by line): one file of 100,000
   lines for the largest court, then four rounds of one file per court with a line for each of its
   cases — 500,000 journals, 1,000,000 entries — and a file of `--hot` lines to one case, so one
   account has a long history.
4. Balance reads (`funds.queries.balance`: one row, kept by the database's trigger) of `--reads`
   random cases and of the long-history case, against a plain `SUM` over the account's entries.
5. django-hordak (in `--hordak-venv`, made with pip if missing, its own database): the same accounts
   (one liability per case, one asset for the court's custody account), `--single` postings through
   `Account.transfer_to`, the same 500,000 journals written with `bulk_create` (hordak's own database
   checks run), the long-history account, and balance reads through `Account.get_simple_balance()`
   (hordak sums the legs).
Run as `python bench/funds.py drive <json>` inside the product's benchmark database and
`<venv>/bin/python bench/_hordak.py <json>` in hordak's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from enforcelink.demo import benchkit

TARGET_READ_MS = 1.0
TARGET_IMPORT_RATE = 10_000
HERE = Path(__file__).resolve().parent


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def _stats_ms(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values) * 1000, "p95": _pct(values, 0.95) * 1000}


# --- inside the product's benchmark database ----------------------------------------------------


def _statement(path: Path, lines: list[tuple[str, str]], start: int, on: str) -> None:
    """A CSV statement: one transfer per (reference, amount)."""
    with path.open("w", encoding="utf-8") as out:
        out.write("交易日期,金额,付款人,付款账号,附言,银行流水号\n")
        for n, (reference, amount) in enumerate(lines):
            out.write(f"{on},{amount},付款人{n % 97},62220000{n:08d},执行款 {reference},BK{start + n:09d}\n")


def _amount(rng: random.Random) -> str:
    return f"{rng.randint(100, 99_999) / 100:.2f}"


def drive(options: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    from django.db import connection
    from django.db.models import Count, Sum
    from django.utils import timezone

    from enforcelink.cases.models import Case
    from enforcelink.core import events
    from enforcelink.funds import actions, bulk, queries, receiving
    from enforcelink.funds.models import AccountKind, CaseAccount, Entry, LedgerAccount
    from enforcelink.orgs.models import Court, Role, User

    rng = random.Random(options["seed"])
    figures: dict[str, Any] = {}
    # The time the listeners of other apps take (assets' budget on `payment.received`), told apart.
    listening = [0.0]
    announce = events.announce

    def timed_announce(event: str, **payload: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return announce(event, **payload)
        finally:
            listening[0] += time.perf_counter() - t0

    announce_many = events.announce_many

    def timed_announce_many(event: str, payloads: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return announce_many(event, payloads)
        finally:
            listening[0] += time.perf_counter() - t0

    events.announce = timed_announce  # type: ignore[assignment]
    events.announce_many = timed_announce_many  # type: ignore[assignment]
    started = time.perf_counter()
    bulk.open_missing()
    figures["open_accounts_s"] = time.perf_counter() - started
    courts = list(Court.objects.annotate(n=Count("cases")).filter(n__gt=0).order_by("-n", "pk"))
    clerks = {
        court.pk: User.objects.create(
            username=f"bench-clerk-{court.pk}", full_name="执行款管理员", court=court, role=Role.FUND_CLERK
        )
        for court in courts
    }
    refs: dict[int, list[tuple[int, str]]] = {court.pk: [] for court in courts}
    for case_id, court_id, reference in CaseAccount.objects.values_list(
        "case_id", "case__court_id", "reference"
    ):
        refs[court_id].append((case_id, reference))
    figures["cases"] = sum(len(found) for found in refs.values())
    biggest = courts[0]
    on = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    value_on = timezone.localdate() - dt.timedelta(days=1)

    # 2. single postings, one transaction each
    sample = rng.sample(refs[biggest.pk], min(options["single"], len(refs[biggest.pk])))
    case_of = Case.objects.in_bulk([case_id for case_id, _ref in sample])
    times = []
    listening[0] = 0.0
    for n, (case_id, _ref) in enumerate(sample):
        t0 = time.perf_counter()
        actions.receipt_record(case_of[case_id], _amount(rng), source="voluntary", value_on=value_on,
                               reference=f"SINGLE{n:07d}", actor=clerks[biggest.pk])  # fmt: skip
        times.append(time.perf_counter() - t0)
    figures["single"] = {
        "count": len(times),
        "seconds": sum(times),
        "listeners": listening[0],
        **_stats_ms(times),
    }

    # 3. statement imports
    serial = 0
    imports = []
    with tempfile.TemporaryDirectory() as folder:

        def run_file(court: Any, lines: list[tuple[str, str]], label: str) -> dict[str, Any]:
            nonlocal serial
            path = Path(folder) / f"{label}.csv"
            _statement(path, lines, serial, on)
            serial += len(lines)
            before = listening[0]
            outcome = receiving.statement_import(path, court=court, actor=clerks[court.pk])
            if outcome.errors:
                raise RuntimeError(f"{label}: {outcome.errors[:3]}")
            return {"label": label, "lines": len(lines), "booked": len(outcome.booked), "seconds": outcome.seconds,
                    "listeners": listening[0] - before}  # fmt: skip

        pool = refs[biggest.pk]
        first = [(pool[n % len(pool)][1], _amount(rng)) for n in range(options["lines"])]
        figures["import_100k"] = run_file(biggest, first, "first")
        imports.append(figures["import_100k"])
        for round_ in range(options["rounds"]):
            for court in courts:
                lines = [(reference, _amount(rng)) for _case, reference in refs[court.pk]]
                if lines:
                    imports.append(run_file(court, lines, f"round{round_}-{court.pk}"))
        hot_case, hot_ref = pool[0]
        figures["hot_import"] = run_file(biggest, [(hot_ref, "1.00")] * options["hot"], "hot")
    figures["imports"] = {
        "files": len(imports),
        "lines": sum(row["lines"] for row in imports),
        "seconds": sum(row["seconds"] for row in imports),
        "listeners": sum(row["listeners"] for row in imports),
    }
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) funds_entry, funds_ledgeraccount, funds_journal")
    figures["entries"] = Entry.objects.count()
    figures["hot_entries"] = Entry.objects.filter(
        account__case_id=hot_case, account__kind=AccountKind.CASE
    ).count()

    # 4. balance reads: ours (one row) against a plain SUM over the entries
    all_ids = [case_id for found in refs.values() for case_id, _ref in found]
    picks = rng.sample(all_ids, min(options["reads"], len(all_ids)))
    accounts = dict(
        LedgerAccount.objects.filter(case_id__in=picks, kind=AccountKind.CASE).values_list("case_id", "pk")
    )

    def timed(fn: Callable[[int], Any], ids: list[int]) -> list[float]:
        fn(ids[0])
        out = []
        for case_id in ids:
            t0 = time.perf_counter()
            fn(case_id)
            out.append(time.perf_counter() - t0)
        return out

    def plain_sum(case_id: int) -> Any:  # as direct as `queries.balance`: one fixed statement
        with connection.cursor() as cursor:
            cursor.execute("SELECT sum(amount) FROM funds_entry WHERE account_id = %s", [accounts[case_id]])
            return cursor.fetchone()[0]

    hot_account = LedgerAccount.objects.get(case_id=hot_case, kind=AccountKind.CASE).pk
    accounts[hot_case] = hot_account
    figures["read_random"] = _stats_ms(timed(queries.balance, picks))
    figures["sum_random"] = _stats_ms(timed(plain_sum, picks))
    figures["read_hot"] = _stats_ms(timed(queries.balance, [hot_case] * options["hot_reads"]))
    figures["sum_hot"] = _stats_ms(timed(plain_sum, [hot_case] * options["hot_reads"]))
    assert (
        queries.balance(hot_case)
        == -Entry.objects.filter(account_id=hot_account).aggregate(t=Sum("amount"))["t"]
    )
    return figures


def _inside(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcelink.config.settings")
    import django

    django.setup()
    print(json.dumps(drive(json.loads(argv[1])), ensure_ascii=False))


# --- the command ---------------------------------------------------------------------------------


def _fresh(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{admin_url.rsplit('/', 1)[0]}/{name}"


def _hordak_venv(path: Path, log: Callable[[str], None]) -> Path | str:
    """The benchmark's own virtualenv with django-hordak beside Django 5.2; the reason when it cannot
    be made."""
    python = path / "bin" / "python"
    if python.exists():
        return python
    log(f"making {path} with django-hordak")
    made = subprocess.run(
        [sys.executable, "-m", "venv", str(path)], capture_output=True, text=True, check=False
    )
    if made.returncode == 0:
        made = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "django>=5.2,<5.3", "django-hordak", "psycopg[binary]"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    return python if made.returncode == 0 else f"pip could not install django-hordak: {made.stderr[-500:]}"


@benchkit.register(
    "funds", "the case-fund ledger: 1M entries over 100k cases, postings, balances, statements; vs hordak"
)
class Funds:
    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--lines", type=int, default=100_000, help="lines of the first statement")
        parser.add_argument("--rounds", type=int, default=4, help="statements of every case of every court")
        parser.add_argument("--hot", type=int, default=50_000, help="receipts of the long-history case")
        parser.add_argument("--single", type=int, default=2_000, help="receipts posted one by one")
        parser.add_argument("--reads", type=int, default=10_000, help="balances read")
        parser.add_argument("--hot-reads", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--database", default="el_bench_funds")
        parser.add_argument(
            "--hordak-venv", type=Path, default=Path(tempfile.gettempdir()) / "enforcelink-bench-hordak"
        )
        parser.add_argument("--no-hordak", action="store_true")
        parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")

    def run(self, options: argparse.Namespace, log: Callable[[str], None]) -> str:
        info = benchkit.machine(options.postgres_url)
        url = _fresh(options.postgres_url, options.database)
        env = {**os.environ, "DATABASE_URL": url, "ENFORCELINK_HTTPS": "0", "ENFORCELINK_DEBUG": "0",
               "PYTHONPATH": str(HERE.parent / "src")}  # fmt: skip
        env.setdefault("ENFORCELINK_SECRET_KEY", "bench-" + "k4Wz9" * 12)
        log(f"{options.database}: migrating, loading {options.cases:,} demo cases")
        t0 = time.perf_counter()
        benchkit.enforcelink(["migrate", "-v", "0"], env)
        benchkit.enforcelink(["demo-data", "--cases", str(options.cases), "--requests", "0", "--judgments", "0",
                              "--seed", str(options.seed)], env)  # fmt: skip
        log(f"loaded in {time.perf_counter() - t0:,.0f} s; posting")
        plan = {
            key: getattr(options, key)
            for key in ("lines", "rounds", "hot", "single", "reads", "hot_reads", "seed")
        }
        ours = self._child([sys.executable, __file__, "drive", json.dumps(plan)], env, "drive")
        hordak: dict[str, Any] | str = "not run (--no-hordak)"
        if not options.no_hordak:
            python = _hordak_venv(options.hordak_venv, log)
            if isinstance(python, Path):
                log("django-hordak: the same postings and reads")
                hurl = _fresh(options.postgres_url, options.database + "_hordak")
                job = {**plan, "url": hurl, "accounts": ours["cases"], "journals": ours["imports"]["lines"]}
                try:
                    hordak = self._child([str(python), str(HERE / "_hordak.py"), json.dumps(job)],
                                         {**os.environ, "PYTHONPATH": ""}, "hordak")  # fmt: skip
                except RuntimeError as error:
                    hordak = f"could not run beside Django 5.2: {str(error)[-400:]}"
            else:
                hordak = python
        return _markdown(options, info, ours, hordak)

    def _child(self, argv: list[str], env: dict[str, str], name: str) -> dict[str, Any]:
        result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"bench/funds.py {name} failed:\n{result.stderr[-3000:]}{result.stdout[-1000:]}"
            )
        figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        return figures


def _ms(found: dict[str, float]) -> str:
    return f"{found['median']:.3f} / {found['p95']:.3f}"


def _markdown(options: argparse.Namespace, info: dict[str, str], ours: dict[str, Any], hordak: Any) -> str:
    single = ours["single"]
    first = ours["import_100k"]
    rate = first["lines"] / first["seconds"]
    total = ours["imports"]
    rows = [
        f"| Single receipt (`receipt_record`, its own transaction) | {single['count'] / single['seconds']:,.0f} receipts/s "
        f"({2 * single['count'] / single['seconds']:,.0f} entries/s); {_ms(single)} ms median / p95; "
        f"{single['listeners'] / single['count'] * 1000:.1f} ms of each in listeners | "
        + (f"{hordak['single']['count'] / hordak['single']['seconds']:,.0f} transfers/s; {_ms(hordak['single'])} ms"
           if isinstance(hordak, dict) else "—") + " |",
        f"| Statement import, {first['lines']:,} lines (read, checked, matched, posted, trailed, announced) | "
        f"**{rate:,.0f} lines/s** ({first['seconds']:.1f} s, of which {first['listeners']:.1f} s in other apps' "
        f"listeners: {first['lines'] / max(first['seconds'] - first['listeners'], 1e-9):,.0f} lines/s without them; "
        f"target ≥ {TARGET_IMPORT_RATE:,}: {'met' if rate >= TARGET_IMPORT_RATE else 'MISSED'}) | — |",
        f"| All {total['files']} statements, {total['lines']:,} lines | {total['lines'] / total['seconds']:,.0f} lines/s "
        f"({total['lines'] / max(total['seconds'] - total['listeners'], 1e-9):,.0f} without the listeners) | "
        + (f"`bulk_create` of the same journals: {hordak['bulk']['journals'] / hordak['bulk']['seconds']:,.0f} journals/s"
           if isinstance(hordak, dict) else "—") + " |",
        f"| Balance of a random case (10,000 reads) | **{_ms(ours['read_random'])} ms** · plain SUM {_ms(ours['sum_random'])} ms "
        f"({ours['sum_random']['median'] / ours['read_random']['median']:,.1f}×) | "
        + (f"{_ms(hordak['read_random'])} ms ({hordak['read_random']['median'] / ours['read_random']['median']:,.1f}×)"
           if isinstance(hordak, dict) else "—") + " |",
        f"| Balance of the case with {ours['hot_entries']:,} entries | **{_ms(ours['read_hot'])} ms** · plain SUM "
        f"{_ms(ours['sum_hot'])} ms ({ours['sum_hot']['median'] / ours['read_hot']['median']:,.0f}×) | "
        + (f"{_ms(hordak['read_hot'])} ms ({hordak['read_hot']['median'] / ours['read_hot']['median']:,.0f}×)"
           if isinstance(hordak, dict) else "—") + " |",
    ]  # fmt: skip
    worst = max(ours["read_random"]["p95"], ours["read_hot"]["p95"])
    hordak_note = (
        f"django-hordak {hordak.get('version', '')} with Django {hordak.get('django', '')} in its own virtualenv "
        f"(`{options.hordak_venv}`), its own database; {hordak['accounts']:,} accounts, "
        f"{hordak['legs']:,} legs. Hordak keeps no running balance: `get_simple_balance()` sums the account's legs."
        if isinstance(hordak, dict)
        else f"django-hordak: {hordak}. The plain SUM column stands in for it."
    )
    return "\n\n".join([
        "## funds",
        f"`enforcelink bench funds --cases {options.cases} --database {options.database}` (PostgreSQL)",
        benchkit.machine_table(info),
        f"{ours['cases']:,} cases with their 一案一账号; {ours['entries']:,} ledger entries after the run.",
        "| Measure | EnforceLink ledger | django-hordak |\n|---|---|---|\n" + "\n".join(rows),
        f"Balance read target ≤ {TARGET_READ_MS} ms whatever the history: "
        f"{'met' if worst <= TARGET_READ_MS else 'MISSED'} (worst p95 {worst:.3f} ms). Times in-process "
        "on one connection, warm: ours (`funds.queries.balance`) and the plain SUM each one fixed SQL statement, "
        "hordak through its own API. A balance is one row (`LedgerAccount.balance`, kept by the "
        "entry trigger, funds/guards.py); the plain SUM adds the account's entries by the (account, id) index. "
        "A single receipt also locks the case, writes its trail entry and runs the `payment.received` listeners "
        "(assets' budget) and the R-FUND-04 check; a statement does all of that per line, in bulk. " + hordak_note,
    ])  # fmt: skip


if __name__ == "__main__":
    _inside(sys.argv[1:])
