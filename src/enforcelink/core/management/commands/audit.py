"""`enforcelink audit verify [--anchor FILE]` and `enforcelink audit anchor` (issue 2 §7, issue 13 §5).

`verify` walks every chain (one per court, one for the platform) and exits 0 printing "intact: N
events", or 1 naming the chain and its first edited, deleted or reordered event. With `--anchor FILE`
(a document `anchor` printed earlier) it also fails, naming the chain, when a chain no longer extends
its anchored head (truncated, rewritten or replaced since), and refuses a file whose signature does
not match. `anchor` prints each chain's head, signed, as one JSON document to keep outside the
database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from enforcelink.core import audit
from enforcelink.core.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit trail's hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser(
            "verify", help="exit 0 when every chain is intact, 1 naming the first broken event"
        )
        verify.add_argument(
            "--anchor",
            type=Path,
            help="an `audit anchor` document: also fail when a chain no longer extends it",
        )
        sub.add_parser(
            "anchor", help="print every chain's head, signed, as JSON to keep outside the database"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "anchor":
            self.stdout.write(json.dumps(audit.anchor(), ensure_ascii=False, indent=2))
            return
        anchored = _read_anchor(options["anchor"]) if options.get("anchor") else None
        if anchored is not None:
            problem = audit.check_anchor(anchored)
            if problem is not None:
                raise CommandError(
                    _("audit chain no longer extends its anchor: %(problem)s") % {"problem": problem}
                )
        heads = audit.head_snapshot()  # the walk stops at these: writers may go on meanwhile
        total = sum(head.last_seq for head in heads.values())
        counted = _Counter(audit.iter_events(heads=heads))
        stream = getattr(self.stderr, "_out", self.stderr)
        # disable=None: a bar on a terminal, nothing in logs and pipes.
        events = tqdm(counted, total=total, file=stream, unit=" events", disable=None, desc=_("Verifying"))
        problem = audit.verify(events, heads=heads)
        if problem is not None:
            raise CommandError(_("audit chain broken at %(problem)s") % {"problem": problem})
        self.stdout.write(_("intact: %(count)d events") % {"count": counted.seen})
        if anchored is not None:
            self.stdout.write(_("extends its anchor: %(count)d chains") % {"count": len(anchored)})


def _read_anchor(path: Path) -> list[tuple[int, int, str]]:
    try:
        return audit.read_anchor(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(_("Cannot read the anchor file: %(error)s") % {"error": error}) from None
    except audit.AnchorError as error:
        raise CommandError(_("Refused anchor file: %(reason)s") % {"reason": error}) from None


class _Counter:
    """Counts the events actually walked (the count before the walk may be stale by then)."""

    def __init__(self, events: Iterator[AuditEvent]):
        self._events = events
        self.seen = 0

    def __iter__(self) -> Iterator[AuditEvent]:
        for event in self._events:
            self.seen += 1
            yield event
