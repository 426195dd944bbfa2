"""`enforcelink simulate agencies`: fake agencies' systems (banks, registries, police …) as separate
processes that answer the platform's requests over its machine API on 127.0.0.1 (issue 4 §9).

Each simulated unit gets a fresh API key named "simulator" (earlier simulator keys of that unit are
revoked), then polls, acknowledges and replies with realistic data after a delay, with a fault rate.
Units left to people (`simulator.HUMAN_UNIT_SOURCES`: the demo's printed liaison's) are skipped
unless named with --unit-ids.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import secrets
import signal
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction
from django.utils.translation import gettext as _

from enforcelink.core import audit
from enforcelink.core.actors import SystemActor
from enforcelink.linkage.models import UnitEndpoint
from enforcelink.linkage.simulator import Agency, Faults, human_units
from enforcelink.orgs.api_auth import api_key_issue, api_key_revoke
from enforcelink.orgs.models import ApiKey, LinkageUnit

SIMULATOR = SystemActor("simulator")

# Every unit type the one-click inquiry asks (R-ASSET-01: the tax office, the securities depository and
# the maritime registry too, so that each inquiry is answered and its clock completes, R-CASE-02).
DEFAULT_TYPES = "bank,real_estate,vehicle,market,housing_fund,social_security,tax,securities,maritime,police"
KEY_NAME = "simulator"


def simulated_units(
    types: list[str], unit_ids: list[int] | None = None
) -> tuple[list[LinkageUnit], list[LinkageUnit]]:
    """The active units to simulate, and those of `types` left to their people (`human_units`: the
    demo's printed liaison's), in pk order. Named by `unit_ids`, a unit is simulated whoever it is."""
    if unit_ids is not None:
        return list(LinkageUnit.objects.filter(active=True, pk__in=unit_ids).order_by("pk")), []
    chosen = LinkageUnit.objects.filter(active=True, unit_type__in=types).order_by("pk")
    people = human_units()
    return list(chosen.exclude(pk__in=people)), list(chosen.filter(pk__in=people))


def _leave(*_args: object) -> None:
    """The first SIGTERM ends the agency; a second one (the group's and the parent's both arrive)
    must not cut short the counts it is printing."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(0)


def _run(agency: Agency, rounds: int | None, interval: float, batch: bool) -> None:
    """One agency's process; on SIGTERM it prints its counts as one JSON line (the benchmark reads it)."""
    signal.signal(signal.SIGTERM, _leave)
    try:
        if batch:
            agency.run_batched(interval=min(interval, 0.05))
        else:
            agency.run(rounds=rounds, interval=interval)
    finally:
        line = json.dumps({"agency": agency.name, **agency.stats}, ensure_ascii=False) + "\n"
        sys.stdout.flush()
        os.write(sys.stdout.fileno(), line.encode())  # one write: lines of sibling processes do not mix


class Command(BaseCommand):
    help = "Run simulated agencies' systems that answer requests through the machine API."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["agencies"])
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--types", default=DEFAULT_TYPES, help=f"unit types (default {DEFAULT_TYPES})")
        parser.add_argument("--delay", type=float, nargs=2, default=(0.5, 3.0), metavar=("MIN", "MAX"))
        parser.add_argument("--fault-rate", type=float, default=0.05)
        parser.add_argument(
            "--rounds", type=int, default=None, help="polls per agency, then stop (default: run on)"
        )
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between polls")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--webhooks", action="store_true", help="also receive pushes (registers each unit's webhook)"
        )
        parser.add_argument(
            "--push-fault-rate", type=float, default=0.05, help="pushes answered 503 or timed out"
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="answer like a bank's core system: pushed and polled requests in pages through requests/replies/",
        )
        parser.add_argument("--unit-ids", default="", help="only these units (comma-separated ids)")
        parser.add_argument(
            "--push-timeout",
            type=float,
            default=None,
            help="seconds a timed-out push is held (default: the webhook timeout + 1)",
        )
        parser.add_argument(
            "--force", action="store_true", help="run without ENFORCELINK_DEBUG (not for production)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or options["force"]):
            raise CommandError(
                _(
                    "The simulators issue API keys and post made-up answers: run them on a demo (ENFORCELINK_DEBUG=1)."
                )
            )
        if not options["base_url"].startswith(("http://127.", "http://localhost", "http://[::1]")):
            raise CommandError(_("The simulators only talk to a platform on this machine (127.0.0.1)."))
        if not 0 <= options["fault_rate"] <= 1:
            raise CommandError(_("--fault-rate is a share from 0 to 1."))
        ids: list[int] | None = None
        if options["unit_ids"]:
            try:
                ids = [int(pk) for pk in options["unit_ids"].split(",")]
            except ValueError:
                raise CommandError(_("--unit-ids is a comma-separated list of unit ids.")) from None
        units, left = simulated_units(options["types"].split(","), ids)
        for unit in left:
            self.stdout.write(_("%(unit)s is left to its people: not simulated.") % {"unit": unit.name})
        if not units:
            raise CommandError(_("No active units of these types: load the demo data first."))
        agencies = [self._agency(unit, options, n) for n, unit in enumerate(units)]
        connections.close_all()  # the children never touch the database
        context = multiprocessing.get_context("fork")
        processes = [context.Process(target=_run, args=(a, options["rounds"], options["interval"], options["batch"]), daemon=True)
                     for a in agencies]  # fmt: skip
        for process in processes:
            process.start()
        self.stdout.write(_("%(count)d simulated agencies answering at %(url)s.") % {
            "count": len(processes), "url": options["base_url"]})  # fmt: skip

        def stop(*_args: object) -> None:
            for process in processes:
                process.terminate()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)  # make demo stops us with the server: take the children along
        try:
            for process in processes:
                process.join()
        except KeyboardInterrupt:
            stop()

    def _agency(self, unit: LinkageUnit, options: dict[str, Any], n: int) -> Agency:
        for old in ApiKey.objects.filter(unit=unit, name=KEY_NAME, revoked_at__isnull=True):
            api_key_revoke(old, actor=SIMULATOR)
        _key, secret = api_key_issue(unit, name=KEY_NAME, actor=SIMULATOR)
        low, high = options["delay"]
        faults = Faults(rate=options["fault_rate"], push_rate=options["push_fault_rate"])
        agency = Agency(unit.name, options["base_url"], secret, delay=(low, max(low, high)), faults=faults,
                        seed=options["seed"] * 1000 + n, webhook_secret=secrets.token_urlsafe(24))  # fmt: skip
        if options["push_timeout"] is not None:
            agency.push_timeout = options["push_timeout"]
        if options["webhooks"]:
            url = agency.listen()
            with transaction.atomic():
                endpoint, _created = UnitEndpoint.objects.update_or_create(
                    unit=unit, defaults={"url": url, "secret": agency.webhook_secret, "active": True}
                )
                audit.record("unit_endpoint.simulated", endpoint, actor=SIMULATOR, after={"url": url})
        return agency
