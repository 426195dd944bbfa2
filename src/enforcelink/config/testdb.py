"""Print the PostgreSQL URL the test run should use, or nothing when none is reachable.

`make test` runs the suite a second time against it; pytest-django creates and drops
its own `test_…` database there, so the one named here is never written to.
"""

from __future__ import annotations

import os
import sys


def reachable_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    candidates = [url] if url.startswith(("postgres:", "postgresql:")) else []
    candidates.append("postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg
    except ImportError:
        return ""
    for candidate in candidates:
        try:
            with psycopg.connect(candidate, connect_timeout=3):
                return candidate
        except psycopg.Error:
            continue
    return ""


if __name__ == "__main__":
    sys.stdout.write(reachable_url())
