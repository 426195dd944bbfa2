"""`enforcelink demo-data --cases N --seed S [--if-empty]`: the demo region and N realistic cases.

The same seed and reference date (`--as-of`, default today) give the same data. `--method naive`
files every case through `case_file` instead (slow; the benchmark's reference). `--stats FILE` writes
the timing and peak memory as JSON for `enforcelink bench`.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from enforcelink.demo import loader
from enforcelink.demo.followup import load_followup
from enforcelink.demo.judgments import load_judgments
from enforcelink.demo.linkage import load_requests
from enforcelink.demo.story import load_story


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("--as-of takes a date like 2026-01-31.")) from None


class Command(BaseCommand):
    help = "Create the demo region (courts, teams, units, a user for every role) and N demo cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=2000, help="number of cases (default 2000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when cases already exist")
        parser.add_argument("--as-of", type=_date, default=None, help="reference date (default today)")
        parser.add_argument("--method", choices=("bulk", "naive"), default="bulk")
        parser.add_argument("--chunk-size", type=int, default=10_000)
        parser.add_argument(
            "--all-nodes",
            action="store_true",
            help="closed cases keep every clock, not only the closure clock",
        )
        parser.add_argument(
            "--judgments", type=int, default=40, help="registered judgments before enforcement (default 40)"
        )
        parser.add_argument(
            "--requests",
            type=int,
            default=6,
            help="open cases whose demo assistance requests are sent (default 6)",
        )
        parser.add_argument("--stats", type=Path, default=None, help="write timing and peak RSS as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        cases = options["cases"]
        if cases < 0 or options["chunk_size"] < 1:
            raise CommandError(_("--cases must be 0 or more and --chunk-size at least 1."))
        stream = getattr(self.stderr, "_out", self.stderr)
        with tqdm(total=cases, unit=" cases", file=stream, disable=None, desc=_("Demo cases")) as bar:
            if options["method"] == "naive":
                result = loader.load_naive(
                    cases=cases, seed=options["seed"], as_of=options["as_of"], progress=bar.update
                )
            else:
                result = loader.load(
                    cases=cases,
                    seed=options["seed"],
                    as_of=options["as_of"],
                    if_empty=options["if_empty"],
                    chunk_size=options["chunk_size"],
                    all_nodes=options["all_nodes"],
                    progress=bar.update,
                )
        if result.skipped:
            self.stdout.write(_("Cases already exist: demo data left as it is."))
            return
        judgments = load_judgments(options["judgments"], seed=options["seed"], as_of=options["as_of"])
        # The story first: the printed officer's cases it carries are asked through assets' one-click
        # inquiry; the other cases keep linkage's requests (and the printed liaison's inbox).
        story = load_story(seed=options["seed"]) if options["requests"] else None
        skip = story.cases if story is not None else []
        requests = load_requests(options["requests"], seed=options["seed"], skip_cases=skip)
        # Then what follows on cases nobody has asked yet: 终本 with re-inquiries, measures near their
        # end and a waiting list, payouts awaiting approval.
        followup = load_followup(seed=options["seed"]) if options["requests"] else None
        rate = result.cases / result.seconds if result.seconds else 0.0
        self.stdout.write(
            _("%(cases)d demo cases in %(seconds).1f s (%(rate).0f cases/s).")
            % {"cases": result.cases, "seconds": result.seconds, "rate": rate}
        )
        self.stdout.write(_("%(count)d registered judgments (pre-enforcement).") % {"count": judgments})
        self.stdout.write(_("%(count)d assistance requests to linkage units.") % {"count": requests})
        if story is not None and story.cases:
            self.stdout.write(
                _(
                    "Property and money on %(cases)d cases: %(records)d assets found, %(freezes)d freezes, "
                    "%(deductions)d deductions booked."
                )
                % {
                    "cases": len(story.cases),
                    "records": story.records,
                    "freezes": story.freezes,
                    "deductions": story.deductions,
                }
            )
        if followup is not None and followup.terminated:
            self.stdout.write(
                _(
                    "After that: %(terminated)d 终本 cases with re-inquiry schedules (%(new)d rounds found new "
                    "property), %(expiring)d measures ending within 30 days, %(waiting)d seizures on a waiting "
                    "list, %(payouts)d payouts awaiting approval."
                )
                % {
                    "terminated": len(followup.terminated),
                    "new": len(followup.new_property),
                    "expiring": followup.ending_soon,
                    "waiting": len(followup.waiting),
                    "payouts": len(followup.payouts),
                }
            )
        if options["stats"] is not None:
            own, children = (
                resource.getrusage(resource.RUSAGE_SELF),
                resource.getrusage(resource.RUSAGE_CHILDREN),
            )
            payload = {
                "cases": result.cases,
                "seconds": result.seconds,
                # ru_maxrss is KiB on Linux; the forked generator is a child of this process
                "peak_rss_mib": own.ru_maxrss / 1024,
                "generator_peak_rss_mib": children.ru_maxrss / 1024,
                "cpu_seconds": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
                "method": options["method"],
                "stats": result.stats,
            }
            options["stats"].write_text(json.dumps(payload, indent=2, ensure_ascii=False))
