"""`enforcelink audit verify`: walk the hash chain (issue 2 §7).

Exits 0 printing "intact: N events", or 1 naming the first edited, deleted or reordered event.
"""

from __future__ import annotations

from collections.abc import Iterator
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
        sub.add_parser("verify", help="exit 0 when the chain is intact, 1 naming the first broken event")

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        counted = _Counter(audit.iter_events())
        stream = getattr(self.stderr, "_out", self.stderr)
        # disable=None: a bar on a terminal, nothing in logs and pipes.
        events = tqdm(counted, total=total, file=stream, unit=" events", disable=None, desc=_("Verifying"))
        problem = audit.verify(events)
        if problem is not None:
            raise CommandError(_("audit chain broken at %(problem)s") % {"problem": problem})
        self.stdout.write(_("intact: %(count)d events") % {"count": counted.seen})


class _Counter:
    """Counts the events actually walked (the count before the walk may be stale by then)."""

    def __init__(self, events: Iterator[AuditEvent]):
        self._events = events
        self.seen = 0

    def __iter__(self) -> Iterator[AuditEvent]:
        for event in self._events:
            self.seen += 1
            yield event
