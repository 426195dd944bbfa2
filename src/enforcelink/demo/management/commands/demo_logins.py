"""`enforcelink demo-logins`: a table of demo logins, one per role (`--all`: every demo user).

`--wait-for URL` prints them once the server there answers: `make demo` starts it in the background
beside the server, the worker and the simulators, so the logins come last, after their start-up lines.
"""

from __future__ import annotations

import http.client
import time
import unicodedata
import urllib.parse
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enforcelink.demo.world import DEMO_PASSWORD, PRIMARY_LOGINS
from enforcelink.orgs.models import Role, User


def organisation(user: User) -> str:
    org = user.court or user.unit or user.body
    team = f" / {user.team}" if user.team_id else ""
    return f"{org}{team}" if org else "—"


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def server_answers(url: str, *, seconds: float, pause: float = 0.25) -> bool:
    """Whether the server at `url` answers (any HTTP status) within `seconds`."""
    parts = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + seconds
    while True:
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=2)
        try:
            connection.request("HEAD", parts.path or "/")
            connection.getresponse()
            return True
        except (OSError, http.client.HTTPException):
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
        finally:
            connection.close()


def render(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print the demo logins: username, password, role and organisation for every role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="list every demo user, not one per role")
        parser.add_argument("--wait-for", metavar="URL", help="print them once the server at URL answers")
        parser.add_argument(
            "--timeout", type=float, default=180.0, help="seconds to wait for the server (default 180)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["wait_for"]
        if url and server_answers(url, seconds=options["timeout"]):
            self.stdout.write("\n" + _("EnforceLink is running at %(url)s. Sign in as:") % {"url": url})
        elif url:
            self.stderr.write(
                _("The server at %(url)s has not answered within %(seconds)d s.")
                % {"url": url, "seconds": options["timeout"]}
            )
        users = User.objects.select_related("court", "team", "unit", "body")
        if options["all"]:
            chosen = list(users.exclude(role="").order_by("role", "username"))
        else:
            by_name = {u.username: u for u in users.filter(username__in=PRIMARY_LOGINS.values())}
            chosen = [by_name[name] for name in PRIMARY_LOGINS.values() if name in by_name]
        if not chosen:
            self.stdout.write(_("No demo users yet: run `enforcelink demo-data` first."))
            return
        header = (_("Username"), _("Password"), pgettext("user", "Role"), _("Organisation"))
        rows = [header]
        rows += [(u.username, DEMO_PASSWORD, str(Role(u.role).label), organisation(u)) for u in chosen]
        self.stdout.write(render(rows))
        self.stdout.write(_("The demo password works only until someone changes it; demo databases only."))
        if url:
            self.stdout.write(_("Ctrl-C stops the server, the worker and the simulators."))
