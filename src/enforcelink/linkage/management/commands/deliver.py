"""`enforcelink deliver [--loop] [--interval S]`: push due webhook deliveries to units' systems.

Run it as a service next to `db_worker` (any number on any number of hosts: each delivery is claimed
with a lease). Without --loop it makes one pass and stops — a cron-style safety net.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from enforcelink.linkage.delivery import deliver_due


class Command(BaseCommand):
    help = "Push due webhook deliveries to linkage units (retries, dead-lettering)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between passes (default 5)")
        parser.add_argument(
            "--limit", type=int, default=500, help="deliveries per endpoint and pass (default 500)"
        )
        parser.add_argument(
            "--threads", type=int, default=4, help="endpoints served side by side (default 4)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        threads = max(1, options["threads"])
        if not options["loop"] or threads == 1:
            self._run(options, None)
            return
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="deliver") as pool:
            self._run(options, pool)

    def _run(self, options: dict[str, Any], pool: ThreadPoolExecutor | None) -> None:
        while True:
            counts = deliver_due(limit=options["limit"], threads=max(1, options["threads"]), pool=pool)
            if counts or not options["loop"]:
                self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due")
            if not options["loop"]:
                return
            if not counts:
                time.sleep(options["interval"])  # with work, the next pass starts at once
