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
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
