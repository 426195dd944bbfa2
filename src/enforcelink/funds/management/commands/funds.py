"""`enforcelink funds verify`: re-add every balance of the ledger from its entries (R-FUND-03);
`enforcelink funds open-accounts`: open the accounts of cases written in bulk (funds/bulk.py).

Checks that the database's guards are all in place (funds/guards.py; a SQLite table rebuilt by a
migration loses its triggers), that every journal's legs number what it declares, sum to 0 and
debit its amount (SQLite cannot refuse a journal whose last leg never came), and that every account's
running balance equals the sum of its entries. Prints "balanced: …" and exits 0, or names each
problem on stderr and exits 1.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _
from tqdm import tqdm

from enforcelink.funds import bulk, verify


class Command(BaseCommand):
    help = "Check the case-fund ledger against its entries."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser(
            "verify", help="exit 0 when every journal balances and every balance adds up, 1 otherwise"
        )
        sub.add_parser(
            "open-accounts",
            help="open the 一案一账号 of cases written in bulk (with an opening journal for their recovered amount)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stream = getattr(self.stderr, "_out", self.stderr)
        if options["verb"] == "open-accounts":
            with tqdm(
                total=bulk.missing(), file=stream, unit=" cases", disable=None, desc=_("Opening")
            ) as bar:
                opened = bulk.open_missing(progress=bar.update)
            self.stdout.write(_("opened: %(count)d case accounts") % {"count": opened})
            return
        problems = [
            _("guard trigger missing: %(name)s") % {"name": name}
            for name in verify.guards_missing(connection)
        ]
        counts = verify.counts()
        # disable=None: a bar on a terminal, nothing in logs and pipes.
        with tqdm(
            total=counts.journals, file=stream, unit=" journals", disable=None, desc=_("Journals")
        ) as bar:
            problems += [str(problem) for problem in verify.journals(progress=bar.update)]
        with tqdm(
            total=counts.accounts, file=stream, unit=" accounts", disable=None, desc=_("Balances")
        ) as bar:
            problems += [str(problem) for problem in verify.balances(progress=bar.update)]
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(
                _("ledger check failed: %(count)d problem(s), listed above") % {"count": len(problems)}
            )
        self.stdout.write(
            _("balanced: %(journals)d journals, %(accounts)d account balances re-added from their entries")
            % {"journals": counts.journals, "accounts": counts.accounts}
        )
