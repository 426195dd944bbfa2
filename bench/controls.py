"""`enforcelink bench controls`: R-ASSET-03 under concurrent confirmations, 10,000 randomised trials on
PostgreSQL (issue 15 §5). Each trial (enforcelink.assets.control.trials) sets a case's budget, sends
freezes of random amounts to 2–4 banks, has the banks confirm random parts at the same moment — one
thread and connection each, released by a barrier, real commits — and checks that the value under
control never exceeds the budget and that exactly the excess was released.

The trials run in chunks of CHUNK, each chunk a process of its own on a court of its own (seeded by
its number, a new case every `trials.PER_CASE` trials), `--workers` chunks at a time: the workers are
parallel and each trial's confirmations contend on one case row, as banks answering one case do. A
chunk prints its running tally as a JSON line every PROGRESS_EVERY trials, so a chunk that dies still
tells what it did, and its stderr tail says why; the run then stops and reports both.
Run as `python bench/controls.py drive <chunk> <trials>` inside the benchmark's database.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from enforcelink.demo import benchkit

BANKS = 4
CHUNK = 500  # trials per process: a crash loses at most the trials since the chunk's last tally line
PROGRESS_EVERY = 25


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcelink.config.settings")
    import django

    django.setup()


def _setting(index: int) -> Any:
    """A court of its own (worker `index`), an officer, BANKS banks with liaisons, and a case maker."""
    from enforcelink.assets.control.trials import Setting
    from enforcelink.orgs.models import Court, LinkageUnit, Region, Role, Team, UnitType, User

    region, _ = Region.objects.get_or_create(code="500110", defaults={"name": "綦江区", "path": "500110/"})
    court = Court.objects.create(code=f"渝9{index:03d}", name=f"基准测试法院{index}", region=region)
    team = Team.objects.create(court=court, name="执行一组")
    officer = User.objects.create(username=f"bench-officer-{index}", full_name="基准承办人", court=court,
                                  team=team, role=Role.OFFICER)  # fmt: skip
    banks = []
    for n in range(BANKS):
        unit = LinkageUnit.objects.create(name=f"基准银行{index}-{n}", unit_type=UnitType.BANK, region=region)
        liaison = User.objects.create(username=f"bench-liaison-{index}-{n}", full_name="联络员", unit=unit,
                                      role=Role.LIAISON)  # fmt: skip
        banks.append((unit, liaison))

    def make(n: int) -> Setting:
        return Setting(_case(court, officer, index, n), officer, banks)

    return make


def _case(court: Any, officer: Any, index: int, n: int) -> Any:
    import datetime as dt

    from enforcelink.cases.actions import CaseFiling, PartyInput, case_file

    filing = CaseFiling(
        court=court, filed_on=dt.date(2026, 1, 5), basis_type="judgment", basis_body=court.name,
        basis_number=f"（2025）渝9{index:03d}民初{n + 1}号", principal="100000.00",
        parties=[PartyInput(role="applicant", kind="person", name="张三", id_number="11010519491231002X"),
                 PartyInput(role="respondent", kind="organisation", name="重庆某建材有限公司",
                            id_number="91500110MA5U8XJ06R")],
    )  # fmt: skip
    return case_file(filing, actor=officer)


def drive(chunk: int, trials: int) -> dict[str, Any]:
    """Chunk `chunk` (its court and its seed), printing the running tally as it goes."""
    from enforcelink.assets.control.trials import Tally, run_many

    def line(tally: Tally) -> dict[str, Any]:
        return {
            "chunk": chunk,
            "trials": tally.trials,
            "violations": tally.violations[:20],
            "violation_count": len(tally.violations),
            "confirmations": tally.confirmations,
            "releases": tally.releases,
            "seconds": round(tally.seconds, 3),
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        }

    def progress(tally: Tally) -> None:
        if tally.trials % PROGRESS_EVERY == 0 or tally.trials == trials or tally.violations:
            print(json.dumps(line(tally)), flush=True)

    return line(run_many(_setting(chunk), trials, seed=chunk, progress=progress))


def _inside(argv: list[str]) -> None:
    _django()
    drive(int(argv[1]), int(argv[2]))


@dataclass
class Chunk:
    """What the parent knows of one chunk: its last tally line, and how it ended."""

    index: int
    size: int
    last: dict[str, Any] = field(default_factory=dict)
    returncode: int | None = None
    stderr_tail: str = ""

    @property
    def done(self) -> int:
        return int(self.last.get("trials", 0))

    @property
    def ending(self) -> str:
        code = self.returncode or 0
        return f"killed by signal {-code}" if code < 0 else f"exit {code}"

    @property
    def failed(self) -> bool:
        return self.returncode is not None and (self.returncode != 0 or self.done != self.size)


class Runs:
    """Chunks run `workers` at a time; a failed chunk stops the ones not yet started."""

    def __init__(self, env: dict[str, str], tmp: Path, log: Callable[[str], None]) -> None:
        self.env, self.tmp, self.log = env, tmp, log
        self.stop = threading.Event()
        self.live: dict[int, subprocess.Popen[str]] = {}
        self.lock = threading.Lock()

    def run(self, chunk: Chunk) -> None:
        if self.stop.is_set():
            return
        errors = self.tmp / f"chunk-{chunk.index}.stderr"
        with errors.open("w") as stderr:
            process = subprocess.Popen([sys.executable, __file__, "drive", str(chunk.index), str(chunk.size)],
                                       env=self.env, stdout=subprocess.PIPE, stderr=stderr, text=True)  # fmt: skip
            with self.lock:
                self.live[chunk.index] = process
            assert process.stdout is not None
            for text in process.stdout:
                try:
                    chunk.last = json.loads(text)
                except ValueError:
                    continue  # a stray print: the tally lines are what count
                if chunk.last["violation_count"]:
                    self.log(f"chunk {chunk.index}: VIOLATIONS {chunk.last['violations']}")
            chunk.returncode = process.wait()
            with self.lock:
                self.live.pop(chunk.index, None)
        chunk.stderr_tail = errors.read_text()[-4000:]
        if chunk.failed:
            self.stop.set()
            self.log(f"chunk {chunk.index} FAILED ({chunk.ending}) after {chunk.done}/{chunk.size} "
                     f"trials:\n{chunk.stderr_tail}")  # fmt: skip
        else:
            self.log(f"chunk {chunk.index}: {chunk.done} trials in {chunk.last['seconds']:.0f} s, "
                     f"{chunk.last['violation_count']} violations, max RSS {chunk.last['rss_mib']} MiB")  # fmt: skip

    def end(self) -> None:
        self.stop.set()
        with self.lock:
            for process in self.live.values():
                process.terminate()


@benchkit.register("controls", "R-ASSET-03 no over-seizure: 10,000 trials of concurrent freeze confirmations")
class Controls:
    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--trials", type=int, default=10_000, help="trials in all")
        parser.add_argument("--workers", type=int, default=2, help="chunks run at a time, each its own court")
        parser.add_argument("--chunk", type=int, default=CHUNK, help="trials per chunk (one process each)")
        parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")

    def run(self, options: argparse.Namespace, log: Callable[[str], None]) -> str:
        import psycopg

        info = benchkit.machine(options.postgres_url)
        name = f"el_bench_{os.getpid()}_controls"
        url = f"{options.postgres_url.rsplit('/', 1)[0]}/{name}"
        with (
            tempfile.TemporaryDirectory(prefix="el-bench-controls-") as tmp,
            psycopg.connect(options.postgres_url, autocommit=True) as admin,
        ):
            env = {**os.environ, "DATABASE_URL": url, "ENFORCELINK_HTTPS": "0", "ENFORCELINK_DEBUG": "0",
                   "ENFORCELINK_VAR_DIR": str(Path(tmp) / "var"), "ENFORCELINK_SECRET_KEY": "bench-" + "k4Wz9" * 12,
                   "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}  # fmt: skip
            admin.execute(f'CREATE DATABASE "{name}"')
            chunks = [Chunk(i + 1, min(options.chunk, options.trials - start))
                      for i, start in enumerate(range(0, options.trials, options.chunk))]  # fmt: skip
            runs = Runs(env, Path(tmp), log)
            pool = ThreadPoolExecutor(max_workers=options.workers)
            try:
                benchkit.enforcelink(["migrate", "-v", "0"], env)
                started = time.perf_counter()
                list(pool.map(runs.run, chunks))
                elapsed = time.perf_counter() - started
            finally:
                runs.end()  # a stopped bench (SIGTERM) stops its chunks before dropping their database
                pool.shutdown(wait=True, cancel_futures=True)
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        failed = [c for c in chunks if c.failed]
        if failed:
            raise RuntimeError(_failure(chunks, failed))
        return _markdown(options, info, chunks, elapsed)


def _totals(chunks: list[Chunk]) -> dict[str, int]:
    return {key: sum(int(c.last.get(key, 0)) for c in chunks)
            for key in ("trials", "confirmations", "releases", "violation_count")}  # fmt: skip


def _failure(chunks: list[Chunk], failed: list[Chunk]) -> str:
    totals = _totals(chunks)
    lines = [f"bench controls stopped: {totals['trials']:,} trials done ({totals['confirmations']:,} confirmations, "
             f"{totals['releases']:,} automatic unfreezes, {totals['violation_count']} violations)"]  # fmt: skip
    lines += [f"violation: {v}" for c in chunks for v in c.last.get("violations", [])]
    for chunk in failed:
        lines.append(f"chunk {chunk.index} (seed {chunk.index}) {chunk.ending} after {chunk.done}/"
                     f"{chunk.size} trials; stderr tail:\n{chunk.stderr_tail}")  # fmt: skip
    return "\n".join(lines)


def _markdown(options: argparse.Namespace, info: dict[str, str], chunks: list[Chunk], elapsed: float) -> str:  # fmt: skip
    totals = _totals(chunks)
    trials = totals["trials"]
    examples = [v for c in chunks for v in c.last.get("violations", [])][:5]
    rates = [c.done / c.last["seconds"] for c in chunks if c.last.get("seconds")]
    lines = [
        "## controls",
        f"`enforcelink bench controls --trials {options.trials} --workers {options.workers} --chunk "
        f"{options.chunk}` (PostgreSQL)",
        benchkit.machine_table(info),
        "| Trials | Confirmations | Automatic unfreezes | Violations | Time | Trials/s |\n|---|---|---|---|---|---|\n"
        f"| {trials:,} | {totals['confirmations']:,} | {totals['releases']:,} | **{totals['violation_count']}** "
        f"| {elapsed:,.0f} s | {trials / elapsed:,.1f} |",
        "Each trial (`enforcelink.assets.control.trials`) sets the case's budget (principal 1,000–2,000,000 "
        "yuan, the budget being what the ledger says is owed: the principal and the application fee on it), sends freezes of random amounts up to the budget to 2–4 banks (sent "
        "freezes are not under control yet, so together they ask up to 4× the budget), and the banks confirm "
        "all or a random part of what they were asked at the same moment: one thread and one database "
        "connection per bank, started together by a barrier, each confirmation committed on its own. After "
        "the last commit the case is read afresh: a violation is value under control (net of the unfreezes "
        "ordered) above the budget, or anything other than exactly min(budget, everything confirmed) left "
        "under control (R-ASSET-03: the surplus released is the excess, not more); an error in any "
        f"confirmation counts as a violation too. {len(chunks)} chunks of up to {options.chunk} trials, "
        f"each a process with its own court and seed and a new case every 25 trials, {options.workers} at "
        f"a time; per chunk {min(rates):.2f}–{max(rates):.2f} trials/s, at most "
        f"{max(int(c.last.get('rss_mib', 0)) for c in chunks)} MiB resident.",
    ]
    if examples:
        lines.append("Violations found:\n\n" + "\n".join(f"- {e}" for e in examples))
    return "\n\n".join(lines)


if __name__ == "__main__":
    _inside(sys.argv[1:])
