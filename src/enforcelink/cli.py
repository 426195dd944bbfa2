"""`enforcelink`: the one console command for operators.

Every Django management command works (`enforcelink migrate`, `enforcelink createsuperuser`);
EnforceLink's own are listed by `enforcelink help`. Hyphenated names map to the command
(`enforcelink demo-data` runs `demo_data`).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcelink.config.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 1 and argv[1] == "runserver":
        _refuse_a_weak_key()
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def _refuse_a_weak_key() -> None:
    """Django's runserver only warns about a guessable key (security.W009, and only under
    `check --deploy`): outside debug it does not start on one, like `enforcelink serve`."""
    import django
    from django.conf import settings

    from enforcelink.config.env import secret_key_is_weak

    django.setup()
    if not settings.DEBUG and secret_key_is_weak(settings.SECRET_KEY):
        sys.exit("ENFORCELINK_SECRET_KEY is too weak to serve with: use at least 50 random characters.")


if __name__ == "__main__":
    main()
