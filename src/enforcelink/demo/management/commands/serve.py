"""`enforcelink serve [--host H] [--port P] [--workers N] [--dev] [--request-log]`.

Production: granian's WSGI server, which also serves the collected static files from var/static
(`--static-path-route/--static-path-mount`, no extra dependency). With ENFORCELINK_DEBUG=1 or `--dev`:
Django's runserver, which reloads code and serves static files itself. Neither logs a line per request
unless asked to (`--request-log` or ENFORCELINK_REQUEST_LOG=1; config.logs says why).
"""

from __future__ import annotations

import logging.config
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.translation import gettext as _

from enforcelink.config import env, logs

WSGI_TARGET = "enforcelink.config.wsgi:application"
BLOCKING_THREADS = 8
# granian's --backpressure caps the connections a worker has accepted, not the requests it is running:
# a kept-alive connection (an agency's system keeps one open between calls) holds its place while it
# is idle, and a client beyond the cap is never served. So the cap is sized for clients, not threads.
CONNECTIONS = 512


def granian_command(
    host: str,
    port: int,
    workers: int,
    static_root: Path,
    static_url: str,
    threads: int = BLOCKING_THREADS,
    connections: int = CONNECTIONS,
    access_log: bool = False,
) -> list[str]:
    """The granian command line (the executable next to this Python, else the one on PATH)."""
    local = Path(sys.executable).with_name("granian")
    executable = str(local) if local.exists() else (shutil.which("granian") or "granian")
    route = "/" + static_url.strip("/")
    return [
        executable,
        "--interface", "wsgi",
        "--host", host,
        "--port", str(port),
        "--workers", str(workers),
        # Django is synchronous: a few threads per worker, each with its own database connection.
        "--blocking-threads", str(threads),
        "--backpressure", str(connections),
        "--static-path-route", route,
        "--static-path-mount", str(static_root),
        *(["--access-log"] if access_log else []),
        WSGI_TARGET,
    ]  # fmt: skip


def check_secret_key(key: str) -> None:
    """A production server does not start on a guessable key (Django's own test, security.W009)."""
    if env.secret_key_is_weak(key):
        raise CommandError(_(env.WEAK_KEY) % {"recipe": env.KEY_RECIPE})


class Command(BaseCommand):
    help = "Serve EnforceLink: granian in production, Django's runserver with --dev or ENFORCELINK_DEBUG=1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=max(1, min(4, os.cpu_count() or 1)))
        parser.add_argument(
            "--threads",
            type=int,
            default=BLOCKING_THREADS,
            help=f"threads per worker (default {BLOCKING_THREADS}); fewer threads and more workers when requests are CPU-bound",
        )
        parser.add_argument(
            "--connections",
            type=int,
            default=CONNECTIONS,
            help=f"open connections per worker (default {CONNECTIONS}); an idle kept-alive client holds one",
        )
        parser.add_argument("--dev", action="store_true", help="Django's development server")
        parser.add_argument(
            "--request-log",
            action="store_true",
            help="a line per request served (default: ENFORCELINK_REQUEST_LOG, off)",
        )
        parser.add_argument("--dry-run", action="store_true", help="print the server command and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if not 0 < port < 65536 or options["workers"] < 1 or options["connections"] < 1:
            raise CommandError(_("--port must be 1-65535, --workers and --connections at least 1."))
        if not settings.DEBUG:  # --dev included: a development server is still a server
            check_secret_key(settings.SECRET_KEY)
        request_log = options["request_log"] or settings.REQUEST_LOG
        if request_log and not settings.REQUEST_LOG:
            # This process's logging, and through the environment that of the processes it starts
            # (the reloader's server process, granian's workers).
            os.environ["ENFORCELINK_REQUEST_LOG"] = "1"
            logging.config.dictConfig(logs.logging_config(settings.LOG_LEVEL, request_log=True))
        if options["dev"] or settings.DEBUG:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":  # once, not again from the reloader's child
                self.stdout.write(
                    _("Development server on http://%(host)s:%(port)d/") % {"host": host, "port": port}
                )
            if not options["dry_run"]:
                call_command("runserver", f"{host}:{port}")
            return
        static_root = Path(settings.STATIC_ROOT)
        command = granian_command(
            host, port, options["workers"], static_root, settings.STATIC_URL, max(1, options["threads"]),
            options["connections"], access_log=request_log,
        )  # fmt: skip
        self.stdout.write(" ".join(command))
        if options["dry_run"]:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        sys.stdout.flush()
        os.execv(command[0], command)  # granian takes over this process: signals go straight to it
