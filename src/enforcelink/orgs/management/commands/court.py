"""`enforcelink court add --code 渝0110 --name 重庆市綦江区人民法院 [--region 500110]` and `court list`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from enforcelink.core.actors import SystemActor
from enforcelink.core.errors import DomainError
from enforcelink.orgs.actions import court_add
from enforcelink.orgs.models import Court, CourtLevel

ACTOR = SystemActor("cli:court")


class Command(BaseCommand):
    help = "Add and list courts (court codes per R-ID-03)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="create a court; the level follows from the code's form")
        add.add_argument("--code", required=True, help="渝 (high), 粤07 (intermediate), 渝0110 (basic)")
        add.add_argument("--name", required=True)
        add.add_argument("--level", choices=CourtLevel.values, help="checked against the code's form")
        add.add_argument("--region", help="six-digit division code; created with its parents if missing")
        sub.add_parser("list", help="list the courts")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "list":
            self._list()
            return
        try:
            court = court_add(
                code=options["code"],
                name=options["name"],
                level=options.get("level"),
                region_code=options.get("region"),
                actor=ACTOR,
            )
        except DomainError as error:
            raise CommandError(f"{error.message} [{error.code}]") from None
        self.stdout.write(
            _("Added %(court)s, %(level)s.") % {"court": court, "level": court.get_level_display()}
        )

    def _list(self) -> None:
        for court in Court.objects.select_related("region").order_by("code"):
            region = court.region.code if court.region else "—"
            self.stdout.write(f"{court.code}\t{court.name}\t{court.get_level_display()}\t{region}")
