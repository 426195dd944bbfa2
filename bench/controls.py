"""`enforcelink bench controls`: R-ASSET-03 under concurrent confirmations, 10,000 randomised trials on
PostgreSQL (issue 15 §5). Each trial (enforcelink.assets.control.trials) sets a case's budget, sends
freezes of random amounts to 2–4 banks, has the banks confirm random parts at the same moment — one
thread and connection each, released by a barrier, real commits — and checks that the value under
control never exceeds the budget and that exactly the excess was released.

Worker processes run their share of the trials, each on its own court (so the workers are parallel
and each trial's confirmations contend on one case row, as banks answering one case do), with a new
case every 25 trials (`trials.PER_CASE`).
Run as `python bench/controls.py drive <seed> <trials>` inside the benchmark's database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from enforcelink.demo import benchkit

BANKS = 4


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


def drive(seed: int, trials: int) -> dict[str, Any]:
    from enforcelink.assets.control.trials import run_many

    tally = run_many(_setting(seed), trials, seed=seed)
    return {
        "trials": tally.trials,
        "violations": tally.violations[:20],
        "violation_count": len(tally.violations),
        "confirmations": tally.confirmations,
        "releases": tally.releases,
        "seconds": tally.seconds,
    }


def _inside(argv: list[str]) -> None:
    _django()
    print(json.dumps(drive(int(argv[1]), int(argv[2]))))


@benchkit.register("controls", "R-ASSET-03 no over-seizure: 10,000 trials of concurrent freeze confirmations")
class Controls:
    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--trials", type=int, default=10_000, help="trials in all")
        parser.add_argument("--workers", type=int, default=2, help="worker processes, each its own case")
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
            try:
                benchkit.enforcelink(["migrate", "-v", "0"], env)
                shares = [options.trials // options.workers + (i < options.trials % options.workers)
                          for i in range(options.workers)]  # fmt: skip
                started = time.perf_counter()
                workers = [
                    subprocess.Popen([sys.executable, __file__, "drive", str(i + 1), str(n)], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                    for i, n in enumerate(shares)
                ]  # fmt: skip
                results = []
                for worker in workers:
                    out, err = worker.communicate()
                    if worker.returncode != 0:
                        raise RuntimeError(f"bench/controls.py drive failed:\n{err}{out}")
                    results.append(json.loads(out.strip().splitlines()[-1]))
                    log(
                        f"worker done: {results[-1]['trials']} trials, {results[-1]['violation_count']} violations"
                    )
                elapsed = time.perf_counter() - started
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return _markdown(options, info, results, elapsed)


def _markdown(options: argparse.Namespace, info: dict[str, str], results: list[dict[str, Any]], elapsed: float) -> str:  # fmt: skip
    trials = sum(r["trials"] for r in results)
    violations = sum(r["violation_count"] for r in results)
    confirmations = sum(r["confirmations"] for r in results)
    releases = sum(r["releases"] for r in results)
    examples = [v for r in results for v in r["violations"]][:5]
    lines = [
        "## controls",
        f"`enforcelink bench controls --trials {options.trials} --workers {options.workers}` (PostgreSQL)",
        benchkit.machine_table(info),
        "| Trials | Confirmations | Automatic unfreezes | Violations | Time | Trials/s |\n|---|---|---|---|---|---|\n"
        f"| {trials:,} | {confirmations:,} | {releases:,} | **{violations}** | {elapsed:,.0f} s | {trials / elapsed:,.1f} |",
        "Each trial (`enforcelink.assets.control.trials`) sets the case's budget (principal 1,000–2,000,000 "
        "yuan + the application fee), sends freezes of random amounts up to the budget to 2–4 banks (sent "
        "freezes are not under control yet, so together they ask up to 4× the budget), and the banks confirm "
        "all or a random part of what they were asked at the same moment: one thread and one database "
        "connection per bank, started together by a barrier, each confirmation committed on its own. After "
        "the last commit the case is read afresh: a violation is value under control (net of the unfreezes "
        "ordered) above the budget, or anything other than exactly min(budget, everything confirmed) left "
        "under control (R-ASSET-03: the surplus released is the excess, not more). "
        f"{options.workers} worker processes, each with its own court and case, share the trials.",
    ]
    if examples:
        lines.append("Violations found:\n\n" + "\n".join(f"- {e}" for e in examples))
    return "\n\n".join(lines)


if __name__ == "__main__":
    _inside(sys.argv[1:])
