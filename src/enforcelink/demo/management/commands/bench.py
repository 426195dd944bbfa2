"""`enforcelink bench list` and `enforcelink bench <name> [options]` (benchmarks in bench/)."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from enforcelink.demo import benchkit


class Command(BaseCommand):
    help = "Run a benchmark from bench/ and record its figures in docs/benchmarks.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="benchmark name, or `list`")
        parser.add_argument("rest", nargs=argparse.REMAINDER, help="the benchmark's own options")

    def handle(self, *args: Any, **options: Any) -> None:
        registry = benchkit.discover()
        name = options["name"]
        if name == "list":
            for bench in sorted(registry.values(), key=lambda b: b.name):
                self.stdout.write(f"{bench.name:20} {bench.help}")
            return
        chosen = registry.get(name)
        if chosen is None:
            raise CommandError(
                _("Unknown benchmark %(name)s; `enforcelink bench list` shows them.") % {"name": name}
            )
        parser = argparse.ArgumentParser(prog=f"enforcelink bench {name}", description=chosen.help)
        default_docs = Path(settings.REPO_DIR) / "docs" / "benchmarks.md"
        parser.add_argument("--docs", type=Path, default=default_docs, help="Markdown file to update")
        parser.add_argument("--no-docs", action="store_true", help="print the result only")
        chosen.runner.add_arguments(parser)
        try:
            bench_options = parser.parse_args(options["rest"])
        except SystemExit as exit_:
            if exit_.code:
                raise CommandError(_("Invalid benchmark options.")) from None
            return
        # A benchmark stopped from outside (`timeout`, a CI job's cancel) stops its processes and drops
        # its database on the way out: SIGTERM would otherwise end Python without running them.
        previous = signal.signal(signal.SIGTERM, _leave)
        try:
            markdown = chosen.runner.run(bench_options, lambda line: self.stderr.write(line))
        finally:
            signal.signal(signal.SIGTERM, previous)
        self.stdout.write(markdown)
        if not bench_options.no_docs:
            benchkit.write_section(bench_options.docs, name, markdown)
            self.stdout.write(_("Written to %(path)s") % {"path": bench_options.docs})


def _leave(signum: int, frame: Any) -> None:
    sys.exit(128 + signum)
