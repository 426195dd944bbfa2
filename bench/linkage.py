"""Benchmark the linkage platform end to end (issue 4 §10): 10,000 cases × 13 units = 130,000
assistance requests fanned out, pushed to simulated agencies over loopback HTTP, answered through
the machine API and recorded, on PostgreSQL, with 5% faults and one delivery worker killed mid-run.

What runs, each in its own process, against a throwaway database el_bench_<pid>_linkage:
- the platform (`enforcelink serve`: granian, the production server);
- 13 simulated agencies (`enforcelink simulate agencies --webhooks --batch`), one per unit, each
  with its webhook receiver; 5% of requests get a reply fault (duplicate, late or dropped reply) and
  5% of pushes fail (503, or held past the webhook timeout);
- two delivery workers (`enforcelink deliver --loop`); one is killed with SIGKILL when a third of
  the requests are out, and is not replaced;
- the courts: this file run as `python bench/linkage.py drive` (`--drivers` processes, each with
  whole courts of its own), sending the cases in batches of `--chunk` through `requests_batch` (the
  action behind the officer's one-click fan-out).

Figures are read from the database afterwards: throughput = requests / (last recorded reply − first
send), send→recorded-reply percentiles, lost (sent, never answered), duplicated effects (a request
with more than one answer event or receipt). The reference in the same run is the one-request-per-
transaction path (`request_create` + `request_send`, and the single-reply endpoint), and the old
design that rendered each notice's PDF and DOCX inside the send.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from enforcelink.demo import benchkit

TARGET_RATE = 1000
UNITS = 13
PURPOSE = "查明被执行人财产状况以便执行"
BASIS = "《中华人民共和国民事诉讼法》第二百五十三条"
# The benchmark's 13 units, at the municipal level so that every court's directory holds them
# (a city-level bank serves a district court): (unit type, name).
BENCH_UNITS = (
    ("bank", "基准测试·中国工商银行重庆市分行"),
    ("bank", "基准测试·中国建设银行重庆市分行"),
    ("bank", "基准测试·中国农业银行重庆市分行"),
    ("bank", "基准测试·重庆农村商业银行"),
    ("real_estate", "基准测试·重庆市不动产登记中心"),
    ("vehicle", "基准测试·重庆市车辆管理所"),
    ("market", "基准测试·重庆市市场监督管理局"),
    ("tax", "基准测试·国家税务总局重庆市税务局"),
    ("housing_fund", "基准测试·重庆市住房公积金管理中心"),
    ("social_security", "基准测试·重庆市社会保险局"),
    ("police", "基准测试·重庆市公安局"),
    ("civil_affairs", "基准测试·重庆市民政局"),
    ("telecom", "基准测试·中国移动重庆公司"),
)


# --- inside the benchmark database (python bench/linkage.py setup|drive|reference) ----------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcelink.config.settings")
    import django

    django.setup()


def _inquiry(unit: Any) -> str:
    """The unit's first inquiry on its responsibility list that needs no approval."""
    from enforcelink.linkage import queries

    entries = queries.responsibility_list(unit)
    return next(
        kind
        for kind, entry in sorted(entries.items())
        if kind.startswith("inquire_") and not entry.needs_approval
    )


def setup(cases: int) -> dict[str, Any]:
    """The 13 units (city level), and which open cases each court's officer sends."""
    from django.db import transaction

    from enforcelink.cases.models import Case
    from enforcelink.orgs.models import LinkageUnit, Region, Role, User

    city = Region.objects.filter(parent__isnull=True).order_by("pk").first()
    if city is None:
        raise SystemExit("no region: load the demo data first")
    with transaction.atomic():
        units = [
            LinkageUnit.objects.get_or_create(name=name, defaults={"unit_type": kind, "region": city, "active": True})[0]
            for kind, name in BENCH_UNITS
        ]  # fmt: skip
    plan: dict[int, list[int]] = {}
    for court_id, case_id in Case.objects.open().order_by("pk").values_list("court_id", "pk")[:cases]:
        plan.setdefault(court_id, []).append(case_id)
    found = sum(len(ids) for ids in plan.values())
    if found < cases:
        raise SystemExit(f"only {found} open cases: load more demo data")
    actors = {
        court_id: User.objects.filter(court_id=court_id, role=Role.OFFICER, is_active=True).order_by("pk").first().pk  # type: ignore[union-attr]
        for court_id in plan
    }  # fmt: skip
    return {
        "units": [u.pk for u in units],
        "types": [_inquiry(u) for u in units],
        "plan": plan,
        "actors": actors,
    }


def share(plan: dict[str, list[int]], index: int, drivers: int) -> dict[str, list[int]]:
    """Driver `index`'s courts: whole courts (each has its own notice-number counter), balanced by
    size, largest first."""
    loads = [0] * drivers
    mine: dict[str, list[int]] = {}
    for court_id, ids in sorted(plan.items(), key=lambda item: -len(item[1])):
        taker = loads.index(min(loads))
        loads[taker] += len(ids)
        if taker == index:
            mine[court_id] = ids
    return mine


def drive(spec: dict[str, Any], chunk: int, index: int = 0, drivers: int = 1) -> dict[str, Any]:
    """The court's side: every case of this driver's courts to the 13 units, `chunk` cases per
    transaction, as the officers of several courts sending at once."""
    from django.db import connection

    from enforcelink.cases.models import Case
    from enforcelink.linkage import actions
    from enforcelink.orgs.models import LinkageUnit, User

    units = {u.pk: u for u in LinkageUnit.objects.filter(pk__in=spec["units"])}
    asks = [(units[pk], kind) for pk, kind in zip(spec["units"], spec["types"], strict=True)]
    started = time.time()
    sent = 0
    for court_id, ids in share(spec["plan"], index, drivers).items():
        actor = User.objects.select_related("court__region").get(pk=spec["actors"][str(court_id)])
        for start in range(0, len(ids), chunk):
            cases = list(Case.objects.filter(pk__in=ids[start : start + chunk]).order_by("pk"))
            pairs = [(case, actions.Ask(unit, kind, PURPOSE, BASIS)) for case in cases for unit, kind in asks]
            sent += len(actions.requests_batch(pairs, actor=actor))
            print(json.dumps({"sent": sent}), flush=True)
    connection.close()
    return {"sent": sent, "started": started, "finished": time.time()}


def reference(spec: dict[str, Any], count: int, eager: int) -> dict[str, Any]:
    """The same work one request per transaction, and the old design's eager notice rendering."""
    from enforcelink.cases.models import Case
    from enforcelink.documents.actions import document_issue
    from enforcelink.linkage import actions, policy
    from enforcelink.orgs.models import LinkageUnit, User

    court_id, ids = next(iter(spec["plan"].items()))
    actor = User.objects.select_related("court__region").get(pk=spec["actors"][str(court_id)])
    unit = LinkageUnit.objects.get(pk=spec["units"][0])
    cases = list(Case.objects.filter(pk__in=ids[-count:]))
    started = time.perf_counter()
    for case in cases:
        draft = actions.request_create(case, actions.Ask(unit, spec["types"][0], PURPOSE, BASIS), actor=actor)
        actions.request_send(draft, actor=actor)
    single = len(cases) / (time.perf_counter() - started)
    started = time.perf_counter()
    for case in cases[:eager]:
        document_issue(case, kind="assistance_notice", actor=actor, variant=policy.NOTICE_VARIANTS.get(spec["types"][0], ""),
                       extra={"addressee": unit.name, "measure": PURPOSE, "legal_basis": BASIS})  # fmt: skip
    rendered = eager / (time.perf_counter() - started)
    return {"single_send_per_s": single, "eager_notice_per_s": rendered, "count": len(cases), "eager": eager}


def _inside(argv: list[str]) -> None:
    _django()
    command, path = argv[0], Path(argv[1])
    if command == "setup":
        result = setup(int(argv[2]))
    elif command == "drive":
        index, drivers = int(argv[3]), int(argv[4])
        result = drive(json.loads(path.read_text()), int(argv[2]), index, drivers)
        path = path.with_suffix(f".drive{index}.json")
    else:
        result = reference(json.loads(path.read_text()), int(argv[2]), int(argv[3]))
        path = path.with_suffix(".reference.json")
    if command == "setup":
        path.write_text(json.dumps(result))
    else:
        path.write_text(json.dumps(result))


# --- the orchestrator (enforcelink bench linkage) -------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(url: str, seconds: float = 60) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


# Only the benchmark's units ({units}): the demo data has requests of its own.
SQL = {
    "requests": "SELECT count(*) FROM linkage_assistancerequest WHERE unit_id IN ({units})",
    "sent": "SELECT count(*) FROM linkage_assistancerequest WHERE sent_at IS NOT NULL AND unit_id IN ({units})",
    "answered": "SELECT count(*) FROM linkage_assistancerequest WHERE completed_at IS NOT NULL AND unit_id IN ({units})",
}
FIGURES = """
SELECT min(sent_at), max(completed_at),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - sent_at)),
       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - sent_at)),
       max(extract(epoch FROM completed_at - sent_at))
FROM linkage_assistancerequest WHERE completed_at IS NOT NULL AND unit_id IN ({units})
"""
DUPLICATES = {
    "answer events": """SELECT count(*) FROM (SELECT request_id FROM linkage_requestevent
        WHERE kind IN ('completed', 'rejected', 'returned') GROUP BY request_id HAVING count(*) > 1) d""",
    "receipts": """SELECT count(*) FROM (SELECT request_id FROM linkage_replyreceipt
        GROUP BY request_id HAVING count(*) > 1) d""",
    "sent deliveries": """SELECT count(*) FROM (SELECT request_id FROM linkage_delivery
        WHERE event = 'request.sent' GROUP BY request_id HAVING count(*) > 1) d""",
}
DELIVERIES = "SELECT status, count(*), sum(attempts) FROM linkage_delivery GROUP BY status ORDER BY status"


class Run:
    """The processes of one run; everything is stopped on the way out."""

    def __init__(self, env: dict[str, str], workdir: Path, log: Callable[[str], None]) -> None:
        self.env, self.workdir, self.log = env, workdir, log
        self.processes: dict[str, subprocess.Popen[str]] = {}

    def start(self, name: str, args: list[str], **extra: Any) -> subprocess.Popen[str]:
        out = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen([sys.executable, *args], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                   text=True, start_new_session=True, **extra)  # fmt: skip
        self.processes[name] = process
        return process

    def enforcelink(self, name: str, args: list[str]) -> subprocess.Popen[str]:
        return self.start(name, ["-m", "enforcelink.cli", *args])

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _cpu_by_session() -> dict[int, float]:
    """CPU seconds (user + system) of every live process, summed per session id."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        session, user, system = int(fields[3]), int(fields[11]), int(fields[12])
        found[session] = found.get(session, 0.0) + (user + system) / tick
    return found


def _machine_cpu() -> float:
    """CPU seconds spent by the whole machine since boot (all cores, not idle)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _run_inside(env: dict[str, str], args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench/linkage.py {' '.join(args)} failed:\n{result.stderr}{result.stdout}")


def _driver_sent(path: Path) -> int:
    """The last `{"sent": n}` a driver printed."""
    try:
        lines = path.read_bytes()[-200:].splitlines()
    except OSError:
        return 0
    for line in reversed(lines):
        try:
            return int(json.loads(line)["sent"])
        except (ValueError, KeyError, TypeError):
            continue
    return 0


def _one(conn: Any, sql: str) -> Any:
    row = conn.execute(sql).fetchone()
    return row[0] if row else None


@benchkit.register(
    "linkage",
    "130,000 requests fanned out, pushed, answered by simulators: throughput, p50/p99, lost, duplicated",
)
class Linkage:
    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--cases", type=int, default=10_000)
        parser.add_argument(
            "--demo-cases", type=int, default=110_000, help="demo cases loaded first (most are closed)"
        )
        parser.add_argument("--chunk", type=int, default=100, help="cases per fan-out transaction")
        parser.add_argument("--drivers", type=int, default=2, help="court-side processes sending at once")
        parser.add_argument("--fault-rate", type=float, default=0.05)
        parser.add_argument("--server-workers", type=int, default=2)
        parser.add_argument("--server-threads", type=int, default=8, help="threads per server worker")
        parser.add_argument("--delivery-workers", type=int, default=2)
        parser.add_argument(
            "--kill-at", type=float, default=1 / 3, help="share sent when a delivery worker is killed"
        )
        parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for every reply")
        parser.add_argument(
            "--keep-db", action="store_true", help="keep the database afterwards (to look into it)"
        )
        parser.add_argument("--logs", default="var/bench-linkage", help="where the processes' logs are kept")
        parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")

    def run(self, options: argparse.Namespace, log: Callable[[str], None]) -> str:
        import psycopg

        info = benchkit.machine(options.postgres_url)
        name = f"el_bench_{os.getpid()}_linkage"
        base = options.postgres_url.rsplit("/", 1)[0]
        url = f"{base}/{name}"
        with (
            tempfile.TemporaryDirectory(prefix="el-bench-linkage-") as tmp,
            psycopg.connect(options.postgres_url, autocommit=True) as admin,
        ):
            workdir = Path(tmp)
            env = {**os.environ, "DATABASE_URL": url, "ENFORCELINK_HTTPS": "0", "ENFORCELINK_DEBUG": "0",
                   "ENFORCELINK_VAR_DIR": str(workdir / "var"), "ENFORCELINK_SECRET_KEY": "bench-" + "x7Qp2" * 12,
                   "ENFORCELINK_WEBHOOK_TIMEOUT": "2", "ENFORCELINK_WEBHOOK_BACKOFF": "1",
                   "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}  # fmt: skip
            admin.execute(f'CREATE DATABASE "{name}"')
            run = Run(env, workdir, log)
            try:
                return self._measure(options, info, env, workdir, url, run, log)
            finally:
                run.stop_all()
                if not options.keep_db:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                kept = Path(options.logs)
                kept.mkdir(parents=True, exist_ok=True)
                for path in workdir.glob("*.log"):  # the processes' output, for a look afterwards
                    shutil.copy(path, kept / path.name)

    def _measure(self, options: argparse.Namespace, info: dict[str, str], env: dict[str, str], workdir: Path,
                 url: str, run: Run, log: Callable[[str], None]) -> str:  # fmt: skip
        import psycopg

        log("migrate, demo data")
        benchkit.enforcelink(["migrate", "-v", "0"], env)
        benchkit.enforcelink(["demo-data", "--cases", str(options.demo_cases), "--seed", "1"], env)
        spec_path = workdir / "spec.json"
        _run_inside(env, ["setup", str(spec_path), str(options.cases)])
        spec = json.loads(spec_path.read_text())
        total = options.cases * UNITS
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        run.enforcelink("server", ["serve", "--port", str(port), "--workers", str(options.server_workers),
                                   "--threads", str(options.server_threads)])  # fmt: skip
        _wait_http(f"{base_url}/api/v1/requests/")
        run.enforcelink("agencies", [
            "simulate", "agencies", "--force", "--webhooks", "--batch", "--base-url", base_url,
            "--unit-ids", ",".join(map(str, spec["units"])), "--delay", "0.05", "0.3",
            "--fault-rate", str(options.fault_rate), "--push-fault-rate", str(options.fault_rate),
            "--push-timeout", "3", "--interval", "0.05",
        ])  # fmt: skip
        units = ",".join(map(str, spec["units"]))
        sql = {key: query.format(units=units) for key, query in SQL.items()}
        with psycopg.connect(url, autocommit=True) as conn:
            while _one(conn, "SELECT count(*) FROM linkage_unitendpoint") < UNITS:
                time.sleep(0.2)
            time.sleep(1)  # the receivers are listening once their processes started
            workers = [run.enforcelink(f"deliver{n}", ["deliver", "--loop", "--interval", "0.1", "--threads", "7"])
                       for n in range(options.delivery_workers)]  # fmt: skip
            log(f"sending {total:,} requests")
            machine_before = _machine_cpu()
            drivers = [run.start(f"driver{n}", [__file__, "drive", str(spec_path), str(options.chunk), str(n),
                                                str(options.drivers)]) for n in range(options.drivers)]  # fmt: skip
            killed_at = None
            driver_cpu: dict[int, float] = {}
            deadline = time.monotonic() + options.timeout
            last_log = 0.0
            answered = 0
            while time.monotonic() < deadline:
                # How far the drivers are, from their own reports: counting in the database every
                # half second would cost PostgreSQL more CPU the more is sent.
                sent = sum(_driver_sent(workdir / f"driver{n}.log") for n in range(options.drivers))
                sending = any(driver.poll() is None for driver in drivers)
                if not sending or time.monotonic() - last_log > 5:
                    answered = _one(conn, sql["answered"])
                if killed_at is None and sent >= total * options.kill_at:
                    os.killpg(workers[0].pid, signal.SIGKILL)  # mid-run, most likely mid-post
                    killed_at = sent
                    log(f"killed delivery worker 1 (SIGKILL) with {sent:,} sent")
                if time.monotonic() - last_log > 5:
                    pushed = _one(conn, "SELECT count(*) FROM linkage_delivery WHERE status = 'delivered'")
                    log(f"sent {sent:,}, pushed {pushed:,}, answered {answered:,}")
                    last_log = time.monotonic()
                cpu = _cpu_by_session()
                for driver in drivers:
                    if driver.poll() is None:
                        driver_cpu[driver.pid] = cpu.get(driver.pid, 0.0)
                    elif driver.poll() != 0:
                        raise RuntimeError(
                            driver.args[-3:].__str__() + (workdir / "driver0.log").read_text()[-3000:]
                        )
                if all(driver.poll() is not None for driver in drivers) and answered >= total:
                    break
                time.sleep(0.5)
            cpu = _cpu_by_session()
            machine_cpu = _machine_cpu() - machine_before
            shares = {name: cpu.get(process.pid, 0.0) for name, process in run.processes.items()
                      if not name.startswith("driver")}  # fmt: skip
            shares[f"court drivers ({options.drivers})"] = sum(driver_cpu.values())
            shares["deliver (both)"] = sum(
                v for k, v in shares.items() if k.startswith("deliver") and k != "deliver (both)"
            )
            shares = {k: v for k, v in shares.items() if not k.startswith("deliver") or k == "deliver (both)"}
            shares["PostgreSQL and the rest"] = machine_cpu - sum(shares.values())
            runs = [
                json.loads(spec_path.with_suffix(f".drive{n}.json").read_text())
                for n in range(options.drivers)
            ]
            drive_info = {
                "started": min(r["started"] for r in runs),
                "finished": max(r["finished"] for r in runs),
            }
            figures = self._figures(conn, sql, FIGURES.format(units=units), drive_info, total, killed_at)
            figures["cpu"] = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in shares.items())
            figures["machine_cpu"] = machine_cpu
        run.stop_all()  # the agencies print their counts on the way out
        agencies = self._agency_counts(workdir / "agencies.log")
        log("reference: one request per transaction, and eager notices")
        _run_inside(env, ["reference", str(spec_path), "200", "20"])
        reference_info = json.loads(spec_path.with_suffix(".reference.json").read_text())
        log("audit verify")
        started = time.perf_counter()
        verdict = benchkit.enforcelink(["audit", "verify"], env).strip().splitlines()[-1]
        figures["audit"] = f"{verdict} ({time.perf_counter() - started:.0f} s)"
        return _markdown(options, info, figures, agencies, reference_info)

    @staticmethod
    def _figures(conn: Any, sql: dict[str, str], figures: str, drive_info: dict[str, Any], total: int,
                 killed_at: int | None) -> dict[str, Any]:  # fmt: skip
        first, last, p50, p99, worst = conn.execute(figures).fetchone()
        sent, answered = _one(conn, sql["sent"]), _one(conn, sql["answered"])
        seconds = (last - first).total_seconds() if first and last else float("nan")
        return {
            "total": total, "requests": _one(conn, sql["requests"]), "sent": sent, "answered": answered,
            "lost": sent - answered, "seconds": seconds, "rate": answered / seconds if seconds else 0,
            "fan_out_seconds": drive_info["finished"] - drive_info["started"], "p50": p50, "p99": p99,
            "worst": worst, "duplicates": {k: _one(conn, sql) for k, sql in DUPLICATES.items()},
            "deliveries": conn.execute(DELIVERIES).fetchall(), "killed_at": killed_at,
        }  # fmt: skip

    @staticmethod
    def _agency_counts(path: Path) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in path.read_text().splitlines():
            if line.startswith("{"):
                for key, value in json.loads(line).items():
                    if key != "agency":
                        counts[key] = counts.get(key, 0) + int(value)
        return counts


def _markdown(options: argparse.Namespace, info: dict[str, str], f: dict[str, Any], agencies: dict[str, int],
              ref: dict[str, Any]) -> str:  # fmt: skip
    verdict = (
        "met"
        if f["rate"] >= TARGET_RATE and f["lost"] == 0 and not any(f["duplicates"].values())
        else "MISSED"
    )
    deliveries = ", ".join(
        f"{status}: {count:,} ({attempts:,} attempts)" for status, count, attempts in f["deliveries"]
    )
    faults = ", ".join(f"{key} {value:,}" for key, value in sorted(agencies.items()))
    dupes = ", ".join(f"{key} {value}" for key, value in f["duplicates"].items())
    return "\n\n".join([
        "## linkage",
        f"`enforcelink bench linkage --cases {options.cases} --chunk {options.chunk} --drivers {options.drivers} --fault-rate {options.fault_rate} "
        f"--server-workers {options.server_workers} --server-threads {options.server_threads} --delivery-workers {options.delivery_workers}` (PostgreSQL)",
        benchkit.machine_table(info),
        "| Figure | Value |\n|---|---|\n"
        f"| Requests (cases × units) | {f['requests']:,} ({options.cases:,} × {UNITS}) |\n"
        f"| Sent / answered and recorded | {f['sent']:,} / {f['answered']:,} |\n"
        f"| First send → last recorded reply | {f['seconds']:.1f} s |\n"
        f"| **End-to-end throughput** | **{f['rate']:,.0f} requests/s** (target ≥ {TARGET_RATE:,}: {verdict}) |\n"
        f"| Fan-out alone (court side) | {f['fan_out_seconds']:.1f} s, {f['sent'] / f['fan_out_seconds']:,.0f} requests/s |\n"
        f"| Send → recorded reply, p50 / p99 / worst | {f['p50']:.2f} s / {f['p99']:.2f} s / {f['worst']:.1f} s |\n"
        f"| **Lost** (sent, never answered) | **{f['lost']}** |\n"
        f"| **Duplicated effects** (requests with > 1 …) | **{dupes}** |\n"
        f"| Delivery worker killed (SIGKILL) | with {f['killed_at'] or 0:,} sent |\n"
        f"| Webhook deliveries | {deliveries} |\n"
        f"| What the agencies saw and did | {faults} |\n"
        f"| CPU seconds by process (2 cores × {f['seconds']:.0f} s = {2 * f['seconds']:.0f} s available) | "
        f"{f['cpu']} (machine total {f['machine_cpu']:.0f} s) |\n"
        f"| Audit chain afterwards | {f['audit']} |",
        "| Reference, same run and database | Requests/s |\n|---|---|\n"
        f"| One request per transaction (`request_create` + `request_send`, notice numbered, rendered on download) "
        f"| {ref['single_send_per_s']:,.1f} |\n"
        f"| The old design: each notice's PDF + DOCX rendered inside the send (`document_issue`) "
        f"| {ref['eager_notice_per_s']:,.1f} |",
        "Reply faults are chosen per request by each agency (duplicate: the same reply again in a later page; "
        "late: five times the delay; dropped: not answered until the agency's safety poll, every 5 s, for requests sent over 5 s ago, finds it). Push faults "
        "(503, or held 3 s past the 2 s webhook timeout) are retried with a 1 s backoff "
        "(`ENFORCELINK_WEBHOOK_TIMEOUT=2`, `ENFORCELINK_WEBHOOK_BACKOFF=1`; production defaults are 10 s and 30 s). "
        "The killed worker's claimed pages come back when their lease expires (3 × timeout + 5 s = 11 s), "
        "which is where the worst latency comes from. Agencies answer 0.05–0.3 s after a request reaches them. "
        "Everything — server (granian), PostgreSQL, delivery workers, 13 agency processes and the court's drivers — "
        "shares the machine's cores.",
    ])  # fmt: skip


if __name__ == "__main__":
    _inside(sys.argv[1:])
