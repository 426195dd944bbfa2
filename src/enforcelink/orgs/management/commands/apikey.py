"""`enforcelink apikey create --unit ID --name N` / `apikey list [--unit ID]` / `apikey revoke PREFIX`.

A linkage unit's system authenticates to /api/v1/ with `Authorization: Bearer el_<prefix>_<secret>`.
The secret is printed once, at creation; only its hash is stored.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enforcelink.core.actors import SystemActor
from enforcelink.core.errors import DomainError
from enforcelink.orgs.api_auth import api_key_issue, api_key_revoke
from enforcelink.orgs.models import ApiKey, LinkageUnit

ACTOR = SystemActor("cli:apikey")


class Command(BaseCommand):
    help = "Create, list and revoke linkage units' API keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="issue a key for a unit; prints the secret once")
        create.add_argument("--unit", type=int, required=True, help="the linkage unit's id")
        create.add_argument("--name", required=True, help="what the key is for, e.g. the bank's system")
        listing = sub.add_parser("list", help="list keys (never their secrets)")
        listing.add_argument("--unit", type=int, help="only this unit's keys")
        revoke = sub.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "create":
            self._create(options["unit"], options["name"])
        elif verb == "list":
            self._list(options.get("unit"))
        else:
            self._revoke(options["prefix"])

    def _create(self, unit_id: int, name: str) -> None:
        unit = LinkageUnit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise CommandError(f"no linkage unit with id {unit_id}")
        try:
            key, secret = api_key_issue(unit, name=name, actor=ACTOR)
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(
            f"API key {key.prefix} for {unit} ({key.name}). Store it now, it is not shown again:"
        )
        self.stdout.write(secret)

    def _list(self, unit_id: int | None) -> None:
        keys = ApiKey.objects.select_related("unit").order_by("unit_id", "created_at")
        if unit_id is not None:
            keys = keys.filter(unit_id=unit_id)
        for key in keys:
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
            self.stdout.write(
                f"{key.prefix}\t{key.unit_id}\t{key.unit}\t{key.name}\t{state}\tlast used {used}"
            )

    def _revoke(self, prefix: str) -> None:
        key = ApiKey.objects.filter(prefix=prefix).first()
        if key is None:
            raise CommandError(f"no API key with prefix {prefix}")
        api_key_revoke(key, actor=ACTOR)
        self.stdout.write(f"API key {prefix} revoked")
